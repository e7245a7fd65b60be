/**
 * The credential goes only where the user pointed it: the HTTP Async Job node against a fal-like
 * queue API on one loopback origin, whose replies name a second origin (another port, a relay to
 * the same API that records what reaches it). The test checks which requests carried the key.
 */
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import { runWorkflow } from './harness/engine';
import { httpApiSettings } from './harness/httpAsyncJobSettings';
import { singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';
import { PNG_BYTES } from './simulator/jobs';

let sim: ProviderSimulators;
/** The second origin: passes every request on to the simulator, after noting it. */
let relay: { server: Server; origin: string; requests: Array<{ method: string; path: string; headers: IncomingHttpHeaders }> };

beforeAll(async () => {
	sim = await startSimulators();
	const target = new URL(sim.server.url);
	const requests: typeof relay.requests = [];
	const server = createServer((req, res) => {
		requests.push({ method: req.method!, path: req.url!, headers: req.headers });
		const forwarded = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (reply) => {
			res.writeHead(reply.statusCode!, reply.headers);
			reply.pipe(res);
		});
		req.pipe(forwarded);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	relay = { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
});
afterAll(async () => {
	relay.server.closeAllConnections();
	await new Promise((resolve) => relay.server.close(resolve));
	await sim.stop();
});
beforeEach(() => {
	sim.reset();
	relay.requests.length = 0;
	sim.fal.jobs.nextScripts.push({ queueMs: 0, runMs: 0 });
});

/** The Authorization header the credential sends. */
const FAL_KEY = () => String(sim.credentials.httpHeaderAuth.value);
const onRelay = (url: unknown) => String(url).replace(sim.server.url, relay.origin);

/** Rewrites the fal replies of `method` so that `field` names the relay instead of the simulator. */
function pointAtRelay(method: 'POST' | 'GET', field: string) {
	sim.server.injectFault({ prefix: '/fal', method, times: Infinity, fault: { kind: 'rewrite', rewrite: (body) => ({ ...(body as IDataObject), [field]: onRelay((body as IDataObject)[field]) }) } });
}

async function createAndWait(parameters: IDataObject = {}, options: IDataObject = {}) {
	const { create, credentials } = httpApiSettings(sim, 'fal');
	const workflow = singleNodeWorkflow('httpAsyncJob', {
		...create,
		operation: 'createJob',
		waitForCompletion: true,
		waitSettings: { pollInterval: 0.1, maxInterval: 0.2, timeout: 0.5 },
		options: { requestsPerSecond: 100, ...options },
		...parameters,
	});
	return await runWorkflow(workflow, { credentials: credentials as never, input: [{ prompt: 'a lighthouse' }] });
}

const relayHost = () => new URL(relay.origin).host;
const keysAtRelay = () => relay.requests.map(({ path, headers }) => [path.split('/').pop(), headers.authorization === FAL_KEY()]);

describe('a URL a reply names, on another origin', () => {
	test('Status URL Path: refused before sending, naming the field, the host and the option', async () => {
		pointAtRelay('POST', 'status_url');
		const { error } = await createAndWait();
		expect(error?.message).toMatch(new RegExp(`^127\\.0\\.0\\.1 could not get job [\\w-]+: Status URL Path "status_url" of the create reply names ${relayHost()}, where the credential is not sent$`));
		expect(error?.description).toMatch(/^The credential goes only to the host of the URL field and to the hosts in "Allowed Hosts for the Credential"; nothing was sent\./);
		expect(error?.description).toMatch(/add it to "Allowed Hosts for the Credential"; otherwise the reply is not the API's: check Status URL Path "status_url"/);
		expect(relay.requests).toEqual([]);
	});

	test('Status URL Path: sent with the key once the user lists the host', async () => {
		pointAtRelay('POST', 'status_url');
		const { error, outputs } = await createAndWait({ credentialHosts: relayHost() });
		expect(error).toBeUndefined();
		expect(outputs.Job[0].json).toMatchObject({ status: 'succeeded' });
		expect(keysAtRelay()).toEqual([['status', true]]);
	});

	test('Result URL Path: refused before sending', async () => {
		pointAtRelay('GET', 'response_url');
		const { error } = await createAndWait();
		expect(error?.message).toMatch(new RegExp(`could not get the result of job [\\w-]+: Result URL Path "response_url" of the status reply names ${relayHost()}, where the credential is not sent$`));
		expect(relay.requests).toEqual([]);
	});

	test('output files there are downloaded without the key; on the origin of the URL typed, or a listed host, with it', async () => {
		sim.server.injectFault({
			prefix: '/fal',
			method: 'GET',
			path: /^\/fal-ai\/flux\/requests\/[^/]+$/,
			times: Infinity,
			fault: { kind: 'rewrite', rewrite: (body) => ({ ...(body as IDataObject), images: [{ url: onRelay(sim.server.addFile('far.png', PNG_BYTES, 'image/png')) }, { url: sim.server.addFile('near.png', PNG_BYTES, 'image/png') }] }) },
		});
		const plain = await createAndWait({}, { downloadOutputs: true });
		expect(plain.error).toBeUndefined();
		expect(Object.keys(plain.outputs.Job[0].binary ?? {})).toEqual(['data', 'data_1']);
		expect(keysAtRelay()).toEqual([['far.png', false]]);
		const near = sim.server.fileLog.find(({ path }) => path.endsWith('near.png'));
		expect(near?.headers.authorization).toBe(FAL_KEY());

		relay.requests.length = 0;
		sim.fal.jobs.nextScripts.push({ queueMs: 0, runMs: 0 });
		await createAndWait({ credentialHosts: `fal.media, ${relayHost()}` }, { downloadOutputs: true });
		expect(keysAtRelay()).toEqual([['far.png', true]]);
	});
});

describe('never in clear to a public host', () => {
	test('a URL http:// to a public host is refused before anything is sent', async () => {
		const { error } = await createAndWait({ url: 'http://queue.example.com/fal-ai/flux/dev' });
		expect(error?.message).toBe('queue.example.com could not create the job: URL is http:// to queue.example.com, a public host, so the key would travel unencrypted');
		expect(sim.server.log).toEqual([]);
	});

	test('an http:// host in the option is still not sent the key in clear', async () => {
		sim.server.injectFault({ prefix: '/fal', method: 'POST', times: 1, fault: { kind: 'rewrite', rewrite: (body) => ({ ...(body as IDataObject), status_url: 'http://status.example.com/x' }) } });
		const { error } = await createAndWait({ credentialHosts: 'status.example.com' });
		expect(error?.message).toMatch(/Status URL Path "status_url" of the create reply is http:\/\/ to status\.example\.com, a public host, so the key would travel unencrypted$/);
	});

	test('a host that is no host is refused by name', async () => {
		const { error } = await createAndWait({ credentialHosts: 'fal.media/path' });
		expect(error?.message).toBe('"Allowed Hosts for the Credential" of item 0 names "fal.media/path", which is not a host');
		expect(sim.server.log).toEqual([]);
	});
});
