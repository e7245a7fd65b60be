import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { nodeTypeName, runWorkflow, testCredential } from './harness/engine';
import { activatePollingTrigger, runListSearch } from './harness/nodeContexts';
import type { WorkflowJson } from './harness/engine';
import { chainWorkflow, singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';
import type { JobScript } from './simulator/jobs';
import { PIXXEL_PROJECT } from './simulator/pixxel';

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

const FAST_JOB: Partial<JobScript> = { queueMs: 100, runMs: 300 };
const FAST_WAIT = { pollInterval: 0.2, maxInterval: 0.4, timeout: 0.2 };
const FINISHED: Partial<JobScript> = { queueMs: 0, runMs: 0 };

const ndvi = () => sim.pixxel.workflowNamed('Crop health (NDVI)');
const picked = (workflowId: string) => ({ __rl: true, mode: 'list', value: workflowId, cachedResultName: 'Crop health (NDVI)' });
const byId = (workflowId: string) => ({ __rl: true, mode: 'id', value: workflowId });

const run = async (parameters: IDataObject, credentials = sim.credentials) =>
	await runWorkflow(singleNodeWorkflow('pixxel', parameters), { credentials });

const requests = (method: string, path?: RegExp) =>
	sim.server.log.filter((entry) => entry.prefix === '/pixxel' && entry.method === method && (!path || path.test(entry.path)));

/** A job that finished the given way, started in the Aurora app rather than by this node. */
const finishedJob = (script: Partial<JobScript> = {}) => sim.pixxel.startJob(ndvi().id, { ...FINISHED, ...script });

describe('Create Job', () => {
	test('runs the picked workflow with no body, the project as query and the raw key', async () => {
		sim.pixxel.jobs.nextScripts.push(FAST_JOB);
		const result = await run({ operation: 'createJob', projectId: PIXXEL_PROJECT, workflow: picked(ndvi().id) });
		expect(result.error).toBeUndefined();
		const item = result.outputs.Job[0].json;
		expect(item).toMatchObject({ provider: 'pixxel', status: 'queued', done: false, workflowId: ndvi().id, progress: 0, cost: 40 });
		expect(sim.pixxel.jobs.jobs.has(item.jobId as string)).toBe(true);

		const [create] = requests('POST');
		expect(create.path).toBe(`/v0/workflows/${ndvi().id}/jobs`);
		expect(create.query).toBe(`?project_id=${PIXXEL_PROJECT}`);
		expect(create.body).toBe('');
		expect(create.headers.authorization).toBe('px-test-key');
	});

	test('with Wait for Completion, outputs the finished job', async () => {
		sim.pixxel.jobs.nextScripts.push(FAST_JOB);
		const result = await run({
			operation: 'createJob',
			projectId: PIXXEL_PROJECT,
			workflow: byId(ndvi().id),
			waitForCompletion: true,
			waitSettings: { ...FAST_WAIT, timeout: 0.1 },
		});
		expect(result.error).toBeUndefined();
		expect(result.outputs.Job[0].json).toMatchObject({ status: 'succeeded', done: true, progress: 100, estimatedSecondsLeft: 0 });
	});

	test('is never sent twice after a reset once the server had it: one job, and where to look', async () => {
		sim.server.injectFault({ prefix: '/pixxel', method: 'POST', times: 1, fault: { kind: 'resetAfterHandling' } });
		const jobsBefore = sim.pixxel.jobs.jobs.size;
		const result = await run({ operation: 'createJob', projectId: PIXXEL_PROJECT, workflow: picked(ndvi().id) });
		expect(result.error?.message).toMatch(/Pixxel could not create a job of workflow .*: the connection was reset/);
		expect(result.error?.description).toMatch(/a job may exist/);
		expect(result.error?.description).toContain(`Check the job list of workflow ${ndvi().id}`);
		expect(requests('POST')).toHaveLength(1);
		expect(sim.pixxel.jobs.jobs.size).toBe(jobsBefore + 1);
	});

	test('an empty project ID is refused before anything is sent', async () => {
		const result = await run({ operation: 'createJob', projectId: ' ', workflow: picked(ndvi().id) });
		expect(result.error?.message).toBe('"Project ID" of item 0 is empty');
		expect(requests('POST')).toHaveLength(0);
	});
});

describe('Get Job', () => {
	test('normalizes a running job: case-mixed status, percentage string, estimate, Go zero time', async () => {
		const job = sim.pixxel.startJob(ndvi().id, { queueMs: 0, runMs: 60_000 });
		const result = await run({ operation: 'getJob', workflow: byId(ndvi().id), jobId: job.id, options: { includeRaw: true } });
		expect(result.error).toBeUndefined();
		const item = result.outputs.Job[0].json;
		const raw = item.raw as IDataObject;
		expect(item).toMatchObject({ jobId: job.id, workflowId: ndvi().id, status: 'running', done: false, finishedAt: null, cost: 40 });
		expect(['running', 'RUNNING', 'In Progress']).toContain(item.providerStatus);
		expect(raw.finished_at).toBe('0001-01-01T00:00:00Z');
		expect(item.progress).toBe(Number.parseFloat(raw.progress as string));
		expect(item.estimatedSecondsLeft).toBeGreaterThan(55);
		expect(item.estimatedSecondsLeft).toBeLessThanOrEqual(60);
		expect(item.nextCheckInSeconds).toBeGreaterThanOrEqual(30);
		expect(item.createdAt).toBe(new Date(job.createdAt).toISOString());
	});

	test('without the job percentage, progress comes from the tasks', async () => {
		sim.pixxel.sendJobProgress = false;
		const job = sim.pixxel.startJob(ndvi().id, { queueMs: 0, runMs: 3000 });
		// The first of three tasks is done after a third of the run.
		sim.server.clock.advance(1100);
		const result = await run({ operation: 'getJob', workflow: byId(ndvi().id), jobId: job.id, options: { includeRaw: true } });
		const item = result.outputs.Job[0].json;
		expect((item.raw as IDataObject).progress).toBe('');
		const taskProgress = ((item.raw as IDataObject).tasks as IDataObject[]).map((task) => task.progress as number);
		expect(taskProgress[0]).toBe(100);
		expect(item.progress).toBeCloseTo(taskProgress.reduce((sum, value) => sum + value, 0) / 3, 0);
	});

	test('a job that fails in one task carries that task\'s message and failure type', async () => {
		const job = finishedJob({ outcome: 'failed', failure: { reason: 'band B08 missing', code: 'BLOCK_EXECUTION_ERROR' } });
		const result = await run({ operation: 'getJob', workflow: byId(ndvi().id), jobId: job.id });
		expect(result.outputs.Job[0].json).toMatchObject({
			status: 'failed',
			done: true,
			error: { message: 'Task "Compute index" failed: band B08 missing', code: 'BLOCK_EXECUTION_ERROR', retryable: false },
		});
	});

	test('validation errors join the failure, and a transient failure type is retryable', async () => {
		const invalid = finishedJob({ outcome: 'failed', failure: { code: 'VALIDATION_ERROR', reason: 'needs bands B04 and B08' } });
		const transient = finishedJob({ outcome: 'failed', failure: { code: 'TRANSIENT_INFRA_ERROR', reason: 'worker lost' } });
		const [first, second] = await Promise.all(
			[invalid, transient].map(async (job) => await run({ operation: 'getJob', workflow: byId(ndvi().id), jobId: job.id })),
		);
		expect(first.outputs.Job[0].json.error).toEqual({
			message:
				'Task "Compute index" failed: needs bands B04 and B08. Validation errors: Compute index: output band set does not match input: needs bands B04 and B08',
			code: 'VALIDATION_ERROR',
			retryable: false,
		});
		expect(second.outputs.Job[0].json.error).toMatchObject({ code: 'TRANSIENT_INFRA_ERROR', retryable: true });
	});

	test('an unknown job is a clear error naming job and workflow, from the API error body', async () => {
		const result = await run({ operation: 'getJob', workflow: byId(ndvi().id), jobId: 'no-such-job' });
		expect(result.error?.message).toBe(`Pixxel could not get job no-such-job of workflow ${ndvi().id}: job no-such-job not found in workflow ${ndvi().id}`);
		expect(result.error?.description).toMatch(/the job to the workflow/);
		expect(result.error?.httpCode).toBe('404');
	});
});

describe('byte fields are decoded in every wire form', () => {
	test.each(['json', 'base64', 'bytes'] as const)('%s', async (form) => {
		sim.pixxel.byteWireForm = form;
		const job = finishedJob();
		const result = await run({ operation: 'getJob', workflow: byId(ndvi().id), jobId: job.id, options: { includeRaw: true } });
		const raw = result.outputs.Job[0].json.raw as IDataObject;
		expect(raw.spec).toMatchObject({ workflow_id: ndvi().id, blocks: [{ id: 'block-1', name: 'Fetch imagery' }, {}, {}] });
		const [task] = raw.tasks as IDataObject[];
		expect(task.inputs).toEqual({ aoi_id: 'aoi-7f3e', block: 'block-1', date_range: ['2026-10-01', '2026-10-31'] });
		expect(task.result).toEqual({ block: 'block-1', mean_index: 0.62, scenes: 4 });
		expect(task.info_logs).toEqual(['started Fetch imagery', 'finished Fetch imagery']);
	});
});

describe('Wait For Job', () => {
	test('follows a job created by an earlier node, using its workflow and job IDs', async () => {
		sim.pixxel.jobs.nextScripts.push(FAST_JOB);
		const result = await runWorkflow(
			chainWorkflow([
				{ name: 'Create', nodeType: 'pixxel', parameters: { operation: 'createJob', projectId: PIXXEL_PROJECT, workflow: picked(ndvi().id) } },
				{
					name: 'Wait',
					nodeType: 'pixxel',
					parameters: {
						operation: 'waitForJob',
						workflow: byId('={{ $json.workflowId }}'),
						jobId: '={{ $json.jobId }}',
						waitSettings: FAST_WAIT,
					},
				},
			]),
			{ credentials: sim.credentials },
		);
		expect(result.error).toBeUndefined();
		const item = result.outputs.Wait[0].json;
		expect(item).toMatchObject({ jobId: result.outputs.Create[0].json.jobId, status: 'succeeded', done: true, progress: 100 });
		expect(['completed', 'Success', 'SUCCEEDED']).toContain(item.providerStatus);
		expect(item.finishedAt).not.toBeNull();
	});

	test('estimated_duration spaces the polls: a 1 s job takes three looks, not six', async () => {
		const job = sim.pixxel.startJob(ndvi().id, { queueMs: 0, runMs: 1000 });
		const result = await run({ operation: 'waitForJob', workflow: byId(ndvi().id), jobId: job.id, waitSettings: { ...FAST_WAIT, maxInterval: 5 } });
		expect(result.outputs.Job[0].json).toMatchObject({ status: 'succeeded' });
		expect(requests('GET', /\/jobs\//).length).toBeLessThanOrEqual(3);
	});

	test('a failed job stops the workflow when asked to', async () => {
		const job = finishedJob({ outcome: 'failed', failure: { reason: 'cloud cover above 80%', code: 'NO_USABLE_SCENE' } });
		const result = await run({ operation: 'waitForJob', workflow: byId(ndvi().id), jobId: job.id, waitSettings: { ...FAST_WAIT, onJobFailure: 'error' } });
		expect(result.error?.message).toBe(`Job ${job.id} failed: Task "Compute index" failed: cloud cover above 80%`);
	});

	test('an unknown status word is kept and waited on, not taken as final', async () => {
		const job = sim.pixxel.startJob(ndvi().id, { queueMs: 0, runMs: 60_000, unknownStatus: 'Provisioning' });
		const result = await run({ operation: 'waitForJob', workflow: byId(ndvi().id), jobId: job.id, waitSettings: { ...FAST_WAIT, timeout: 0.01, onTimeout: 'output' } });
		expect(result.outputs.Job[0].json).toMatchObject({ providerStatus: 'Provisioning', status: 'running', done: false });
	});
});

describe('List Jobs', () => {
	let workflowId: string;
	beforeAll(() => {
		workflowId = sim.pixxel.addWorkflow('Flood mapping').id;
		for (const script of [{}, { outcome: 'failed' }, {}, { outcome: 'canceled' }, { runMs: 60_000 }] as Array<Partial<JobScript>>) {
			sim.pixxel.startJob(workflowId, { ...FINISHED, ...script });
			// A second apart on the simulator's clock, so "newest first" has an order to keep.
			sim.server.clock.advance(1000);
		}
	});
	const list = async (parameters: IDataObject) => await run({ operation: 'listJobs', workflow: picked(workflowId), returnAll: true, ...parameters });

	test('one normalized item per job, whoever started it, newest first', async () => {
		const result = await list({});
		const items = result.outputs.Job.map((item) => item.json);
		expect(items).toHaveLength(5);
		expect(items.map((item) => item.status).sort()).toEqual(['canceled', 'failed', 'running', 'succeeded', 'succeeded']);
		expect(items.every((item) => item.provider === 'pixxel' && item.workflowId === workflowId)).toBe(true);
		const created = items.map((item) => item.createdAt as string);
		expect(new Set(created).size).toBe(5);
		expect([...created].sort().reverse()).toEqual(created);
	});

	test('filters by normalized status, whatever the spelling', async () => {
		const result = await list({ filters: { statuses: ['succeeded', 'canceled'] } });
		expect(result.outputs.Job.map((item) => item.json.status).sort()).toEqual(['canceled', 'succeeded', 'succeeded']);
	});

	test('passes a provider status word to the API filter', async () => {
		const word = sim.pixxel.jobBody([...sim.pixxel.jobs.jobs.values()].find((job) => job.extra.workflow.id === workflowId && job.script.outcome === 'failed')!, sim.server.clock.now()).status;
		const result = await list({ filters: { providerStatus: word.toUpperCase() } });
		expect(requests('GET', /\/jobs$/)[0].query).toBe(`?status=${encodeURIComponent(word.toUpperCase()).replace(/%20/g, '+')}`);
		expect(result.outputs.Job.map((item) => item.json.status)).toEqual(['failed']);
	});

	test('stops at the limit', async () => {
		const all = (await list({})).outputs.Job.map((item) => item.json.jobId);
		const result = await list({ returnAll: false, limit: 2 });
		// The two newest.
		expect(result.outputs.Job.map((item) => item.json.jobId)).toEqual(all.slice(0, 2));
	});
});

describe('Get Results', () => {
	test('asks again while the package is pending, then downloads the ZIP as binary data', async () => {
		sim.pixxel.pendingDownloadAsks = 2;
		const job = finishedJob();
		const result = await run({
			operation: 'getResults',
			workflow: byId(ndvi().id),
			jobId: job.id,
			packageSettings: { pollInterval: 0.2, timeout: 0.2 },
			options: { downloadOutputs: true },
		});
		expect(result.error).toBeUndefined();
		const item = result.outputs.Job[0];
		expect(requests('PUT', /\/download$/).map((entry) => entry.status)).toEqual([200, 200, 200]);
		expect(item.json).toMatchObject({ status: 'succeeded', outputs: [{ kind: 'file', format: 'zip' }] });
		expect((item.json.outputs as IDataObject[])[0].url).toMatch(new RegExp(`/files/.*/${job.id}\\.zip$`));
		expect(item.binary?.data).toMatchObject({ fileName: `${job.id}.zip`, mimeType: 'application/zip' });
		const zip = Buffer.from(item.binary!.data.data, 'base64');
		expect(zip.subarray(0, 4).toString('hex')).toBe('504b0304');
		expect(zip.toString('latin1')).toContain('outputs/report.json');
	});

	test("a signed_url on a link-local address is refused by the link policy, naming the job and not the link's signature", async () => {
		sim.pixxel.pendingDownloadAsks = 0;
		const job = finishedJob();
		sim.server.injectFault({
			prefix: '/pixxel',
			method: 'PUT',
			times: 1,
			fault: { kind: 'rewrite', rewrite: (body) => ({ ...(body as IDataObject), signed_url: 'http://169.254.169.254/results.zip?X-Amz-Signature=s3cr3t' }) },
		});
		const result = await run({ operation: 'getResults', workflow: byId(ndvi().id), jobId: job.id, options: { downloadOutputs: true } });
		expect(result.error?.message).toBe(`Could not download output 1 of job ${job.id}: the link points to 169.254.169.254, a link-local address (such as a cloud metadata service)`);
		expect(JSON.stringify(result.error)).not.toContain('s3cr3t');
	});

	test('without the download option, outputs the signed link only', async () => {
		sim.pixxel.pendingDownloadAsks = 0;
		const job = finishedJob({ outcome: 'failed' });
		const result = await run({ operation: 'getResults', workflow: byId(ndvi().id), jobId: job.id });
		expect(result.outputs.Job[0].binary).toBeUndefined();
		expect(result.outputs.Job[0].json).toMatchObject({ status: 'failed', outputs: [{ kind: 'file', format: 'zip' }] });
	});

	test('a package still pending at its Timeout is an error saying so, after asking on the schedule', async () => {
		sim.pixxel.pendingDownloadAsks = Infinity;
		const job = finishedJob();
		const result = await run({ operation: 'getResults', workflow: byId(ndvi().id), jobId: job.id, packageSettings: { pollInterval: 0.1, timeout: 0.01 } });
		expect(result.error?.message).toBe(`The results package of job ${job.id} is still "pending" after 1 s`);
		expect(requests('PUT', /\/download$/).length).toBeGreaterThan(1);
	});

	test('a job removed while its package is pending is reported as removed, as a wait for the job reports it', async () => {
		sim.pixxel.pendingDownloadAsks = Infinity;
		const job = finishedJob();
		let asks = 0;
		sim.server.injectFault({
			prefix: '/pixxel',
			method: 'PUT',
			times: Infinity,
			fault: () => (++asks > 1 ? { kind: 'status', status: 404, body: { error: { code: 'NOT_FOUND', message: 'job not found' } } } : undefined),
		});
		// The second ask ends the wait (404): a Timeout far from it keeps a slow first answer from ending it first.
		const result = await run({ operation: 'getResults', workflow: byId(ndvi().id), jobId: job.id, packageSettings: { pollInterval: 0.1, timeout: 5 } });
		expect(asks).toBe(2);
		expect(result.error?.description).toMatch(/An earlier check of this wait found the job, so Pixxel has removed it since/);
	});

	test('a running job is refused without asking for a package', async () => {
		const job = sim.pixxel.startJob(ndvi().id, { queueMs: 0, runMs: 60_000 });
		const result = await run({ operation: 'getResults', workflow: byId(ndvi().id), jobId: job.id });
		expect(result.error?.message).toMatch(/is still ".*": its results can be fetched once it has finished/);
		expect(requests('PUT')).toHaveLength(0);
	});
});

describe('workflow list search', () => {
	const nodeWith = (parameters: IDataObject): INode => ({
		id: 'pixxel',
		name: 'Pixxel',
		type: nodeTypeName('pixxel'),
		typeVersion: 1,
		position: [0, 0],
		parameters: { operation: 'createJob', workflow: { __rl: true, mode: 'list', value: '' }, ...parameters } as INode['parameters'],
	});
	const search = async (parameters: IDataObject, filter?: string, paginationToken?: string) =>
		await runListSearch(nodeWith(parameters), 'searchWorkflows', { credentials: sim.credentials, filter, paginationToken });

	test("lists the project's workflows, filtered by name", async () => {
		const all = await search({ projectId: PIXXEL_PROJECT });
		expect(all.results.map((result) => result.name)).toEqual(expect.arrayContaining(['Crop health (NDVI)', 'Water body detection', 'Methane plume detection']));
		expect(all.results.map((result) => result.name)).not.toContain('Forest cover change');
		expect(requests('GET', /^\/v0\/workflows$/)[0].query).toContain(`project_id=${PIXXEL_PROJECT}`);

		const water = await search({ projectId: PIXXEL_PROJECT }, 'WATER');
		expect(water.results).toEqual([{ name: 'Water body detection', value: sim.pixxel.workflowNamed('Water body detection').id, description: 'Surface water extent per reservoir' }]);
	});

	test("without a project, lists the key's project", async () => {
		const result = await search({});
		expect(result.results.map((entry) => entry.value)).toContain(ndvi().id);
		expect(requests('GET', /^\/v0\/workflows$/)[0].query).not.toContain('project_id');
	});

	test('pages through long lists', async () => {
		const projectId = 'b7d1c2e3-0000-4000-8000-000000000001';
		sim.pixxel.apiKeys.set('px-big-project', projectId);
		for (let index = 0; index < 130; index++) sim.pixxel.addWorkflow(`Field ${index}`, '', projectId);
		const credentials = { pixxelApi: { ...sim.credentials.pixxelApi, apiKey: 'px-big-project' } };
		const first = await runListSearch(nodeWith({ projectId }), 'searchWorkflows', { credentials });
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toBe('100');
		const second = await runListSearch(nodeWith({ projectId }), 'searchWorkflows', { credentials, paginationToken: first.paginationToken });
		expect(second.results).toHaveLength(30);
		expect(second.paginationToken).toBeUndefined();
	});

	test('a project the key cannot see is reported as a credential problem', async () => {
		const error = (await search({ projectId: 'f0e1d2c3-b4a5-4968-8776-655443322110' }).catch((thrown: unknown) => thrown)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect({ message: error.message, httpCode: error.httpCode }).toEqual({
			message: expect.stringMatching(/^Pixxel could not list the workflows: no access to project f0e1d2c3-/),
			httpCode: '403',
		});
		// Not "not found" or a fault of the workflow: the hint points at the credential.
		expect(error.description).toMatch(/Check the Pixxel credential/);
	});
});

describe('Pixxel Trigger', () => {
	const triggerWorkflow = (workflowId: string): WorkflowJson => ({
		nodes: [
			{
				id: 'trigger',
				name: 'Job Finished',
				type: nodeTypeName('pixxelTrigger'),
				typeVersion: 1,
				position: [0, 0],
				parameters: { projectId: PIXXEL_PROJECT, workflow: { __rl: true, mode: 'list', value: workflowId }, pollTimes: { item: [{ mode: 'everyMinute' }] } },
			},
			{
				id: 'results',
				name: 'Results',
				type: nodeTypeName('pixxel'),
				typeVersion: 1,
				position: [220, 0],
				parameters: { operation: 'getResults', workflow: { __rl: true, mode: 'id', value: '={{ $json.workflowId }}' }, jobId: '={{ $json.jobId }}', packageSettings: { pollInterval: 0.2 } },
			},
		],
		connections: { 'Job Finished': { main: [[{ node: 'Results', type: 'main', index: 0 }]] } },
	});

	test('fires once per job that finishes after activation, whoever started it, never for old ones', async () => {
		const { id: workflowId } = sim.pixxel.addWorkflow('Trigger watch');
		sim.pixxel.startJob(workflowId, FINISHED);
		sim.pixxel.startJob(workflowId, { ...FINISHED, outcome: 'failed' });
		// Still running when the trigger is activated, however slow the activation: not old.
		const running = sim.pixxel.startJob(workflowId, { queueMs: 0, runMs: 60_000 });

		const trigger = await activatePollingTrigger(triggerWorkflow(workflowId), sim.credentials);
		expect(trigger.activationEmits).toEqual([]);
		expect(await trigger.poll()).toEqual([]);

		const failing = sim.pixxel.startJob(workflowId, { queueMs: 0, runMs: 100, outcome: 'failed', failure: { reason: 'AOI outside coverage' } });
		// A minute on, on the simulator's clock: both have finished.
		sim.server.clock.advance(61_000);
		const [emit] = await trigger.poll();
		const fired = emit[0].map((item) => item.json);
		expect(fired.map((job) => job.jobId).sort()).toEqual([running.id, failing.id].sort());
		expect(fired.find((job) => job.jobId === failing.id)).toMatchObject({
			status: 'failed',
			error: { message: 'Task "Compute index" failed: AOI outside coverage' },
		});
		expect(fired.find((job) => job.jobId === running.id)).toMatchObject({ status: 'succeeded', done: true, workflowId });

		expect(await trigger.poll()).toEqual([]);
		expect(trigger.errors).toEqual([]);
		expect(trigger.staticData().cursor).toMatchObject({ workflowId, recentIds: expect.arrayContaining([running.id, failing.id]) });

		// What n8n does with an emit: runs the workflow from the trigger with those items.
		const execution = await runWorkflow(triggerWorkflow(workflowId), { credentials: sim.credentials, mode: 'trigger', inputItems: emit[0] });
		expect(execution.error).toBeUndefined();
		expect(execution.outputs.Results.map((item) => item.json.outputs)).toEqual([
			[expect.objectContaining({ format: 'zip' })],
			[expect.objectContaining({ format: 'zip' })],
		]);
	});

	test('a job seen running fires once when it finishes, even if it reports a finish time hours back', async () => {
		const { id: workflowId } = sim.pixxel.addWorkflow('Late report watch');
		sim.pixxel.startJob(workflowId, FINISHED);
		const late = sim.pixxel.startJob(workflowId, { queueMs: 0, runMs: 60_000 });
		const trigger = await activatePollingTrigger(triggerWorkflow(workflowId), sim.credentials);
		expect(await trigger.poll()).toEqual([]);

		// The list dates the job's end two hours back, far behind the latest finish time the trigger saw.
		const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString();
		const backdated = (job: IDataObject) => (job.id === late.id ? { ...job, finished_at: twoHoursAgo, updated_at: twoHoursAgo } : job);
		sim.server.injectFault({
			prefix: '/pixxel',
			method: 'GET',
			path: /\/jobs$/,
			times: Infinity,
			fault: { kind: 'rewrite', rewrite: (body) => ({ jobs: (body as { jobs: IDataObject[] }).jobs.map(backdated) }) },
		});
		sim.server.clock.advance(61_000);
		const [emit] = await trigger.poll();
		expect(emit[0].map((item) => item.json.jobId)).toEqual([late.id]);
		expect(await trigger.poll()).toEqual([]);
		expect(trigger.errors).toEqual([]);
	});

	test('in manual mode, outputs the latest finished job as a sample', async () => {
		const { id: workflowId } = sim.pixxel.addWorkflow('Sample watch');
		sim.pixxel.startJob(workflowId, FINISHED);
		sim.server.clock.advance(20);
		const latest = sim.pixxel.startJob(workflowId, FINISHED);
		sim.pixxel.startJob(workflowId, { queueMs: 0, runMs: 60_000 });
		const result = await runWorkflow({ ...triggerWorkflow(workflowId), connections: {} }, { credentials: sim.credentials, mode: 'manual' });
		expect(result.error).toBeUndefined();
		expect(result.outputs['Job Finished'].map((item) => item.json)).toEqual([expect.objectContaining({ jobId: latest.id, status: 'succeeded' })]);
	});

	test('in manual mode, a workflow without a finished job says so', async () => {
		const { id: workflowId } = sim.pixxel.addWorkflow('Empty watch');
		const result = await runWorkflow({ ...triggerWorkflow(workflowId), connections: {} }, { credentials: sim.credentials, mode: 'manual' });
		expect(result.error?.message).toBe(`Workflow ${workflowId} has no finished job yet`);
	});
});

describe('credential', () => {
	test('the test request tells a good key from a rejected one', async () => {
		expect(await testCredential('pixxelApi', sim.credentials.pixxelApi)).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(await testCredential('pixxelApi', { ...sim.credentials.pixxelApi, apiKey: 'wrong' })).toEqual({
			status: 'Error',
			message: 'Pixxel rejected this API key (or it has no access to any project)',
		});
		expect(requests('GET', /^\/v0\/workflows$/).map((entry) => entry.query)).toEqual(['?limit=1', '?limit=1']);
	});

	test('the Bearer prefix switch sends "Bearer <key>"', async () => {
		const bearer = { ...sim.credentials.pixxelApi, bearerPrefix: true };
		expect(await testCredential('pixxelApi', bearer)).toMatchObject({ status: 'Error' });
		sim.pixxel.acceptBearer = true;
		expect(await testCredential('pixxelApi', bearer)).toMatchObject({ status: 'OK' });
		expect(requests('GET').map((entry) => entry.headers.authorization)).toEqual(['Bearer px-test-key', 'Bearer px-test-key']);
	});

	test('an empty key is refused before anything is sent', async () => {
		const result = await run({ operation: 'getJob', workflow: byId(ndvi().id), jobId: 'any' }, { pixxelApi: { ...sim.credentials.pixxelApi, apiKey: ' ' } });
		expect(result.error?.message).toMatch(/^The Pixxel credential .*cannot be used: the API key is empty$/);
		expect(requests('GET')).toHaveLength(0);
	});

	test('a rejected key fails a node run as a credential problem, and no key appears in errors', async () => {
		const credentials = { pixxelApi: { ...sim.credentials.pixxelApi, apiKey: 'px-revoked-key' } };
		const result = await run({ operation: 'getJob', workflow: byId(ndvi().id), jobId: 'any' }, credentials);
		expect(result.error?.message).toBe('Pixxel could not get job any of workflow ' + ndvi().id + ': invalid or missing API key');
		expect(result.error?.description).toMatch(/Check the Pixxel credential/);
		expect(JSON.stringify({ error: result.error, description: result.error?.description, context: result.error?.context })).not.toContain('px-revoked-key');
	});
});
