/**
 * Every hint that tells the user where an address is set names a field they can see: a field of
 * the node, or of the credential the node uses (the HTTP Async Job node's generic credentials
 * have no base URL; its addresses are its URL fields). Each node meets a redirect, which it
 * never follows, on Create and on Get, and the HTTP Async Job node a refused key.
 */
import type { INodeProperties } from 'n8n-workflow';

import { credentialTypes, nodeTypeName, ourNodeTypes } from './harness/engine';
import type { Action, ProviderCase } from './harness/providerCases';
import { HTTP_NODE_CASES, PROVIDERS, aetherForge, httpFal, httpReplicate, pixxel, runAction, tensorArt } from './harness/providerCases';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());
beforeEach(() => {
	sim.reset();
	for (const provider of [...PROVIDERS, ...HTTP_NODE_CASES]) provider.restoreKey(sim);
});

/** The labels a person sees: every property's displayName, nested ones too. */
function labels(properties: INodeProperties[]): string[] {
	return properties.flatMap((property) => [
		property.displayName,
		...((property.options ?? []) as Array<{ displayName?: string; values?: INodeProperties[] }>).flatMap((option) => [
			...(option.displayName ? [option.displayName] : []),
			...(option.values ? labels(option.values) : []),
		]),
	]);
}
const nodeLabels = (provider: ProviderCase) => labels(ourNodeTypes.get(nodeTypeName(provider.nodeType ?? provider.name))!.description.properties);
const credentialLabels = (type: string) => labels(credentialTypes.get(type)!.properties);

/** Per node and action: the words of the hint, and where the field it names is (node, or credential type). */
const ADDRESS_HINTS: Array<[ProviderCase, Action, string, string[], 'node' | string]> = [
	[aetherForge, 'create', 'Set the Base URL in the AetherForge credential', ['Base URL'], 'aetherForgeApi'],
	[aetherForge, 'get', 'Set the Base URL in the AetherForge credential', ['Base URL'], 'aetherForgeApi'],
	[pixxel, 'create', 'Set the Base URL in the Pixxel credential', ['Base URL'], 'pixxelApi'],
	[pixxel, 'get', 'Set the Base URL in the Pixxel credential', ['Base URL'], 'pixxelApi'],
	[tensorArt, 'create', 'Set the Endpoint (or its Custom URL) in the Tensor.Art credential', ['Endpoint', 'Custom URL'], 'tensorArtApi'],
	[tensorArt, 'get', 'Set the Endpoint (or its Custom URL) in the Tensor.Art credential', ['Endpoint', 'Custom URL'], 'tensorArtApi'],
	[httpReplicate, 'create', 'Set the URL field', ['URL'], 'node'],
	[httpReplicate, 'get', 'Set the Status URL field', ['Status URL'], 'node'],
	[httpFal, 'create', 'Set the URL field', ['URL'], 'node'],
	[httpFal, 'get', 'Set the Status URL field', ['Status URL'], 'node'],
];

const inputOf = (provider: ProviderCase, action: Action) => [action === 'create' ? provider.createInput(sim, 'hint') : provider.existingJob(sim, { queueMs: 0, runMs: 60_000 })];

test.each(ADDRESS_HINTS.map(([provider, action, ...rest]) => [provider.name, action, provider, ...rest] as const))('%s, %s: a redirect names where the address is set', async (_name, action, provider, hint, fields, where) => {
	const input = inputOf(provider, action);
	sim.server.injectFault({ prefix: provider.prefix, times: Infinity, fault: { kind: 'status', status: 302, headers: { location: 'https://elsewhere.example/api' } } });
	const { outputs } = await runAction(sim, { provider, action, input, continueOnFail: true });
	const { error, errorDescription } = outputs.Job[0].json;
	expect(error).toMatch(/the server redirected to https:\/\/elsewhere\.example\/api/);
	expect(errorDescription).toContain(hint);
	const seen = where === 'node' ? nodeLabels(provider) : credentialLabels(where);
	for (const field of fields) expect(seen).toContain(field);
});

test.each(HTTP_NODE_CASES.map((provider) => [provider.name, provider] as const))('%s: a refused key points at the fields of the generic credential the node uses, never a base URL', async (_name, provider) => {
	const input = inputOf(provider, 'create');
	provider.revokeKey(sim);
	const { outputs } = await runAction(sim, { provider, action: 'create', input, continueOnFail: true });
	const description = String(outputs.Job[0].json.errorDescription);
	const fields = provider.credentialType === 'httpBearerAuth' ? ['Bearer Token'] : ['Name', 'Value'];
	const label = credentialTypes.get(provider.credentialType)!.displayName;
	expect(description).toContain(`Check the ${label} credential the node uses: its ${fields.join(' and ')} must be what the API at the URL field accepts.`);
	for (const field of fields) expect(credentialLabels(provider.credentialType)).toContain(field);
	expect(description).not.toMatch(/base URL/i);
});

test('HTTP Async Job: an address the node cannot reach names its URL field, not a credential', async () => {
	const { port } = new URL(sim.server.url);
	await sim.stop();
	try {
		const { outputs } = await runAction(sim, { provider: httpReplicate, action: 'create', input: [{ prompt: 'x' }], continueOnFail: true, parameters: { options: { requestsPerSecond: 100 } } });
		expect(outputs.Job[0].json).toMatchObject({ error: expect.stringMatching(/could not create the job: the connection was refused/), errorDescription: expect.stringContaining('Check that the URL field is right and reachable from n8n') });
	} finally {
		sim = await startSimulators({ port: Number(port) });
	}
});
