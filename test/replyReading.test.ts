import type { IDataObject } from 'n8n-workflow';

import { runWorkflow } from './harness/engine';
import { httpApiSettings } from './harness/httpAsyncJobSettings';
import { PROVIDERS, runAction } from './harness/providerCases';
import { singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';
import type { Fault } from './simulator/server';

/** Replies of every shape an API may send, read by the HTTP Async Job node or refused naming the field. */

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

const OPTIONS = { requestsPerSecond: 100 };
const MAY_EXIST = /a job may exist/;

/** Every request to the Replicate-like API is answered with `fault`. */
const answerAll = (fault: Fault) => sim.server.injectFault({ prefix: '/replicate', times: Infinity, fault });
const answer = (body: unknown, status = 200) => answerAll({ kind: 'status', status, body });

async function getJob(parameters: IDataObject = {}, jobId: unknown = 'job-1') {
	const { status, credentials } = httpApiSettings(sim, 'replicate');
	return await runWorkflow(singleNodeWorkflow('httpAsyncJob', { ...status, operation: 'getJob', jobId: '={{ $json.jobId }}', options: OPTIONS, ...parameters }), {
		credentials,
		input: [{ jobId } as IDataObject],
	});
}

async function createJob(parameters: IDataObject = {}) {
	const { create, credentials } = httpApiSettings(sim, 'replicate');
	return await runWorkflow(singleNodeWorkflow('httpAsyncJob', { ...create, operation: 'createJob', options: OPTIONS, ...parameters }), {
		credentials,
		input: [{ prompt: 'a lighthouse' }],
	});
}

const HTML_PAGE = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body { color: red }</style></head>
<body><h1>Bad Gateway</h1><p>The upstream server is not answering.</p><script>track()</script>${'<p>filler text</p>'.repeat(500)}</body></html>`;

describe('the status', () => {
	test('a number is matched by its digits against the status words', async () => {
		answer({ state: 2 });
		const result = await getJob({ statusPath: 'state', succeededWords: '2', failedWords: '3', queuedWords: '0', canceledWords: '' });
		expect(result.outputs.Job[0].json).toMatchObject({ status: 'succeeded', providerStatus: '2', done: true });
	});

	describe('a Google-style long-running operation (done: true/false)', () => {
		const OPERATION = { statusPath: 'done', succeededWords: 'true', failedWords: '', canceledWords: '', queuedWords: '', replyFields: { errorPath: 'error', outputsPath: 'response.videos' } };

		test('done: true is succeeded, with its outputs', async () => {
			answer({ name: 'operations/1', done: true, response: { videos: ['https://example.com/v.mp4'] } });
			const result = await getJob(OPERATION);
			expect(result.outputs.Job[0].json).toMatchObject({ status: 'succeeded', providerStatus: 'true', outputs: [{ kind: 'video', url: 'https://example.com/v.mp4' }] });
		});

		test('done: true with an error is failed, with its message', async () => {
			answer({ name: 'operations/1', done: true, error: { code: 3, message: 'The prompt was blocked' } });
			const result = await getJob(OPERATION);
			expect(result.outputs.Job[0].json).toMatchObject({ status: 'failed', done: true, error: { message: 'The prompt was blocked' } });
		});

		test('done: false, or done left out as Google leaves it out while running, is running', async () => {
			answer({ name: 'operations/1', done: false });
			expect((await getJob(OPERATION)).outputs.Job[0].json).toMatchObject({ status: 'running', providerStatus: 'false', done: false });
			sim.reset();
			answer({ name: 'operations/1', metadata: {} });
			expect((await getJob(OPERATION)).outputs.Job[0].json).toMatchObject({ status: 'running', providerStatus: 'false', done: false });
		});
	});

	test('null is refused naming the field', async () => {
		answer({ status: null });
		const result = await getJob();
		expect(result.error?.message).toBe('api.replicate.com answered with a job this node cannot read: field "status" must be text, a number or true/false, not null'.replace('api.replicate.com', '127.0.0.1'));
	});

	test('a reply that is a list is read with [0] paths', async () => {
		answer([{ status: 'succeeded', output: 'https://example.com/a.png' }]);
		const result = await getJob({ statusPath: '[0].status', replyFields: { outputsPath: '[0].output' } });
		expect(result.outputs.Job[0].json).toMatchObject({ status: 'succeeded', outputs: [{ kind: 'image', url: 'https://example.com/a.png' }] });
	});

	test('a path finds only the reply\'s own fields, never JavaScript\'s ("constructor")', async () => {
		answer({ status: 'succeeded' });
		const result = await getJob({ replyFields: { outputsPath: 'constructor' } });
		expect(result.outputs.Job[0].json).toMatchObject({ status: 'succeeded', outputs: [] });
	});
});

describe('the job ID of a create reply', () => {
	test('a number is kept as text', async () => {
		answerAll({ kind: 'status', status: 201, rawBody: '{"id": 9007199254740991, "status": "starting"}', headers: { 'content-type': 'application/json' } });
		const result = await createJob();
		expect(result.outputs.Job[0].json).toMatchObject({ jobId: '9007199254740991', status: 'queued' });
	});

	test('a number above 2^53 is kept digit for digit, as text', async () => {
		answerAll({ kind: 'status', status: 201, rawBody: '{"id": 12345678901234567891, "status": "starting", "note": "12345678901234567891", "cost": 1.12345678901234567891}', headers: { 'content-type': 'application/json' } });
		const result = await createJob({ replyFields: { costPath: 'cost' } });
		expect(result.outputs.Job[0].json).toMatchObject({ jobId: '12345678901234567891', cost: 1.1234567890123457 });
	});

	test('a missing one is refused naming the field, and the error says a job may exist', async () => {
		answer({ status: 'starting' }, 201);
		const result = await createJob();
		expect(result.error?.message).toBe('127.0.0.1 answered with a job this node cannot read: field "id" must be text or a whole number, not missing');
		expect(result.error?.description).toMatch(MAY_EXIST);
	});

	test('a 2xx holding an error object says what the API said, names the field and says a job may exist', async () => {
		answer({ error: { message: 'Monthly spend limit reached' } }, 200);
		const result = await createJob();
		expect(result.error?.message).toBe('127.0.0.1 answered with a job this node cannot read: field "id" must be text or a whole number, not missing; the reply says: Monthly spend limit reached');
		expect(result.error?.description).toMatch(MAY_EXIST);
	});
});

describe('a reply that is an HTML page', () => {
	test('an error page is summarised: status, title and the start of its text, at most 300 characters', async () => {
		answerAll({ kind: 'status', status: 400, rawBody: HTML_PAGE, headers: { 'content-type': 'text/html' } });
		const result = await getJob();
		const message = result.error!.message;
		expect(message).toMatch(/^127\.0\.0\.1 could not get job job-1: HTTP 400, an HTML page titled "502 Bad Gateway": Bad Gateway The upstream server is not answering\. filler text/);
		expect(message).not.toMatch(/<|color: red|track\(\)/);
		expect(message.length).toBeLessThanOrEqual(350);
		expect(JSON.stringify(result.error!.context ?? {})).not.toMatch(/<p>/);
	});

	test('a 2xx page in place of a create reply is summarised and says a job may exist', async () => {
		answerAll({ kind: 'status', status: 200, rawBody: HTML_PAGE, headers: { 'content-type': 'text/html' } });
		const result = await createJob();
		expect(result.error?.message).toMatch(/could not create the job: the reply is not valid JSON \(HTTP 200, an HTML page titled "502 Bad Gateway"/);
		expect(result.error?.description).toMatch(MAY_EXIST);
	});

	test.each(PROVIDERS.map((provider) => [provider.name, provider] as const))('%s: an error page is summarised too', async (_name, provider) => {
		const input = provider.existingJob(sim, {});
		sim.server.injectFault({ prefix: provider.prefix, times: Infinity, fault: { kind: 'status', status: 404, rawBody: HTML_PAGE, headers: { 'content-type': 'text/html' } } });
		const result = await runAction(sim, { provider, action: 'get', input: [input], parameters: { options: OPTIONS } });
		expect(result.error?.message).toMatch(/HTTP 404, an HTML page titled "502 Bad Gateway": Bad Gateway/);
		expect(result.error?.message).not.toMatch(/</);
	});
});
