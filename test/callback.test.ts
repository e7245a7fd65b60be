import { createHmac } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { unreachableReason } from '../nodes/shared/callbackWait';
import { TensorArt } from '../nodes/TensorArt/TensorArt.node';
import { runWorkflow } from './harness/engine';
import type { WorkflowRun } from './harness/engine';
import { callResumeUrl } from './harness/nodeContexts';
import { until } from './harness/until';
import { singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';
import { finishedAt } from './simulator/jobs';

/*
 * Callback mode in n8n's engine: what happens up to the park, and what the node's webhook gives
 * when the resume URL is called on the saved execution. n8n's server around it (its waiting
 * webhooks and wait tracker) is covered by test/e2e/callback.e2e.mjs and queue.e2e.mjs.
 */

let sim: ProviderSimulators;
beforeAll(async () => {
	sim = await startSimulators();
	sim.tensorArt.jobs.defaultScript = { queueMs: 2000, runMs: 3000, outcome: 'succeeded', outputCount: 1, callback: 'never' };
});
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

const PARAMS = {
	'5': { classType: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
	'9': { classType: 'SaveImage', inputs: { images: ['5', 0] } },
};

const callbackCreate = (extra: IDataObject = {}): IDataObject => ({
	resource: 'job',
	operation: 'createJob',
	params: JSON.stringify(PARAMS),
	waitForCompletion: true,
	waitMode: 'callback',
	waitSettings: { timeout: 5, pollInterval: 2 },
	...extra,
});

async function run(parameters: IDataObject, input: IDataObject[] = [{}], credentials: ICredentialDataDecryptedObject = sim.credentials.tensorArtApi, onError?: string, executionId = 'cb-execution'): Promise<WorkflowRun> {
	const workflow = singleNodeWorkflow('tensorArt', parameters);
	if (onError) workflow.nodes[0].onError = onError as never;
	return await runWorkflow(workflow, { credentials: { tensorArtApi: credentials }, input, mode: 'trigger', executionId });
}

let resumes = 0;
/** Parks a callback run of `input`, waits until every job has ended, then calls the resume URL once. */
async function parkAndCallBack(parameters: IDataObject, input: IDataObject[], onError?: string) {
	// An execution of its own: the node remembers which parked executions it has resumed, and the
	// default Request ID comes from the execution (the same one would get the earlier jobs back).
	const parked = await run(parameters, input, sim.credentials.tensorArtApi, onError, `cb-resume-${++resumes}`);
	expect(parked.run.status).toBe('waiting');
	// The last create of the run (a test may have made other jobs before it).
	const notifyUrl = JSON.parse(creates().at(-1)!.body).runningNotifyUrl as string;
	const jobs = [...sim.tensorArt.jobs.jobs.values()].filter((job) => job.extra.runningNotifyUrl === notifyUrl);
	await until(() => jobs.every((job) => finishedAt(job) <= sim.server.clock.now()), 'every job to end');
	const workflow = singleNodeWorkflow('tensorArt', parameters);
	if (onError) workflow.nodes[0].onError = onError as never;
	return await callResumeUrl(workflow, parked.run, notifyUrl, { tensorArtApi: sim.credentials.tensorArtApi });
}

const creates = () => sim.server.log.filter((entry) => entry.prefix === '/tams' && entry.method === 'POST');

describe('Tensor.Art Create Job, waiting by callback', () => {
	test('every create carries the resume URL of this execution and node with a token; the execution parks until the Timeout', async () => {
		const startedAt = Date.now();
		const result = await run(callbackCreate(), [{ n: 1 }, { n: 2 }, { n: 3 }]);
		expect(result.error).toBeUndefined();
		expect(result.run.status).toBe('waiting');
		const waitTill = new Date(result.run.waitTill!).getTime();
		expect(waitTill).toBeGreaterThanOrEqual(startedAt + 5 * 60_000);
		expect(waitTill).toBeLessThanOrEqual(Date.now() + 5 * 60_000);

		const urls = creates().map((entry) => JSON.parse(entry.body).runningNotifyUrl as string);
		expect(urls).toHaveLength(3);
		expect(new Set(urls).size).toBe(1);
		const url = new URL(urls[0]);
		expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:5678/webhook-waiting/cb-execution/node-1');
		expect(url.searchParams.get('token')).toMatch(/^[0-9a-f]{64}$/);
		// n8n 2.x checks its own per-execution signature on resume URLs.
		expect(url.searchParams.get('signature')).toBe(result.run.data.resumeToken);
		// The token is no API key.
		expect(urls[0]).not.toContain(String(sim.credentials.tensorArtApi.apiKey));
		// Only the creates: no status request while the execution waits.
		expect(sim.server.log.filter((entry) => entry.prefix === '/tams')).toHaveLength(3);
	});

	test('what n8n resumes the node with at the limit is every unfinished job with done = false and nextCheckInSeconds, paired with its input', async () => {
		const result = await run(callbackCreate(), [{ n: 1 }, { n: 2 }]);
		const parked = result.run.data.executionData!.nodeExecutionStack[0];
		expect(parked.node.name).toBe('Job');
		const fallback = parked.data.main[0]!;
		expect(fallback.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const { json } of fallback) {
			expect(json).toMatchObject({ provider: 'tensorArt', done: false, status: 'queued', nextCheckInSeconds: 2 });
			expect(json.jobId).toMatch(/^\d+$/);
		}
		expect(new Set(fallback.map(({ json }) => json.jobId)).size).toBe(2);
		// The same items are the node's output now, as Create Job without waiting would give them.
		expect(result.outputs.Job.map(({ json }) => json)).toEqual(fallback.map(({ json }) => json));
	});

	test('Create Job From Template also sends the resume URL', async () => {
		await run(callbackCreate({ operation: 'createJobFromTemplate', templateId: '676018193025756628' }));
		const [create] = creates();
		expect(create.path).toBe('/v1/jobs/workflow/template');
		expect(JSON.parse(create.body).runningNotifyUrl).toMatch(/^http:\/\/127\.0\.0\.1:5678\/webhook-waiting\/cb-execution\/node-1\?/);
	});

	test('jobs that have all ended when created leave nothing to wait for: n8n resumes at its next wait check', async () => {
		sim.tensorArt.jobs.nextScripts.push({ queueMs: 0, runMs: 0 });
		// The same Request ID twice: the second create returns the job already made, and ended.
		await run(callbackCreate({ waitMode: 'poll', options: { requestId: 'ended-before' } }));
		const result = await run(callbackCreate({ options: { requestId: 'ended-before' } }));
		expect(result.run.status).toBe('waiting');
		expect(new Date(result.run.waitTill!).getTime()).toBeLessThanOrEqual(Date.now());
		expect(result.outputs.Job[0].json).toMatchObject({ done: true, status: 'succeeded' });
	});

	test('Poll stays the default: without the wait choice, Wait for Completion polls to the end', async () => {
		sim.tensorArt.jobs.nextScripts.push({ queueMs: 50, runMs: 100 });
		const result = await run(callbackCreate({ waitMode: undefined, waitSettings: { pollInterval: 0.1 } }));
		expect(result.run.status).toBe('success');
		expect(result.outputs.Job[0].json).toMatchObject({ done: true, status: 'succeeded' });
		expect(JSON.parse(creates()[0].body).runningNotifyUrl).toBeUndefined();
	});

	test('refused, before anything is sent, when Tensor.Art could not reach the resume URL: the message names WEBHOOK_URL', async () => {
		// The credential points at Tensor.Art itself, which cannot call n8n's loopback address.
		const result = await run(callbackCreate(), [{}], { endpoint: 'https://ap-east-1.tensorart.cloud', authentication: 'apiKey', apiKey: 'tams-test-key' });
		expect(result.error?.message).toBe(
			"Tensor.Art cannot call back: n8n's resume URL http://127.0.0.1:5678/webhook-waiting/… points at this machine (loopback)",
		);
		expect(result.error?.description).toContain('WEBHOOK_URL');
		expect(result.run.status).toBe('error');
		expect(sim.server.log).toHaveLength(0);
	});
});

describe('Tensor.Art callback resume: On Job Failure as in Poll mode', () => {
	const endingJobs = (outcomes: Array<'succeeded' | 'failed'>) => sim.tensorArt.jobs.nextScripts.push(...outcomes.map((outcome) => ({ queueMs: 100, runMs: 200, outcome, outputCount: 1, callback: 'never' as const })));

	test('"Output the Failed Job" (the default): the resumed items are the jobs, the failed one with its status and error', async () => {
		endingJobs(['succeeded', 'failed']);
		const { result } = await parkAndCallBack(callbackCreate(), [{ n: 1 }, { n: 2 }]);
		const items = result.workflowData![0];
		expect(items.map(({ json }) => [json.status, json.done])).toEqual([['succeeded', true], ['failed', true]]);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect((items[1].json.error as IDataObject).message).toEqual(expect.any(String));
	});

	test('"Stop With an Error" with On Error set to continue: the failed job is resumed as the error item Poll mode outputs', async () => {
		endingJobs(['succeeded', 'failed']);
		const parameters = callbackCreate({ waitSettings: { timeout: 5, pollInterval: 0.1, onJobFailure: 'error' } });
		const { result } = await parkAndCallBack(parameters, [{ n: 1 }, { n: 2 }], 'continueRegularOutput');
		const [succeeded, failed] = result.workflowData![0];
		expect(succeeded.json).toMatchObject({ status: 'succeeded', done: true });
		expect(failed.pairedItem).toEqual({ item: 1 });

		// Jobs of the same scripts waited for by polling.
		endingJobs(['succeeded', 'failed']);
		const polled = await run({ ...parameters, waitMode: 'poll' }, [{ n: 1 }, { n: 2 }], sim.credentials.tensorArtApi, 'continueRegularOutput', `cb-poll-${++resumes}`);
		// The parallel creates may take the scripts in either order.
		const polledFailure = polled.outputs.Job.find(({ json }) => json.status !== 'succeeded')!;
		const jobIdOf = (message: string) => message.replace(/\d{6,}/, '<job>');
		expect(Object.keys(failed.json).sort()).toEqual(Object.keys(polledFailure.json).sort());
		expect(jobIdOf(String(failed.json.error))).toBe(jobIdOf(String(polledFailure.json.error)));
		expect(failed.json.error).toMatch(/^Job \d+ failed: /);
	});

	test('"Stop With an Error" without continuing on error is refused before any job is created: a callback cannot stop the execution', async () => {
		const result = await run(callbackCreate({ waitSettings: { timeout: 5, onJobFailure: 'error' } }));
		expect(result.error?.message).toBe('On Job Failure "Stop With an Error" cannot stop an execution that waits for a callback');
		expect(result.error?.description).toContain('Output the Failed Job');
		expect(sim.server.log).toHaveLength(0);
	});
});

describe('Tensor.Art callback resume: Download Outputs', () => {
	test('the resumed items carry the output files as binary data, as Poll mode attaches them', async () => {
		sim.tensorArt.jobs.nextScripts.push({ queueMs: 100, runMs: 200, outcome: 'succeeded', outputCount: 2, callback: 'never' });
		const parameters = callbackCreate({ waitSettings: { timeout: 5, pollInterval: 0.1 }, options: { downloadOutputs: true } });
		const { result } = await parkAndCallBack(parameters, [{ n: 1 }]);
		const [resumed] = result.workflowData![0];
		expect(resumed.json).toMatchObject({ status: 'succeeded', done: true });

		sim.tensorArt.jobs.nextScripts.push({ queueMs: 100, runMs: 200, outcome: 'succeeded', outputCount: 2, callback: 'never' });
		const polled = await run({ ...parameters, waitMode: 'poll' }, [{ n: 1 }], sim.credentials.tensorArtApi, undefined, `cb-poll-${++resumes}`);
		const [polledItem] = polled.outputs.Job;
		const described = (item: typeof resumed) => Object.entries(item.binary ?? {}).map(([key, b]) => [key, b.mimeType, b.fileExtension]);
		expect(described(resumed)).toHaveLength(2);
		expect(described(resumed)).toEqual(described(polledItem));
		// The bytes are the job's own files.
		const png = Buffer.from(resumed.binary!.data.data, 'base64');
		expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
	});
});

describe('which resume URLs Tensor.Art can call', () => {
	const TAMS = 'https://ap-east-1.tensorart.cloud';
	test.each([
		['https://n8n.example.com/webhook-waiting/1/n', TAMS, undefined],
		['http://localhost:5678/webhook-waiting/1/n', TAMS, 'points at this machine (loopback)'],
		['http://[::1]:5678/webhook-waiting/1/n', TAMS, 'points at this machine (loopback)'],
		['http://10.1.2.3:5678/webhook-waiting/1/n', TAMS, 'is a private network address'],
		['http://169.254.10.1/webhook-waiting/1/n', TAMS, 'is a link-local network address'],
		['ftp://n8n.example.com/webhook-waiting/1/n', TAMS, 'is not an http(s) address'],
		// A simulator or local proxy on this machine can call this machine.
		['http://127.0.0.1:5678/webhook-waiting/1/n', 'http://127.0.0.1:9000/tams', undefined],
	])('%s with Tensor.Art at %s', (resumeUrl, baseUrl, problem) => {
		const reason = unreachableReason(resumeUrl, baseUrl);
		if (problem === undefined) expect(reason).toBeUndefined();
		else expect(reason).toContain(problem);
		// The reason never shows the execution's path or token.
		expect(reason ?? '').not.toContain('/1/n');
	});
});

describe('a callback resume never loses the run', () => {
	const endingSoon = (count: number, runMs = 200) =>
		sim.tensorArt.jobs.nextScripts.push(...Array.from({ length: count }, () => ({ queueMs: 50, runMs, outcome: 'succeeded' as const, outputCount: 1, callback: 'never' as const })));
	/** The look-ups of one job whose outputs now point at a file that is gone: its download fails. */
	const brokenLinksOf = (jobId: () => string) =>
		sim.server.injectFault({
			prefix: '/tams',
			method: 'GET',
			times: Infinity,
			fault: (request) => (request.path === `/v1/jobs/${jobId()}` ? { kind: 'rewrite', rewrite: (body) => JSON.parse(JSON.stringify(body).replace(/\/files\//g, '/files/gone/')) } : undefined),
		});
	const downloading = () => callbackCreate({ waitSettings: { timeout: 5, pollInterval: 0.1 }, options: { downloadOutputs: true } });
	const secondJobId = () => [...sim.tensorArt.jobs.jobs.values()].filter((job) => job.extra.runningNotifyUrl).at(-1)?.id ?? '';

	test('a download that fails on resume (On Error: stop) gives that job without its files; the other job keeps its file', async () => {
		endingSoon(2);
		brokenLinksOf(secondJobId);
		const { result, status } = await parkAndCallBack(downloading(), [{ n: 1 }, { n: 2 }]);
		expect(status).toBe(200);
		const items = result.workflowData![0];
		expect(items.map(({ json }) => [json.status, json.done])).toEqual([['succeeded', true], ['succeeded', true]]);
		expect(Object.keys(items[0].binary ?? {})).toEqual(['data']);
		expect(items[1].binary).toBeUndefined();
		expect(items[1].json.jobId).toBe(secondJobId());
	});

	test('a download that fails on resume (On Error: continue) is that job\'s error item, as Poll mode outputs it', async () => {
		endingSoon(2);
		brokenLinksOf(secondJobId);
		const { result } = await parkAndCallBack(downloading(), [{ n: 1 }, { n: 2 }], 'continueRegularOutput');
		const [kept, failed] = result.workflowData![0];
		expect(kept.json).toMatchObject({ status: 'succeeded' });
		expect(Object.keys(kept.binary ?? {})).toEqual(['data']);
		expect(failed.json.error).toBe(`Could not download output 1 of job ${secondJobId()}: ${String(failed.json.error).split(': ').slice(1).join(': ')}`);
		expect(failed.pairedItem).toEqual({ item: 1 });
	});

	test('an item that ended before the park keeps its files when a callback resumes the run', async () => {
		// Item 0 names a Request ID whose job has ended already: the create returns it, finished, and its file is downloaded then.
		sim.tensorArt.jobs.nextScripts.push({ queueMs: 0, runMs: 0, outputCount: 1 });
		await run(callbackCreate({ waitMode: 'poll', options: { requestId: 'ended-with-file' } }), [{}], sim.credentials.tensorArtApi, undefined, `cb-poll-${++resumes}`);
		endingSoon(1);
		const parameters = callbackCreate({ waitSettings: { timeout: 5, pollInterval: 0.1 }, options: { downloadOutputs: true, requestId: '={{ $json.requestId }}' } });
		const { result } = await parkAndCallBack(parameters, [{ requestId: 'ended-with-file' }, { requestId: `fresh-${resumes}` }]);
		const [endedBefore, resumed] = result.workflowData![0];
		expect(endedBefore.json).toMatchObject({ done: true, status: 'succeeded' });
		expect(Object.keys(endedBefore.binary ?? {})).toEqual(['data']);
		expect(Object.keys(resumed.binary ?? {})).toEqual(['data']);
	});

	test('each callback looks up the job its body names first; jobs ending in turn cost one look-up per callback', async () => {
		sim.tensorArt.jobs.nextScripts.push(...[100, 600, 1100].map((runMs) => ({ queueMs: 0, runMs, outcome: 'succeeded' as const, outputCount: 1, callback: 'never' as const })));
		const parameters = callbackCreate();
		const parked = await run(parameters, [{ n: 1 }, { n: 2 }, { n: 3 }], sim.credentials.tensorArtApi, undefined, `cb-resume-${++resumes}`);
		const notifyUrl = JSON.parse(creates()[0].body).runningNotifyUrl as string;
		const jobs = [...sim.tensorArt.jobs.jobs.values()].filter((job) => job.extra.runningNotifyUrl === notifyUrl).sort((a, b) => a.script.runMs - b.script.runMs);
		const looksUp = () => sim.server.log.filter((entry) => entry.method === 'GET').map((entry) => entry.path.split('/').pop());
		const answers = [];
		for (const job of jobs) {
			await until(() => finishedAt(job) <= sim.server.clock.now(), `job ${job.id} to end`);
			const before = looksUp().length;
			// The body as TAMS sends it; its status is only a hint.
			const answer = await callResumeUrl(singleNodeWorkflow('tensorArt', parameters), parked.run, notifyUrl, { tensorArtApi: sim.credentials.tensorArtApi }, { job: { id: job.id, status: 'SUCCESS' } });
			expect(looksUp().slice(before)).toEqual([job.id]);
			answers.push(answer);
		}
		expect(answers.slice(0, 2).map(({ result }) => result.workflowData)).toEqual([undefined, undefined]);
		expect(answers[2].result.workflowData![0].map(({ json }) => json.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
	});

	test('a body that names no job of the run (or lies about it) is not believed: the jobs are looked up', async () => {
		endingSoon(1, 60_000);
		const parameters = callbackCreate();
		const parked = await run(parameters, [{}], sim.credentials.tensorArtApi, undefined, `cb-resume-${++resumes}`);
		const notifyUrl = JSON.parse(creates()[0].body).runningNotifyUrl as string;
		const call = (body: IDataObject) => callResumeUrl(singleNodeWorkflow('tensorArt', parameters), parked.run, notifyUrl, { tensorArtApi: sim.credentials.tensorArtApi }, body);
		for (const body of [{ job: { id: '1', status: 'SUCCESS' } }, { job: { id: secondJobId(), status: 'SUCCESS' } }, {}]) {
			const { result } = await call(body);
			expect(result.workflowData).toBeUndefined();
			expect((result.webhookResponse as IDataObject).message).toMatch(new RegExp(`^Job ${secondJobId()} is still (queued|running): the execution keeps waiting$`));
		}
	});

	test('the token is keyed on the credential\'s secret fields as stored, not on the texts cut out of replies', async () => {
		const result = await run(callbackCreate());
		const url = new URL(JSON.parse(creates()[0].body).runningNotifyUrl as string);
		const { apiKey, privateKey } = sim.credentials.tensorArtApi;
		const key = [apiKey, privateKey].map((value) => String(value ?? '')).join('\n');
		expect(url.searchParams.get('token')).toBe(createHmac('sha256', key).update('cb-execution\nnode-1').digest('hex'));
		expect(result.run.status).toBe('waiting');
	});

	test('the Wait By choice says what happens at the Timeout, and keeps its stored value', () => {
		const waitBy = new TensorArt().description.properties.find((property) => property.name === 'waitMode')!;
		const callback = waitBy.options!.find((option) => 'value' in option && option.value === 'callback') as { name: string; description: string };
		expect(callback.name).toBe('Callback, Unfinished Jobs Output at the Timeout');
		expect(callback.name).not.toMatch(/poll/i);
		expect(callback.description).toContain('no status is polled');
	});
});
