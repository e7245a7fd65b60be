/**
 * Each credential's Test passes only on its provider's own answer to an accepted key; a wrong
 * base URL (a web page, FastAPI's "Not Found", another provider's API), a 5xx or an unreachable
 * host fails it. An RSA credential refused at run time gets advice about its private key and App ID.
 */
import { generateKeyPairSync } from 'node:crypto';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { runWorkflow, testCredential } from './harness/engine';
import { singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';
import type { Fault } from './simulator/server';

let sim: ProviderSimulators;
beforeAll(async () => {
	sim = await startSimulators();
});
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

interface CredentialCase {
	type: string;
	prefix: string;
	withBaseUrl(url: string): ICredentialDataDecryptedObject;
	/** A base URL of this simulator that answers as another provider's API. */
	otherProvider(): string;
}

const CASES: CredentialCase[] = [
	{
		type: 'tensorArtApi',
		prefix: '/tams',
		withBaseUrl: (customUrl) => ({ ...sim.credentials.tensorArtApi, customUrl }),
		otherProvider: () => sim.server.baseUrl(sim.aetherForge),
	},
	{
		type: 'aetherForgeApi',
		prefix: '/aetherforge',
		withBaseUrl: (baseUrl) => ({ ...sim.credentials.aetherForgeApi, baseUrl }),
		otherProvider: () => sim.server.baseUrl(sim.tensorArt),
	},
	{
		type: 'pixxelApi',
		prefix: '/pixxel',
		withBaseUrl: (baseUrl) => ({ ...sim.credentials.pixxelApi, baseUrl }),
		otherProvider: () => sim.server.baseUrl(sim.aetherForge),
	},
];

const HTML = '<!DOCTYPE html><html><head><title>Not Found</title></head><body><h1>404 Not Found</h1></body></html>';
const FAULTS: Array<[string, Fault]> = [
	['an HTML 404 page', { kind: 'status', status: 404, rawBody: HTML, headers: { 'content-type': 'text/html' } }],
	['an HTML page answered with 200 (a website at the base URL)', { kind: 'status', status: 200, rawBody: HTML, headers: { 'content-type': 'text/html' } }],
	['FastAPI\'s {"detail":"Not Found"}', { kind: 'status', status: 404, body: { detail: 'Not Found' } }],
	['a 503', { kind: 'status', status: 503, body: { message: 'upstream unavailable' } }],
	['a 500 with an empty JSON body', { kind: 'status', status: 500, body: {} }],
];

describe.each(CASES)('$type', (credential) => {
	const own = () => credential.withBaseUrl(String(sim.credentials[credential.type].baseUrl ?? sim.credentials[credential.type].customUrl));

	test('passes on the provider\'s own answer to an accepted key', async () => {
		expect(await testCredential(credential.type, own())).toEqual({ status: 'OK', message: 'Connection successful!' });
	});

	test.each(FAULTS)('fails on %s', async (_, fault) => {
		sim.server.injectFault({ prefix: credential.prefix, times: 1, fault });
		expect(await testCredential(credential.type, own())).toMatchObject({ status: 'Error' });
	});

	test("fails on another provider's API", async () => {
		expect(await testCredential(credential.type, credential.withBaseUrl(credential.otherProvider()))).toMatchObject({ status: 'Error' });
	});

	test('fails on an http:// base URL to a public host without sending the key', async () => {
		const result = await testCredential(credential.type, credential.withBaseUrl('http://api.example.com'));
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/cannot be used: its base URL is http:\/\/ to api\.example\.com, a public host, so the key would travel unencrypted/) });
	});

	test('fails on a host nothing listens on', async () => {
		expect(await testCredential(credential.type, credential.withBaseUrl('http://127.0.0.1:9'))).toMatchObject({ status: 'Error' });
	});
});

test('the failures name what to check', async () => {
	sim.server.injectFault({ prefix: '/tams', times: 1, fault: FAULTS[1][1] });
	expect(await testCredential('tensorArtApi', sim.credentials.tensorArtApi)).toEqual({
		status: 'Error',
		message:
			'The Endpoint answered, but not as Tensor.Art does for an accepted credential: either a server error (HTTP 5xx: try again later), or a page that is not the API (a web page where JSON was expected: check the Endpoint, or the Custom URL without /v1)',
	});
	sim.server.injectFault({ prefix: '/aetherforge', times: 1, fault: FAULTS[2][1] });
	expect(await testCredential('aetherForgeApi', sim.credentials.aetherForgeApi)).toEqual({
		status: 'Error',
		message: 'The base URL has no AetherForge job API: set it to https://api.aetherforgeai.com (or a proxy of it), without /public/v1',
	});
	sim.server.injectFault({ prefix: '/pixxel', times: 1, fault: FAULTS[1][1] });
	expect(await testCredential('pixxelApi', sim.credentials.pixxelApi)).toEqual({
		status: 'Error',
		message: "The Base URL answered, but not with the Pixxel API's JSON (a web page?): it is probably not the API's address. Set it to https://api.pixxel.space (or a proxy of it), without /v0",
	});
});

describe.each(CASES)('$type: a server error, or a web page where JSON is due, is named as such', (credential) => {
	const own = () => credential.withBaseUrl(String(sim.credentials[credential.type].baseUrl ?? sim.credentials[credential.type].customUrl));
	const address = credential.type === 'tensorArtApi' ? 'Endpoint' : 'Base URL';

	test.each([500, 502, 503])('%s', async (status) => {
		sim.server.injectFault({ prefix: credential.prefix, times: 1, fault: { kind: 'status', status, rawBody: 'Internal Server Error', headers: { 'content-type': 'text/plain' } } });
		const { message } = await testCredential(credential.type, own());
		// Pixxel's test sees the status; the others take every status as an answer (their accepted or refused keys get 404) and name both causes.
		expect(message).toMatch(credential.type === 'pixxelApi' ? new RegExp(`^The Base URL answered ${status} \\(`) : new RegExp(`^The ${address} answered, but not as .*a server error \\(HTTP 5xx: try again later\\)`));
	});

	test('an HTML page answered with 200', async () => {
		sim.server.injectFault({ prefix: credential.prefix, times: 1, fault: FAULTS[1][1] });
		const { message } = await testCredential(credential.type, own());
		expect(message).toMatch(new RegExp(`^The ${address} answered, but not .*web page`));
		expect(message).toMatch(/not the API/);
	});
});

test('an RSA credential whose private key is not the app\'s is told to check the private key and the App ID', async () => {
	const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
	const credentials = {
		tensorArtApi: { endpoint: 'custom', customUrl: sim.server.baseUrl(sim.tensorArt), authentication: 'rsa', appId: sim.tensorArt.testAppId, privateKey: otherKey },
	};
	const { error } = await runWorkflow(singleNodeWorkflow('tensorArt', { resource: 'job', operation: 'getJob', jobId: '960000000000000001' }), { credentials });
	expect(error?.message).toMatch(/^Tensor\.Art could not get job 960000000000000001: the credential was refused/);
	expect(error?.description).toContain('the private key must be the one whose public key is registered for this App ID');
	expect(error?.description).not.toMatch(/API key/);
});
