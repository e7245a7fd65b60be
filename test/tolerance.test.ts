/**
 * Where the providers' documents are silent (test/simulator/ASSUMPTIONS.md), the simulators serve
 * each plausible reading in turn and the nodes must cope with all of them: these tests prove
 * tolerance, not agreement between a simulator and an adapter written to the same guess.
 */
import type { IDataObject } from 'n8n-workflow';

import { runWorkflow } from './harness/engine';
import { singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';
import type { JobScript } from './simulator/jobs';

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

let nextTamsId = 940_000_000_000_000_000n;

/** Get Job of a Tensor.Art job made on the simulator with `script`: its output item. */
async function tamsGetJob(script: Partial<JobScript>): Promise<IDataObject> {
	sim.tensorArt.jobs.nextScripts.push(script);
	const job = sim.tensorArt.addJob(String(nextTamsId++), sim.server.clock.now());
	const { outputs, error } = await runWorkflow(singleNodeWorkflow('tensorArt', { resource: 'job', operation: 'getJob', jobId: job.id }), {
		credentials: sim.credentials,
	});
	expect(error).toBeUndefined();
	return { ...outputs.Job[0].json, simCreatedAt: job.createdAt };
}

describe('Tensor.Art', () => {
	test.each(['ms', 's'] as const)('ctime and mtime in %s give the job its creation time', async (unit) => {
		sim.tensorArt.timeUnit = unit;
		const item = await tamsGetJob({ queueMs: 0, runMs: 60_000 });
		expect(item.status).toBe('running');
		expect(Math.abs(Date.parse(item.createdAt as string) - (item.simCreatedAt as number))).toBeLessThan(1000);
	});

	test.each(['epochSeconds', 'epochMs', 'secondsFromNow'] as const)('expiredIn as %s gives the same link expiry, an hour on', async (reading) => {
		sim.tensorArt.expiredInReading = reading;
		const item = await tamsGetJob({ queueMs: 0, runMs: 0 });
		const [output] = item.outputs as IDataObject[];
		expect(Math.abs(Date.parse(output.expiresAt as string) - (Date.now() + 3600_000))).toBeLessThan(60_000);
	});

	test('queue counts sent as numbers instead of the documented int64 strings are read the same', async () => {
		sim.server.injectFault({
			prefix: '/tams',
			method: 'GET',
			times: 1,
			fault: { kind: 'rewrite', rewrite: (body) => ({ job: { ...(body as { job: IDataObject }).job, waitingInfo: { queueRank: 2, queueLen: 5 }, credits: 3 } }) },
		});
		const item = await tamsGetJob({ queueMs: 60_000, runMs: 1000 });
		expect(item).toMatchObject({ status: 'queued', queue: { position: 2, length: 5 }, cost: 3 });
	});
});

describe('Pixxel', () => {
	const getPixxelJob = async (jobId: string, workflowId: string) => {
		const { outputs, error } = await runWorkflow(
			singleNodeWorkflow('pixxel', { operation: 'getJob', workflow: { __rl: true, mode: 'id', value: workflowId }, jobId }),
			{ credentials: sim.credentials },
		);
		expect(error).toBeUndefined();
		return outputs.Job[0].json;
	};

	test.each([
		['the whole job', 'whole'],
		['the time left', 'remaining'],
	] as const)(
		'estimated_duration sent as %s never puts the time left past the real end',
		async (_, reading) => {
			sim.pixxel.estimateReading = reading;
			const workflowId = sim.pixxel.workflowNamed('Crop health (NDVI)').id;
			const job = sim.pixxel.startJob(workflowId, { queueMs: 0, runMs: 60_000 });
			// Half way through on the simulator's clock: 30 s are truly left.
			sim.server.clock.advance(30_000);
			const item = await getPixxelJob(job.id, workflowId);
			expect(item.status).toBe('running');
			const left = item.estimatedSecondsLeft as number;
			// Either reading: an estimate, and never later than the job's real end (a check planned from it is not late).
			expect(left).toBeGreaterThan(0);
			expect(left).toBeLessThanOrEqual(31);
			expect(item.nextCheckInSeconds as number).toBeLessThanOrEqual(31);
		},
	);

	test.each(['42.5', '42.5%', 42.5])('progress sent as %p reads as 42.5 percent', async (progress) => {
		const workflowId = sim.pixxel.workflowNamed('Crop health (NDVI)').id;
		const job = sim.pixxel.startJob(workflowId, { queueMs: 0, runMs: 60_000 });
		sim.server.injectFault({ prefix: '/pixxel', method: 'GET', times: 1, fault: { kind: 'rewrite', rewrite: (body) => ({ ...(body as IDataObject), progress }) } });
		expect(await getPixxelJob(job.id, workflowId)).toMatchObject({ status: 'running', progress: 42.5 });
	});

	test.each([
		['Go zero time', '0001-01-01T00:00:00Z'],
		['an empty string', ''],
		['null', null],
	])('an unset finished_at as %s leaves a running job unfinished', async (_, unset) => {
		const workflowId = sim.pixxel.workflowNamed('Crop health (NDVI)').id;
		const job = sim.pixxel.startJob(workflowId, { queueMs: 0, runMs: 60_000 });
		sim.server.injectFault({
			prefix: '/pixxel',
			method: 'GET',
			times: 1,
			fault: { kind: 'rewrite', rewrite: (body) => ({ ...(body as IDataObject), finished_at: unset, exec_updated_at: unset }) },
		});
		const item = await getPixxelJob(job.id, workflowId);
		expect(item).toMatchObject({ status: 'running', done: false, finishedAt: null });
	});
});

describe('AetherForge', () => {
	test.each([
		['error_message', 'moderation: nudity'],
		['detail', 'moderation: nudity'],
		['nowhere', /^AetherForge gave no reason\. Failures are most often content moderation/],
	] as const)('a failed job with its reason in %s carries it, or says that none was given', async (field, expected) => {
		sim.aetherForge.failureReasonField = field === 'nowhere' ? 'none' : field;
		sim.aetherForge.jobs.nextScripts.push({ queueMs: 0, runMs: 0, outcome: 'failed', failure: { reason: 'moderation: nudity' } });
		const job = sim.aetherForge.jobs.create(crypto.randomUUID(), sim.server.clock.now(), { form: { path: '', fields: {}, files: {} }, imageUrls: [] });
		const { outputs, error } = await runWorkflow(singleNodeWorkflow('aetherForge', { operation: 'getJob', jobId: job.id }), { credentials: sim.credentials });
		expect(error).toBeUndefined();
		expect(outputs.Job[0].json).toMatchObject({ status: 'failed', done: true, error: { message: expected, retryable: false } });
	});
});
