import type { IDataObject } from 'n8n-workflow';

import { runWorkflow } from './harness/engine';
import type { HttpApi } from './harness/httpAsyncJobSettings';
import { HTTP_APIS, httpApiSettings } from './harness/httpAsyncJobSettings';
import { singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';
import type { JobScript } from './simulator/jobs';
import { PNG_BYTES } from './simulator/jobs';

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

const FAST_WAIT = { pollInterval: 0.1, maxInterval: 0.2, timeout: 0.5 };
const OPTIONS = { requestsPerSecond: 100 };

const run = async (parameters: IDataObject, credentials: IDataObject, input: IDataObject[] = [{ prompt: 'a lighthouse' }]) =>
	await runWorkflow(singleNodeWorkflow('httpAsyncJob', { options: OPTIONS, ...parameters }), {
		credentials: credentials as Record<string, IDataObject> as never,
		input: input.map((json, index) => ({ requestId: `req-${index}-${Math.random()}`, ...json })),
	});

const scriptNext = (api: HttpApi, script: Partial<JobScript>) => sim[api].jobs.nextScripts.push(script);

describe.each(HTTP_APIS)('configured from the docs of %s', (api) => {
	test('Create Job with Wait for Completion ends succeeded, with its outputs downloaded', async () => {
		scriptNext(api, { queueMs: 100, runMs: 200 });
		const { create, credentials } = httpApiSettings(sim, api);
		const downloads = api !== 'pixxel';
		const result = await run({ ...create, operation: 'createJob', waitForCompletion: true, waitSettings: FAST_WAIT, options: { ...OPTIONS, downloadOutputs: downloads } }, credentials);
		expect(result.error).toBeUndefined();
		const [item] = result.outputs.Job;
		expect(item.json).toMatchObject({ provider: 'httpAsyncJob', status: 'succeeded', done: true, error: null, nextCheckInSeconds: null });
		expect(sim[api].jobs.jobs.has(item.json.jobId as string)).toBe(true);
		expect(sim.server.log.filter((entry) => entry.method === 'POST')).toHaveLength(1);
		if (downloads) {
			expect(item.json.outputs).toEqual([expect.objectContaining({ kind: 'image', format: 'png' })]);
			expect(Buffer.from(item.binary!.data.data, 'base64')).toEqual(PNG_BYTES);
		}
	});

	test('Get Job reads a running job and Wait For Job sees it end', async () => {
		scriptNext(api, { queueMs: 0, runMs: 600 });
		const { create, status, credentials } = httpApiSettings(sim, api);
		const created = await run({ ...create, operation: 'createJob' }, credentials);
		const jobId = created.outputs.Job[0].json.jobId as string;
		expect(created.outputs.Job[0].json).toMatchObject({ done: false, nextCheckInSeconds: expect.any(Number) });

		const got = await run({ ...status, operation: 'getJob', jobId: '={{ $json.jobId }}' }, credentials, [{ jobId }]);
		expect(got.outputs.Job[0].json).toMatchObject({ jobId, status: 'running', done: false });

		const waited = await run({ ...status, operation: 'waitForJob', jobId: '={{ $json.jobId }}', waitSettings: { ...FAST_WAIT, timeout: 0.1 } }, credentials, [{ jobId }]);
		expect(waited.outputs.Job[0].json).toMatchObject({ jobId, status: 'succeeded', done: true });
	});
});

describe('Replicate-like predictions', () => {
	test('a failed prediction carries its error', async () => {
		scriptNext('replicate', { queueMs: 0, runMs: 100, outcome: 'failed', failure: { reason: 'CUDA out of memory' } });
		const { create, credentials } = httpApiSettings(sim, 'replicate');
		const result = await run({ ...create, operation: 'createJob', waitForCompletion: true, waitSettings: FAST_WAIT }, credentials);
		expect(result.outputs.Job[0].json).toMatchObject({ status: 'failed', providerStatus: 'failed', error: { message: 'CUDA out of memory', retryable: false } });
	});

	test('the status URL comes from the create reply when "Status URL Path" is set', async () => {
		scriptNext('replicate', { queueMs: 0, runMs: 100 });
		const { create, credentials } = httpApiSettings(sim, 'replicate');
		const result = await run({ ...create, statusUrl: '', operation: 'createJob', waitForCompletion: true, waitSettings: FAST_WAIT }, credentials);
		expect(result.outputs.Job[0].json).toMatchObject({ status: 'succeeded' });
		const reads = sim.server.log.filter((entry) => entry.method === 'GET' && entry.prefix === '/replicate');
		expect(reads.length).toBeGreaterThan(0);
		expect(reads.every((entry) => entry.path === `/v1/predictions/${result.outputs.Job[0].json.jobId as string}`)).toBe(true);
	});

	const modelUrl = (model: string) => `${sim.server.baseUrl(sim.replicate)}/v1/models/${model}/predictions`;

	test("a language model's text output is a text output, and Download Outputs leaves it alone", async () => {
		scriptNext('replicate', { queueMs: 0, runMs: 100 });
		const { create, credentials } = httpApiSettings(sim, 'replicate');
		const result = await run(
			{ ...create, url: modelUrl('meta/meta-llama-3-8b-instruct'), operation: 'createJob', waitForCompletion: true, waitSettings: FAST_WAIT, options: { ...OPTIONS, downloadOutputs: true } },
			credentials,
		);
		expect(result.error).toBeUndefined();
		const [item] = result.outputs.Job;
		expect(item.json).toMatchObject({ status: 'succeeded', outputs: [{ kind: 'text', text: 'A reply to: a lighthouse' }] });
		expect(item.binary).toBeUndefined();
	});

	test('an object output without a URL is a JSON output, and a list of them one output each', async () => {
		const { create, credentials } = httpApiSettings(sim, 'replicate');
		const transcribe = async (outputsPath: string) => {
			scriptNext('replicate', { queueMs: 0, runMs: 100 });
			const parameters = { ...create, url: modelUrl('openai/whisper'), jsonBody: '={{ JSON.stringify({ input: { audio: $json.audio } }) }}' };
			const result = await run(
				{ ...parameters, replyFields: { ...(create.replyFields as IDataObject), outputsPath }, operation: 'createJob', waitForCompletion: true, waitSettings: FAST_WAIT },
				credentials,
				[{ audio: 'harbour.mp3' }],
			);
			expect(result.error).toBeUndefined();
			return result.outputs.Job[0].json.outputs as IDataObject[];
		};
		const [whole] = await transcribe('output');
		expect(whole).toEqual({ kind: 'json', value: expect.objectContaining({ transcription: 'A reading of harbour.mp3', detected_language: 'english' }) });
		const segments = await transcribe('output.segments');
		expect(segments).toEqual([
			{ kind: 'json', value: { id: 0, start: 0, end: 1.5, text: 'A reading' } },
			{ kind: 'json', value: { id: 1, start: 1.5, end: 3, text: 'of harbour.mp3' } },
		]);
	});

	test('an unknown status word counts as running, and a timeout says so', async () => {
		scriptNext('replicate', { queueMs: 0, runMs: 5000, unknownStatus: 'booting' });
		const { create, credentials } = httpApiSettings(sim, 'replicate');
		const result = await run({ ...create, operation: 'createJob', waitForCompletion: true, waitSettings: { ...FAST_WAIT, timeout: 0.01 } }, credentials);
		expect(result.error?.message).toMatch(/is still "booting" \(a status this node does not know, so it was treated as not finished\)/);
	});
});

describe('fal-like queue', () => {
	test('the queue position is read while the request waits', async () => {
		scriptNext('fal', { queueMs: 5000, runMs: 100 });
		const { create, credentials } = httpApiSettings(sim, 'fal');
		const result = await run({ ...create, operation: 'createJob' }, credentials);
		expect(result.outputs.Job[0].json).toMatchObject({ status: 'queued', providerStatus: 'IN_QUEUE', queue: { position: 0, length: null } });
	});

	test('a failure shown only by the result request makes a failed job with its reason', async () => {
		scriptNext('fal', { queueMs: 0, runMs: 100, outcome: 'failed', failure: { reason: 'prompt is too long' } });
		const { create, credentials } = httpApiSettings(sim, 'fal');
		const result = await run({ ...create, operation: 'createJob', waitForCompletion: true, waitSettings: FAST_WAIT, options: { ...OPTIONS, includeRaw: true } }, credentials);
		expect(result.error).toBeUndefined();
		const job = result.outputs.Job[0].json;
		expect(job).toMatchObject({ status: 'failed', done: true, providerStatus: 'COMPLETED', outputs: [], error: { message: 'prompt: prompt is too long', retryable: false } });
		expect(job.raw).toMatchObject({ status: { status: 'COMPLETED' }, result: { detail: [expect.objectContaining({ msg: 'prompt is too long' })] } });
	});

	test('a result request answered 503 is sent again, its 200 gives the outputs', async () => {
		scriptNext('fal', { queueMs: 0, runMs: 100 });
		sim.server.injectFault({ prefix: '/fal', method: 'GET', path: /\/requests\/[^/]+$/, times: 1, fault: { kind: 'status', status: 503, body: { detail: 'busy' } } });
		const { create, credentials } = httpApiSettings(sim, 'fal');
		const result = await run({ ...create, operation: 'createJob', waitForCompletion: true, waitSettings: FAST_WAIT }, credentials);
		expect(result.outputs.Job[0].json).toMatchObject({ status: 'succeeded', outputs: [expect.objectContaining({ kind: 'image' })] });
		expect(sim.server.log.filter((entry) => /\/requests\/[^/]+$/.test(entry.path)).map((entry) => entry.status)).toEqual([503, 200]);
	});

	test('"On Job Failure: Stop With an Error" stops on that failure', async () => {
		scriptNext('fal', { queueMs: 0, runMs: 100, outcome: 'failed', failure: { reason: 'prompt is too long' } });
		const { create, credentials } = httpApiSettings(sim, 'fal');
		const result = await run({ ...create, operation: 'createJob', waitForCompletion: true, waitSettings: { ...FAST_WAIT, onJobFailure: 'error' } }, credentials);
		expect(result.error?.message).toMatch(/^Job .* failed: prompt: prompt is too long$/);
	});
});

describe('an idempotency header', () => {
	test('is filled per item and sent again on a retry after a lost answer, making one job', async () => {
		sim.replicate.idempotencyHeader = 'Idempotency-Key';
		sim.server.injectFault({ prefix: '/replicate', method: 'POST', times: 1, fault: { kind: 'resetAfterHandling' } });
		const { create, credentials } = httpApiSettings(sim, 'replicate');
		const result = await run({ ...create, operation: 'createJob', idempotencyHeader: 'Idempotency-Key', options: { ...OPTIONS, maxParallel: 1 } }, credentials, [{ prompt: 'a' }, { prompt: 'b' }]);
		expect(result.error).toBeUndefined();
		const creates = sim.server.log.filter((entry) => entry.method === 'POST');
		const keys = creates.map((entry) => entry.headers['idempotency-key']);
		expect(creates).toHaveLength(3);
		expect(keys[0]).toBe(keys[1]);
		expect(new Set(keys).size).toBe(2);
		const jobIds = result.outputs.Job.map((item) => item.json.jobId as string);
		expect(new Set(jobIds).size).toBe(2);
		expect([...sim.replicate.jobs.jobs.values()].filter((job) => keys.includes(job.extra.idempotencyKey))).toHaveLength(2);
	});

	test('without one, a create that may have reached the API is not sent again', async () => {
		sim.server.injectFault({ prefix: '/replicate', method: 'POST', times: 1, fault: { kind: 'resetAfterHandling' } });
		const { create, credentials } = httpApiSettings(sim, 'replicate');
		const result = await run({ ...create, operation: 'createJob' }, credentials);
		expect(sim.server.log.filter((entry) => entry.method === 'POST')).toHaveLength(1);
		expect(result.error?.message).toBe('127.0.0.1 could not create the job: the connection was reset');
		expect(result.error?.description).toMatch(/a job may exist.*Check the jobs made at 127\.0\.0\.1:\d+ before running this item again/);
	});

	test.each([
		['a server error', { kind: 'status', status: 500, body: { detail: 'Internal error' } }, 'Internal error'],
		['a reset', { kind: 'resetAfterHandling' }, 'the connection was reset'],
	] as const)('a create sent by GET is not sent again after %s either', async (_, fault, reason) => {
		sim.server.injectFault({ prefix: '/replicate', method: 'GET', path: /\/predictions$/, times: 1, fault });
		const { create, credentials } = httpApiSettings(sim, 'replicate');
		const result = await run({ ...create, operation: 'createJob', method: 'GET', bodyType: 'none' }, credentials);
		expect(sim.server.log.filter((entry) => entry.method === 'GET' && entry.path.endsWith('/predictions'))).toHaveLength(1);
		expect(result.error?.message).toContain(reason);
		expect(result.error?.description).toMatch(/a job may exist.*It was not sent again, to avoid a duplicate\./);
		expect(result.error?.description).not.toMatch(/makes one job per request/);
	});

	test("n8n's Retry On Fail sends the same key again, so the API makes one job", async () => {
		sim.replicate.idempotencyHeader = 'Idempotency-Key';
		// The first create is refused after the API has noted its key; Retry On Fail runs the node again.
		sim.server.injectFault({ prefix: '/replicate', method: 'POST', times: 1, fault: { kind: 'status', status: 409, body: { detail: 'try again' } } });
		const { create, credentials } = httpApiSettings(sim, 'replicate');
		const workflow = singleNodeWorkflow('httpAsyncJob', { ...create, operation: 'createJob', idempotencyHeader: 'Idempotency-Key', options: OPTIONS });
		Object.assign(workflow.nodes[0], { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 });
		const result = await runWorkflow(workflow, { credentials: credentials as never, input: [{ prompt: 'a' }] });
		expect(result.error).toBeUndefined();
		const keys = sim.server.log.filter((entry) => entry.method === 'POST').map((entry) => entry.headers['idempotency-key']);
		expect(keys).toHaveLength(2);
		expect(keys[1]).toBe(keys[0]);
	});
});

test("hints name the node's address field, not a credential's base URL", async () => {
	sim.server.injectFault({ prefix: '/replicate', method: 'GET', times: 1, fault: { kind: 'status', status: 302, headers: { location: 'https://elsewhere.example/v1' } } });
	const { status, credentials } = httpApiSettings(sim, 'replicate');
	const { error } = await run({ ...status, operation: 'getJob', jobId: 'abc' }, credentials);
	expect(error?.message).toBe('127.0.0.1 could not get job abc: the server redirected to https://elsewhere.example/v1');
	expect(error?.description).toBe('Redirects are not followed, so the API key is never sent to another address. Set the Status URL field to the address the API really answers on.');
});

describe('authentication', () => {
	const { create } = { create: { operation: 'getJob', jobId: 'abc', statusUrl: 'http://127.0.0.1:1/unused/{{jobId}}' } };
	test.each([
		['httpQueryAuth', { name: 'api_key', value: 'query-secret-123456' }, (entry: { query: string; headers: IDataObject }) => expect(entry.query).toBe('?api_key=query-secret-123456')],
		['httpBasicAuth', { user: 'ana', password: 'basic-secret-123456' }, (entry: { query: string; headers: IDataObject }) => expect(entry.headers.authorization).toBe(`Basic ${Buffer.from('ana:basic-secret-123456').toString('base64')}`)],
	])('%s puts the credential on the request', async (authentication, data, check) => {
		const result = await run({ ...create, authentication, statusUrl: `${sim.server.baseUrl(sim.replicate)}/v1/predictions/{{jobId}}` }, { [authentication]: data }, [{}]);
		expect(result.error?.message).toMatch(/could not get job abc: You did not pass a valid authentication token/);
		expect(result.error?.description).toMatch(/credential/);
		check(sim.server.log[0] as never);
	});

	test('None sends no credential', async () => {
		const result = await run({ ...create, authentication: 'none', statusUrl: `${sim.server.baseUrl(sim.replicate)}/v1/predictions/{{jobId}}` }, {}, [{}]);
		expect(result.error?.httpCode).toBe('401');
		expect(sim.server.log[0].headers.authorization).toBeUndefined();
	});
});

describe('settings are checked before the first request, naming item and field', () => {
	test.each([
		['a URL that is not an address', { url: 'api.example.com/jobs' }, /^"URL" of item 0 must be an http\(s\) address, not "api.example.com\/jobs"$/],
		['a JSON body that does not parse', { jsonBody: '{"input": ' }, /^"JSON Body" of item 0 is not valid JSON/],
		['a status URL without {{jobId}} and no status URL path', { statusUrlPath: '', statusUrl: 'https://api.example.com/v1/jobs' }, /^"Status URL" of item 0 must hold \{\{jobId\}\}/],
		['a field path with a space', { jobIdPath: 'data. id' }, /^"Job ID Path" of item 0 must be a field path/],
		['a status word in two lists', { failedWords: 'failed, succeeded' }, /^"Failed Words" of item 0 names "succeeded", which another list already gives the status "succeeded"$/],
		['no succeeded words', { succeededWords: ' ' }, /^"Succeeded Words" of item 0 is empty$/],
		['an idempotency header that is no header name', { idempotencyHeader: 'Idempotency Key' }, /^"Idempotency Header" of item 0 must be a header name/],
		['an outputs path that is not a path', { replyFields: { outputsPath: 'output..url' } }, /^"Outputs Path" of item 0 must be a field path/],
	])('%s', async (_, change, message) => {
		const { create, credentials } = httpApiSettings(sim, 'replicate');
		const result = await run({ ...create, ...change, operation: 'createJob' }, credentials);
		expect(result.error?.message).toMatch(message);
		expect(sim.server.log).toHaveLength(0);
	});

	test('a second item with a bad URL fails alone, with Continue On Fail', async () => {
		const { create, credentials } = httpApiSettings(sim, 'replicate');
		const workflow = singleNodeWorkflow('httpAsyncJob', { ...create, operation: 'createJob', url: `={{ $json.url }}`, options: OPTIONS });
		workflow.nodes[0].onError = 'continueRegularOutput';
		const result = await runWorkflow(workflow, { credentials: credentials as never, input: [{ url: create.url as string, prompt: 'a' }, { url: 'ftp://x', prompt: 'b' }] });
		expect(result.outputs.Job[0].json).toMatchObject({ status: 'queued' });
		expect(result.outputs.Job[1].json.error).toBe('"URL" of item 1 must be an http(s) address, not "ftp://x"');
		expect(sim.server.log.filter((entry) => entry.method === 'POST')).toHaveLength(1);
	});
});
