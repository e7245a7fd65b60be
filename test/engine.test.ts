/**
 * The shared job engine's own behaviour (wait loop, retries, replay rules, items side by side,
 * Continue On Fail, pairing), seen through a provider node in n8n's engine over real HTTP.
 */
import type { IDataObject } from 'n8n-workflow';

import { runWorkflow, startWorkflow } from './harness/engine';
import { until } from './harness/until';
import { singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

const FAST_WAIT = { pollInterval: 0.1, maxInterval: 0.2, timeout: 0.5 };

/** Creates a job on the simulator directly (as if started earlier) and returns its id. */
function existingJob(script: IDataObject = {}): string {
	sim.aetherForge.jobs.nextScripts.push({ queueMs: 0, runMs: 300, ...script });
	const id = crypto.randomUUID();
	sim.aetherForge.jobs.create(id, sim.server.clock.now(), { form: { path: '', fields: {}, files: {} }, imageUrls: [] });
	return id;
}

const statusRequests = (jobId: string) => sim.server.log.filter((entry) => entry.method === 'GET' && entry.path.endsWith(jobId));

const waitFor = (jobIds: string[], parameters: IDataObject = {}, onError?: string) => {
	const workflow = singleNodeWorkflow('aetherForge', { operation: 'waitForJob', jobId: '={{ $json.id }}', waitSettings: FAST_WAIT, ...parameters });
	if (onError) workflow.nodes[0].onError = onError as never;
	return startWorkflow(workflow, { credentials: sim.credentials, input: jobIds.map((id) => ({ id })) });
};

/** Once every job has been checked `checks` times, moves the simulator's clock past their end: the next checks see them done. */
async function finishAfterChecks(jobIds: string[], checks: number): Promise<void> {
	await until(() => jobIds.every((id) => statusRequests(id).length >= checks), `${checks} checks of each job`);
	sim.server.clock.advance(60_000);
}

describe('the wait loop', () => {
	test('polls first, then until the job is done, and outputs the finished job', async () => {
		const id = existingJob({ runMs: 60_000 });
		const running = waitFor([id]);
		await finishAfterChecks([id], 2);
		const { outputs, error } = await running.promise;
		expect(error).toBeUndefined();
		expect(outputs.Job[0].json).toMatchObject({ jobId: id, status: 'succeeded', done: true, nextCheckInSeconds: null });
		expect(statusRequests(id).length).toBeGreaterThanOrEqual(3);
	});

	test('stops at the deadline with an error naming the job, its status and what to change', async () => {
		const id = existingJob({ runMs: 60_000 });
		const { error } = await waitFor([id], { waitSettings: { ...FAST_WAIT, timeout: 0.01 } }).promise;
		expect(error?.message).toBe(`Job ${id} is still "Pending" after 1 s`);
		// No more checks than 0.6 s at the 0.1 s floor allows: the wait ended at its deadline, not with the 60 s job.
		expect(statusRequests(id).length).toBeLessThanOrEqual(7);
		expect(error?.description).toMatch(/Raise "Timeout"/);
	});

	test('an unknown status is treated as not finished and named at the deadline', async () => {
		const id = existingJob({ runMs: 60_000, unknownStatus: 'Rendering' });
		const { error } = await waitFor([id], { waitSettings: { ...FAST_WAIT, timeout: 0.01 } }).promise;
		expect(error?.message).toMatch(/is still "Rendering" \(a status this node does not know, so it was treated as not finished\)/);
	});

	test('"Output the Last Status" on timeout outputs the unfinished job with a next-check suggestion', async () => {
		const id = existingJob({ runMs: 60_000 });
		const { outputs, error } = await waitFor([id], { waitSettings: { ...FAST_WAIT, timeout: 0.01, onTimeout: 'output' } }).promise;
		expect(error).toBeUndefined();
		expect(outputs.Job[0].json).toMatchObject({ jobId: id, status: 'running', done: false });
		expect(outputs.Job[0].json.nextCheckInSeconds).toBeGreaterThanOrEqual(1);
	});

	test('"Stop With an Error" on job failure stops with the reason', async () => {
		const id = existingJob({ runMs: 100, outcome: 'failed', failure: { reason: 'moderation' } });
		const { error } = await waitFor([id], { waitSettings: { ...FAST_WAIT, onJobFailure: 'error' } }).promise;
		expect(error?.message).toBe(`Job ${id} failed: moderation`);
	});

	test('canceling the execution ends a sleeping wait at once', async () => {
		const id = existingJob({ runMs: 60_000 });
		const running = waitFor([id], { waitSettings: { pollInterval: 30, maxInterval: 30, timeout: 10 } });
		// Once the first check is answered, the wait sleeps 30 s.
		await until(() => statusRequests(id).some((entry) => entry.status === 200), 'the first check');
		const canceledAt = Date.now();
		running.cancel();
		const { run } = await running.promise;
		// Far below the 30 s sleep the cancel cut short.
		expect(Date.now() - canceledAt).toBeLessThan(10_000);
		expect(run.status).toBe('canceled');
		expect(statusRequests(id)).toHaveLength(1);
	});

	test('all items wait side by side and come out in input order, each paired with its input', async () => {
		const runTimes = [900, 300, 600, 100, 800, 200, 700, 400, 500, 1000];
		const ids = runTimes.map((runMs) => existingJob({ runMs }));
		const { outputs, error } = await waitFor(ids, { waitSettings: { pollInterval: 0.1, maxInterval: 0.1, timeout: 1 }, options: { requestsPerSecond: 200 } }).promise;
		expect(error).toBeUndefined();
		// Side by side: the first ten checks are one of each job (one after another, a job would be checked again before the next one's first).
		expect(new Set(sim.server.log.slice(0, ids.length).map((entry) => entry.path.split('/').pop()))).toEqual(new Set(ids));
		expect(outputs.Job.map((item) => item.json.jobId)).toEqual(ids);
		expect(outputs.Job.map((item) => item.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
	});

	test('"Max Parallel Items" bounds how many items run at once', async () => {
		const ids = [0, 1, 2].map(() => existingJob({ runMs: 300 }));
		const { error } = await waitFor(ids, { options: { maxParallel: 1, requestsPerSecond: 200 } }).promise;
		expect(error).toBeUndefined();
		// One at a time: each job's first check comes after the previous job's last.
		for (let index = 1; index < ids.length; index++) {
			const previous = statusRequests(ids[index - 1]);
			expect(statusRequests(ids[index])[0].at).toBeGreaterThanOrEqual(previous[previous.length - 1].at);
		}
	});
});

test('a run reads its credential once, not for every request', async () => {
	const ids = [0, 1, 2, 3, 4].map(() => existingJob({ runMs: 60_000 }));
	const running = waitFor(ids, { options: { requestsPerSecond: 200 } });
	await finishAfterChecks(ids, 1);
	const { error, credentialReads } = await running.promise;
	expect(error).toBeUndefined();
	expect(statusRequests(ids[0]).length).toBeGreaterThan(1);
	// n8n loads and decrypts a credential from its database on every read.
	expect(credentialReads).toBe(1);
});

describe('Continue On Fail', () => {
	test('a failed item becomes an error item paired with its input; the others are unaffected', async () => {
		const good = existingJob({ runMs: 200 });
		const missing = crypto.randomUUID();
		const { outputs, error } = await waitFor([good, missing, good], {}, 'continueRegularOutput').promise;
		expect(error).toBeUndefined();
		expect(outputs.Job).toHaveLength(3);
		expect(outputs.Job[0].json).toMatchObject({ jobId: good, status: 'succeeded' });
		expect(outputs.Job[1]).toEqual({
			json: { error: `AetherForge could not get job ${missing}: Job not found`, errorDescription: expect.any(String), httpCode: '404' },
			pairedItem: { item: 1 },
		});
		expect(outputs.Job[2].json).toMatchObject({ jobId: good, status: 'succeeded' });
	});

	test('without it, the first failure stops the run and the other waits at once', async () => {
		const slow = existingJob({ runMs: 60_000 });
		const started = Date.now();
		const { error } = await waitFor([slow, crypto.randomUUID()], { waitSettings: { pollInterval: 30, maxInterval: 30, timeout: 1 } }).promise;
		expect(error?.message).toMatch(/Job not found/);
		// Far below the 30 s sleep of the slow job's wait, which the failure cut short.
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(statusRequests(slow)).toHaveLength(1);
	});
});

describe('retries', () => {
	test('a read refused with 429 is retried after the Retry-After the provider asked for', async () => {
		const id = existingJob({ runMs: 0 });
		sim.server.injectFault({ method: 'GET', times: 1, fault: { kind: 'status', status: 429, body: { detail: 'Too Many Requests' }, headers: { 'retry-after': '1' } } });
		const { outputs, error } = await runWorkflow(singleNodeWorkflow('aetherForge', { operation: 'getJob', jobId: id }), { credentials: sim.credentials });
		expect(error).toBeUndefined();
		expect(outputs.Job[0].json.status).toBe('succeeded');
		const [refused, retried] = statusRequests(id);
		expect(refused.status).toBe(429);
		expect(retried.at - refused.at).toBeGreaterThanOrEqual(950);
	});

	test.each([
		['a 503', { kind: 'status', status: 503, body: { detail: 'unavailable' } }],
		['a connection reset', { kind: 'resetBeforeHandling' }],
		['a malformed reply', { kind: 'malformedJson' }],
	] as const)('a read is retried after %s', async (_, fault) => {
		const id = existingJob({ runMs: 0 });
		sim.server.injectFault({ method: 'GET', times: 1, fault });
		const { outputs, error } = await waitFor([id]).promise;
		expect(error).toBeUndefined();
		expect(outputs.Job[0].json.status).toBe('succeeded');
	});

	test('a create answered with 500 is not sent again, and the error says a job may exist', async () => {
		sim.server.injectFault({ method: 'POST', times: 1, fault: { kind: 'status', status: 500, body: { detail: 'Internal Server Error' } } });
		const { error } = await runWorkflow(
			singleNodeWorkflow('aetherForge', { operation: 'createJob', type: 'effectV2', description: 'x', quality: 'pro', frame: '4' }),
			{ credentials: sim.credentials },
		);
		expect(sim.server.log.filter((entry) => entry.method === 'POST')).toHaveLength(1);
		expect(error?.message).toBe('AetherForge could not create the Effect (V2) job: Internal Server Error');
		expect(error?.description).toMatch(/a job may exist and be charged/);
	});

	test('a create refused with 429 is sent again: nothing was started', async () => {
		sim.server.injectFault({ method: 'POST', times: 1, fault: { kind: 'status', status: 429, body: { detail: 'slow down' }, headers: { 'retry-after': '0' } } });
		const { outputs, error } = await runWorkflow(
			singleNodeWorkflow('aetherForge', { operation: 'createJob', type: 'effectV2', description: 'x', quality: 'pro', frame: '4' }),
			{ credentials: sim.credentials },
		);
		expect(error).toBeUndefined();
		expect(sim.server.log.filter((entry) => entry.method === 'POST').map((entry) => entry.status)).toEqual([429, 200]);
		expect(sim.aetherForge.jobs.jobs.has(outputs.Job[0].json.jobId as string)).toBe(true);
	});
});

test('a reply whose shape is not the documented one names the field', async () => {
	const id = existingJob({ runMs: 0 });
	sim.server.injectFault({ method: 'GET', times: Infinity, fault: { kind: 'rewrite', rewrite: (body) => ({ ...(body as IDataObject), status: 7 }) } });
	const { error } = await runWorkflow(singleNodeWorkflow('aetherForge', { operation: 'getJob', jobId: id }), { credentials: sim.credentials });
	expect(error?.message).toBe('AetherForge answered with a job this node cannot read: field "status" expected string, received number');
});

test('a base URL that is not http(s) stops before any request', async () => {
	const credentials = { ...sim.credentials, aetherForgeApi: { ...sim.credentials.aetherForgeApi, baseUrl: 'ftp://example.com' } };
	const { error } = await runWorkflow(singleNodeWorkflow('aetherForge', { operation: 'getJob', jobId: crypto.randomUUID() }), { credentials });
	expect(error?.message).toBe('The base URL in the AetherForge credential is not an http(s) address');
	expect(sim.server.log).toHaveLength(0);
});

test('Get Job suggests the next check from its own schedule, else the provider defaults', async () => {
	const id = existingJob({ runMs: 60_000 });
	const get = async (parameters: IDataObject) =>
		(await runWorkflow(singleNodeWorkflow('aetherForge', { operation: 'getJob', jobId: id, ...parameters }), { credentials: sim.credentials })).outputs.Job[0].json;
	expect((await get({ waitSettings: { pollInterval: 7, maxInterval: 60 } })).nextCheckInSeconds).toBe(7);
	expect((await get({})).nextCheckInSeconds).toBe(2);
});
