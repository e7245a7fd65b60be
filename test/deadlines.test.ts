/**
 * Waits keep their deadline whatever the provider does: a status request it holds open is cut at
 * the wait's Timeout (or a tool's Tool Timeout), and a 429 whose Retry-After asks for more than
 * a call may wait fails at once, naming the wait asked for, instead of parking the run.
 */
import type { IDataObject } from 'n8n-workflow';

import { agentWithTool } from './harness/agentTool';
import { runWorkflow } from './harness/engine';
import { tensorArt } from './harness/providerCases';
import { singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

const HOUR = 3_600_000;
/** Within this of its Timeout a wait must end, a request held open or not. */
const SLACK_S = 2;

const statusReads = () => sim.server.log.filter((entry) => entry.prefix === '/tams' && entry.method === 'GET');

/** Every status request after the first `answered` is held open by the simulator for a minute. */
function holdStatusRequestsAfter(answered: number): void {
	let seen = 0;
	sim.server.injectFault({ prefix: '/tams', method: 'GET', times: Infinity, fault: () => (++seen > answered ? { kind: 'delay', ms: 60_000 } : undefined) });
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
	const started = Date.now();
	const result = await work();
	return { result, seconds: (Date.now() - started) / 1000 };
}

const waitForJob = (waitSettings: IDataObject, options: IDataObject = {}) =>
	singleNodeWorkflow('tensorArt', { ...tensorArt.parameters('wait'), waitSettings: { pollInterval: 0.5, maxInterval: 0.5, ...waitSettings }, options: { requestTimeout: 50, ...options } });

describe('a status request the provider holds open ends at the wait\'s deadline', () => {
	test('Wait For Job, On Timeout "Output the Last Status": the last status comes out within 2 s of the Timeout', async () => {
		const job = tensorArt.existingJob(sim, { queueMs: 0, runMs: HOUR });
		holdStatusRequestsAfter(1);
		const { result, seconds } = await timed(() => runWorkflow(waitForJob({ timeout: 0.05, onTimeout: 'output' }), { credentials: sim.credentials, input: [job] }));
		expect(result.error).toBeUndefined();
		expect(result.outputs.Job[0].json).toMatchObject({ jobId: job.jobId, done: false });
		expect(statusReads().length).toBeGreaterThanOrEqual(2);
		expect(seconds).toBeGreaterThanOrEqual(3);
		expect(seconds).toBeLessThan(3 + SLACK_S);
	});

	test('Wait For Job, On Timeout "Stop With an Error": the error comes within 2 s of the Timeout', async () => {
		const job = tensorArt.existingJob(sim, { queueMs: 0, runMs: HOUR });
		holdStatusRequestsAfter(1);
		const { result, seconds } = await timed(() => runWorkflow(waitForJob({ timeout: 0.05 }), { credentials: sim.credentials, input: [job] }));
		expect(result.error?.message).toMatch(new RegExp(`^Job ${job.jobId} is still "\\w+" after 3 s$`));
		expect(seconds).toBeLessThan(3 + SLACK_S);
	});

	test('a first status request held open: the error says the provider had not answered by the Timeout', async () => {
		const job = tensorArt.existingJob(sim, { queueMs: 0, runMs: HOUR });
		holdStatusRequestsAfter(0);
		const { result, seconds } = await timed(() => runWorkflow(waitForJob({ timeout: 0.05 }), { credentials: sim.credentials, input: [job] }));
		expect(result.error?.message).toBe(`Job ${job.jobId} could not be checked within 3 s: Tensor.Art had not answered its status request when the Timeout came`);
		expect(result.error?.description).toContain('Raise "Timeout"');
		expect(seconds).toBeLessThan(3 + SLACK_S);
	});

	test('as an AI Agent\'s tool: the answer comes within 2 s of the Tool Timeout, with the job still running', async () => {
		const job = tensorArt.existingJob(sim, { queueMs: 0, runMs: HOUR });
		holdStatusRequestsAfter(1);
		const parameters = { ...tensorArt.parameters('wait'), jobId: "={{ $fromAI('jobId', 'The jobId of the job') }}", toolTimeout: 3, waitSettings: { pollInterval: 0.5 }, options: { requestTimeout: 50 } };
		const { result, seconds } = await timed(() => runWorkflow(agentWithTool('tensorArt', parameters, job), { credentials: sim.credentials }));
		expect(result.error).toBeUndefined();
		expect(result.outputs.Agent[0].json.answer).toEqual([expect.objectContaining({ jobId: job.jobId, done: false })]);
		expect(seconds).toBeLessThan(3 + SLACK_S);
	});
});

describe('a 429 whose Retry-After asks for more than the call may wait', () => {
	const PARAMS = JSON.stringify({ '9': { classType: 'SaveImage', inputs: {} } });
	const refuseWithRetryAfter = (seconds: number, method?: string) =>
		sim.server.injectFault({ prefix: '/tams', method, times: Infinity, fault: { kind: 'status', status: 429, headers: { 'retry-after': String(seconds) }, body: { code: 8, message: 'too many requests' } } });

	test.each([
		['Get', { operation: 'getJob', jobId: '={{ $json.jobId }}' }, 'get job'],
		['Create', { operation: 'createJob', params: PARAMS }, 'create the job'],
		['Cancel', { operation: 'cancelJob', jobId: '={{ $json.jobId }}' }, 'cancel job'],
		['Check Params', { operation: 'checkParams', params: PARAMS }, 'accept the params'],
	])('%s fails at once, naming the wait asked for and what to change, and sends nothing more', async (_name, parameters, purpose) => {
		const job = tensorArt.existingJob(sim, { queueMs: 0, runMs: HOUR });
		refuseWithRetryAfter(3600);
		const { result, seconds } = await timed(() => runWorkflow(singleNodeWorkflow('tensorArt', { resource: 'job', ...parameters }), { credentials: sim.credentials, input: [job] }));
		expect(result.error?.message).toMatch(new RegExp(`^Tensor\\.Art could not ${purpose}.*: the API asked to wait 3600 s before the next request \\(Retry-After\\), longer than the 60 s this node waits for a rate limit$`));
		expect(result.error?.description).toContain('Max Requests per Second');
		expect(sim.server.log.filter((entry) => entry.prefix === '/tams')).toHaveLength(1);
		expect(seconds).toBeLessThan(5);
	});

	test('within a wait, past its time left: the error names the Timeout, and the run\'s other items are not held for the hour asked', async () => {
		const jobs = [tensorArt.existingJob(sim, { queueMs: 0, runMs: 0 }), tensorArt.existingJob(sim, { queueMs: 0, runMs: 0 })];
		// Only the first item's first look-up is refused.
		sim.server.injectFault({ prefix: '/tams', method: 'GET', path: new RegExp(`${String(jobs[0].jobId)}$`), times: 1, fault: { kind: 'status', status: 429, headers: { 'retry-after': '3600' }, body: { code: 8, message: 'too many requests' } } });
		const workflow = waitForJob({ timeout: 0.05 }, { maxParallel: 1 });
		workflow.nodes[0].onError = 'continueRegularOutput';
		const { result, seconds } = await timed(() => runWorkflow(workflow, { credentials: sim.credentials, input: jobs }));
		const [refused, waited] = result.outputs.Job.map(({ json }) => json);
		expect(refused.error).toMatch(/the API asked to wait 3600 s before the next request \(Retry-After\), longer than the \d s left of the wait's Timeout$/);
		expect(refused.errorDescription).toContain('Raise "Timeout"');
		expect(waited).toMatchObject({ jobId: jobs[1].jobId, status: 'succeeded', done: true });
		// The run's pause lasted no longer than the first item's time left (3 s).
		expect(seconds).toBeLessThan(3 + 3 + SLACK_S);
	});
});
