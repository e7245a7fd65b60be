/**
 * Secrets: no API key or private key reaches an output item, an error or a raw response. Every
 * run of the suite is scanned for them by the harness (test/harness/secrets.ts); these tests show
 * that the scan catches a leak, that a provider reply quoting a key is scrubbed before anything
 * is made of it, and that requests to any other host (a redirect, an output download) carry no key.
 */
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { registerCredentialNode, runWorkflow } from './harness/engine';
import type { ProviderCase } from './harness/providerCases';
import { HTTP_NODE_CASES, PROVIDERS, aetherForge, runAction, tensorArt, withField } from './harness/providerCases';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';
import { PNG_BYTES } from './simulator/jobs';

let sim: ProviderSimulators;
/** A host that is not the provider's: it records what reaches it and answers with a PNG. */
let otherHost: { url: string; requests: Array<{ url: string; headers: IncomingHttpHeaders }>; server: Server };

beforeAll(async () => {
	sim = await startSimulators();
	const requests: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
	const server = createServer((req, res) => {
		requests.push({ url: req.url ?? '', headers: req.headers });
		res.writeHead(200, { 'content-type': 'image/png' });
		res.end(PNG_BYTES);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	// Another host name for the same machine: what matters is that it is not the base URL.
	otherHost = { url: `http://localhost:${(server.address() as AddressInfo).port}`, requests, server };
});
afterAll(async () => {
	await sim.stop();
	await new Promise((resolve) => otherHost.server.close(resolve));
});
beforeEach(() => {
	sim.reset();
	otherHost.requests.length = 0;
});

const FINISHED = { queueMs: 0, runMs: 0 };
/** The provider nodes, and the HTTP Async Job node with n8n's generic credentials. */
const ALL_CASES = [...PROVIDERS, ...HTTP_NODE_CASES];
const keyOf = (provider: ProviderCase) => provider.secret?.(sim) ?? String(sim.credentials[provider.credentialType].apiKey);
const rsaCredentials = (): Record<string, ICredentialDataDecryptedObject> => ({
	tensorArtApi: {
		endpoint: 'custom',
		customUrl: sim.server.baseUrl(sim.tensorArt),
		authentication: 'rsa',
		appId: sim.tensorArt.testAppId,
		privateKey: sim.tensorArt.testPrivateKeyPem,
	},
});

describe('the harness scan of every run', () => {
	/** A node of this test that shows a secret of its credential in the way its `leak` parameter says. */
	registerCredentialNode('test.leaky', {
		displayName: 'Leaky',
		credential: 'tensorArtApi',
		properties: [{ displayName: 'Leak', name: 'leak', type: 'string', default: '' }],
		async execute(this: IExecuteFunctions) {
			const credentials = await this.getCredentials('tensorArtApi');
			const leak = this.getNodeParameter('leak', 0) as string;
			if (leak === 'errorDescription') {
				throw new NodeOperationError(this.getNode(), 'Request failed', { description: `sent with Bearer ${String(credentials.apiKey)}` });
			}
			if (leak === 'errorResponse') throw new NodeApiError(this.getNode(), { detail: `unknown key ${String(credentials.apiKey)}` });
			// The third line of a PEM: a piece of the key's base64 body, without its armor.
			const shown = leak === 'privateKeyLine' ? String(credentials.privateKey).split('\n')[2] : String(credentials.apiKey);
			return [[{ json: { note: `debug: ${shown}` }, pairedItem: { item: 0 } }]];
		},
	});

	const leakyNode = (leak: string): INode => ({
		id: 'leaky',
		name: 'Leaky',
		type: 'test.leaky',
		typeVersion: 1,
		position: [0, 0],
		parameters: { leak },
		credentials: { tensorArtApi: { id: 'tensorArtApi', name: 'tensorArtApi' } },
	});

	test.each([
		['an API key in an output item', 'apiKey', () => sim.credentials, /outputs|nodes\.Leaky\.0\.items\.0\.0\.json\.note holds tensorArtApi\.apiKey/],
		['an API key in an error description', 'errorDescription', () => sim.credentials, /error\.description holds tensorArtApi\.apiKey/],
		['an API key in the reply kept with an error', 'errorResponse', () => sim.credentials, /error\.errorResponse\.detail holds tensorArtApi\.apiKey/],
		['a line of a private key in an output item', 'privateKeyLine', rsaCredentials, /json\.note holds tensorArtApi\.privateKey/],
	])('fails the test that shows %s', async (_, leak, credentials, where) => {
		await expect(runWorkflow({ nodes: [leakyNode(leak)], connections: {} }, { credentials: credentials() })).rejects.toThrow(where);
	});

	test('names where the secret was, never the secret itself', async () => {
		const failure = await runWorkflow({ nodes: [leakyNode('apiKey')], connections: {} }, { credentials: sim.credentials }).catch((error: Error) => error);
		expect(String(failure)).toMatch(/A secret leaked into the run/);
		expect(String(failure)).not.toContain(keyOf(tensorArt));
	});
});

describe('a provider reply that quotes the key is scrubbed before anything is made of it', () => {
	test.each(ALL_CASES)('$name: a job reply with the key in a debug field, shown as raw response', async (provider) => {
		// Running, so the raw response is the job reply alone (a finished fal job's adds its result).
		const input = provider.existingJob(sim, { queueMs: 0, runMs: 60_000 });
		const echo = { authorization: `Bearer ${keyOf(provider)}`, note: `request by key ${keyOf(provider)}` };
		sim.server.injectFault({ prefix: provider.prefix, method: 'GET', times: 1, fault: { kind: 'rewrite', rewrite: (body) => withField(body, ['echo'], echo) } });
		const { outputs, error } = await runAction(sim, { provider, action: 'get', input: [input], parameters: { options: { includeRaw: true } } });
		expect(error).toBeUndefined();
		expect((outputs.Job[0].json.raw as IDataObject).echo).toEqual({ authorization: 'Bearer [hidden]', note: 'request by key [hidden]' });
	});

	test.each(ALL_CASES)('$name: an error reply that quotes the key, in the message and the reply kept with the error', async (provider) => {
		const input = provider.existingJob(sim, FINISHED);
		sim.server.injectFault({
			prefix: provider.prefix,
			method: 'GET',
			times: 1,
			fault: { kind: 'status', status: 400, body: provider.errorBody(`malformed request from key ${keyOf(provider)}`) },
		});
		const { error } = await runAction(sim, { provider, action: 'get', input: [input] });
		expect(error?.message).toMatch(/could not get job .*: malformed request from key \[hidden\]$/);
		expect(JSON.stringify((error as { errorResponse?: unknown }).errorResponse)).toContain('malformed request from key [hidden]');
	});

	test('a reply quoting the key URL-encoded or base64-encoded (inside a longer encoded text too) is scrubbed as well', async () => {
		const key = 'tams+key/with=special&chars?';
		sim.tensorArt.apiKeys.add(key);
		const encodings = {
			query: `https://echo.example/?key=${encodeURIComponent(key)}`,
			basic: `Basic ${Buffer.from(`user:${key}`).toString('base64')}`,
			bearer: Buffer.from(`Bearer ${key}`).toString('base64url'),
			alone: Buffer.from(key).toString('base64'),
		};
		const input = tensorArt.existingJob(sim, FINISHED);
		sim.server.injectFault({ prefix: '/tams', method: 'GET', times: 1, fault: { kind: 'rewrite', rewrite: (body) => withField(body, ['echo'], encodings) } });
		const credentials = { tensorArtApi: { ...sim.credentials.tensorArtApi, apiKey: key } };
		const { outputs, error } = await runAction(sim, { provider: tensorArt, action: 'get', input: [input], parameters: { options: { includeRaw: true } }, credentials });
		expect(error).toBeUndefined();
		const echo = (outputs.Job[0].json.raw as IDataObject).echo as Record<string, string>;
		// Of a base64 text only the few characters that mix the key's bytes with its neighbours' stay.
		expect(echo).toEqual({
			query: 'https://echo.example/?key=[hidden]',
			basic: expect.stringMatching(/^Basic [A-Za-z0-9+/]{4,8}\[hidden\][A-Za-z0-9+/=]{0,4}$/),
			bearer: expect.stringMatching(/^[A-Za-z0-9_-]{8,12}\[hidden\][A-Za-z0-9_-]{0,4}$/),
			alone: expect.stringMatching(/^\[hidden\][A-Za-z0-9+/=]{0,4}$/),
		});
	});

	test('Tensor.Art with an RSA key: a reply quoting a line of the private key', async () => {
		const input = tensorArt.existingJob(sim, FINISHED);
		const keyLine = sim.tensorArt.testPrivateKeyPem.split('\n')[5];
		sim.server.injectFault({ prefix: '/tams', method: 'GET', times: 1, fault: { kind: 'rewrite', rewrite: (body) => withField(body, ['echo'], `key line ${keyLine}`) } });
		const { outputs, error } = await runAction(sim, { provider: tensorArt, action: 'get', input: [input], parameters: { options: { includeRaw: true } }, credentials: rsaCredentials() });
		expect(error).toBeUndefined();
		expect((outputs.Job[0].json.raw as IDataObject).echo).toBe('key line [hidden]');
	});
});

describe('requests to another host never carry the key', () => {
	test.each(ALL_CASES.flatMap((provider) => [302, 307].map((status) => ({ provider, status }))))(
		'$provider.name: a $status redirect to another host is not followed',
		async ({ provider, status }) => {
			const input = provider.existingJob(sim, FINISHED);
			sim.server.injectFault({
				prefix: provider.prefix,
				times: 1,
				fault: { kind: 'status', status, headers: { location: `${otherHost.url}/collect?key=${keyOf(provider)}` } },
			});
			const { error } = await runAction(sim, { provider, action: 'get', input: [input] });
			expect(error?.message).toBe(`${provider.displayName} could not get job ${String(input.jobId)}${input.workflowId === undefined ? '' : ` of workflow ${String(input.workflowId)}`}: the server redirected to ${otherHost.url}/collect`);
			expect(error?.description).toMatch(/Redirects are not followed, so the API key is never sent to another address/);
			expect(otherHost.requests).toEqual([]);
		},
	);

	test('a redirect of a create is not followed either, and no job is made elsewhere', async () => {
		sim.server.injectFault({ prefix: '/aetherforge', method: 'POST', times: 1, fault: { kind: 'status', status: 307, headers: { location: `${otherHost.url}/jobs` } } });
		const { error } = await runAction(sim, { provider: aetherForge, action: 'create', input: [aetherForge.createInput(sim, 'redirected-create')] });
		expect(error?.message).toMatch(/could not create the Effect \(V2\) job: the server redirected to http:\/\/localhost:\d+\/jobs/);
		expect(otherHost.requests).toEqual([]);
	});

	test('output files on another host are downloaded without the key', async () => {
		const input = aetherForge.existingJob(sim, FINISHED);
		sim.server.injectFault({
			prefix: '/aetherforge',
			method: 'GET',
			times: 1,
			fault: { kind: 'rewrite', rewrite: (body) => withField(body, ['image_urls'], [`${otherHost.url}/cdn/out.png`]) },
		});
		const { outputs, error } = await runAction(sim, { provider: aetherForge, action: 'get', input: [input], parameters: { options: { downloadOutputs: true } } });
		expect(error).toBeUndefined();
		expect(outputs.Job[0].binary?.data.mimeType).toBe('image/png');
		expect(otherHost.requests.map((request) => [request.url, request.headers.authorization])).toEqual([['/cdn/out.png', undefined]]);
	});
});
