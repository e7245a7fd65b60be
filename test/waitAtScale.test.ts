/**
 * Wait For Job at scale, in n8n's engine against the simulators: many waits side by side in a
 * bounded pool, the adaptive schedule (and the one a provider's estimate allows), one request
 * budget per node run, the next-check suggestion, and deadline, cancel and Continue On Fail
 * behaving the same for one item or many. Small sizes; `npm run bench` measures the large ones.
 */
import type { IDataObject } from 'n8n-workflow';

import { runWorkflow, startWorkflow } from './harness/engine';
import { until } from './harness/until';
import { singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';
import type { JobScript, SimJob } from './simulator/jobs';
import { finishedAt } from './simulator/jobs';
import type { LoggedRequest } from './simulator/server';

// Schedules are checked by request counts, by the order requests arrive in and by lower bounds
// (a loaded machine only makes gaps longer); an upper bound on time is a ratio of the plan, or far
// from the time a wrong schedule would take.

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

/** A budget far above what these tests send, where the budget is not what a test is about. */
const NO_BUDGET = { requestsPerSecond: 1000 };

/** AetherForge jobs created on the simulator as if started just now, one per script. */
function aetherForgeJobs(count: number, script: Partial<JobScript> = {}): Array<SimJob<unknown>> {
	return Array.from({ length: count }, () => {
		sim.aetherForge.jobs.nextScripts.push({ queueMs: 0, runMs: 1000, ...script });
		return sim.aetherForge.jobs.create(crypto.randomUUID(), sim.server.clock.now(), { form: { path: '', fields: {}, files: {} }, imageUrls: [] });
	});
}

/**
 * Tensor.Art jobs waited for without the adaptive slowdown: requests at a fixed pace, a refused
 * job asked again after its Retry-After while the others keep the pace (no run-wide pause, no
 * slower pace), for `forMs` at most. What the node's slowdown is measured against.
 */
async function pollAtFixedPace(jobIds: string[], requestsPerSecond: number, forMs: number): Promise<void> {
	const { customUrl, apiKey } = sim.credentials.tensorArtApi;
	const notBefore = new Map(jobIds.map((id) => [id, 0]));
	const stopAt = Date.now() + forMs;
	let nextTurn = Date.now();
	// Refused requests count towards the provider's limit too: without slowing down, the jobs may never all be seen done.
	while (notBefore.size > 0 && Date.now() < stopAt) {
		await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextTurn - Date.now())));
		nextTurn = Math.max(nextTurn, Date.now()) + 1000 / requestsPerSecond;
		// The job whose turn is oldest, of those not told to wait.
		const [id] = [...notBefore].filter(([, at]) => at <= Date.now()).sort((a, b) => a[1] - b[1])[0] ?? [];
		if (id === undefined) continue;
		notBefore.set(id, Date.now());
		const response = await fetch(`${String(customUrl)}/v1/jobs/${id}`, { headers: { authorization: `Bearer ${String(apiKey)}` } });
		const body = (await response.json()) as { job?: { status?: string } };
		if (response.status === 429) notBefore.set(id, Date.now() + Number(response.headers.get('retry-after')) * 1000);
		else if (body.job?.status === 'SUCCESS') notBefore.delete(id);
	}
}

/** Status checks of one job, as the simulator logged them (in arrival order). */
const checksOf = (jobId: string, log = sim.server.log): LoggedRequest[] =>
	log.filter((entry) => entry.method === 'GET' && entry.path.endsWith(`/${jobId}`));

/** How late the job's end was seen: the first check at or after it, on the simulator's clock. */
function detectionDelayMs(job: SimJob<unknown>, log = sim.server.log): number {
	const end = finishedAt(job);
	const seen = checksOf(job.id, log).find((entry) => entry.status === 200 && entry.simAt >= end);
	if (!seen) throw new Error(`job ${job.id} was never seen finished`);
	return seen.simAt - end;
}

function waitForAetherForge(jobs: Array<SimJob<unknown>>, parameters: IDataObject = {}, onError?: 'continueRegularOutput') {
	const workflow = singleNodeWorkflow('aetherForge', { operation: 'waitForJob', jobId: '={{ $json.id }}', ...parameters });
	if (onError) workflow.nodes[0].onError = onError;
	return startWorkflow(workflow, { credentials: sim.credentials, input: jobs.map((job) => ({ id: job.id })) });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timed<T>(run: Promise<T>): Promise<T & { wallMs: number }> {
	const started = Date.now();
	const result = await run;
	return { ...result, wallMs: Date.now() - started };
}

describe('side by side', () => {
	test('40 waits together take about as long as one job, not forty', async () => {
		const jobs = aetherForgeJobs(40, { runMs: 1000 });
		const { outputs, error } = await waitForAetherForge(jobs, { waitSettings: { pollInterval: 0.1, maxInterval: 0.2 }, options: NO_BUDGET }).promise;
		expect(error).toBeUndefined();
		expect(outputs.Job.map((item) => item.json.status)).toEqual(jobs.map(() => 'succeeded'));
		// The first 40 checks are one of each job: one after another, a job would be checked again before the next one's first.
		expect(new Set(sim.server.log.slice(0, jobs.length).map((entry) => entry.path.split('/').pop()))).toEqual(new Set(jobs.map((job) => job.id)));
	});

	test('"Max Parallel Items" bounds the pool: never more jobs waited on at once than it allows', async () => {
		// Each job runs for three checks, however slow the machine: their order alone shows the pool's size.
		const jobs = aetherForgeJobs(12, { finishAfterLookups: 3 });
		const { error } = await waitForAetherForge(jobs, {
			waitSettings: { pollInterval: 0.1, maxInterval: 0.1 },
			options: { ...NO_BUDGET, maxParallel: 4 },
		}).promise;
		expect(error).toBeUndefined();
		// A job is being waited on from its first check to its last (places in the simulator's log, which has no ties).
		const spans = jobs.map((job) => {
			const checks = checksOf(job.id).map((entry) => sim.server.log.indexOf(entry));
			return { from: checks[0], to: checks[checks.length - 1] };
		});
		const mostAtOnce = Math.max(...spans.map(({ from }) => spans.filter((span) => span.from <= from && from <= span.to).length));
		expect(mostAtOnce).toBe(4);
	});
});

describe('the adaptive schedule', () => {
	describe('jobs of 2, 4 and 6 s waited on from a 0.1 s floor, with a 0.4 s Max Interval', () => {
		const FLOOR_MS = 100;
		const MAX_MS = 400;
		const runTimes = [2000, 4000, 6000];
		let jobs: Array<SimJob<unknown>>;
		// The log of this one run, kept from the clearing before each test.
		let log: LoggedRequest[];
		/** How much longer than planned this run's sleeps took. */
		let slowness: number;
		beforeAll(async () => {
			sim.server.clearLog();
			jobs = runTimes.map((runMs) => aetherForgeJobs(1, { runMs })[0]);
			const { error } = await waitForAetherForge(jobs, {
				waitSettings: { pollInterval: FLOOR_MS / 1000, maxInterval: MAX_MS / 1000 },
				options: NO_BUDGET,
			}).promise;
			expect(error).toBeUndefined();
			log = [...sim.server.log];
			const checks = checksOf(jobs[2].id, log);
			slowness = Math.max(1, median(checks.slice(1).map((check, index) => (check.at - checks[index].at) / Math.min(MAX_MS, Math.max(FLOOR_MS, 0.09 * (checks[index].at - checks[0].at))))));
		});

		test('checks start at the floor, then grow by about 10% of the time waited, never above Max Interval', () => {
			const checks = checksOf(jobs[2].id, log);
			const start = checks[0].at;
			const gaps = checks.slice(1).map((check, index) => ({ waited: checks[index].at - start, gap: check.at - checks[index].at }));
			const planned = gaps.map(({ waited }) => Math.min(MAX_MS, Math.max(FLOOR_MS, 0.09 * waited)));
			// Never sooner than planned.
			gaps.forEach(({ gap }, index) => expect(gap).toBeGreaterThanOrEqual(planned[index] - 2));
			// Growing as planned: the last gaps are about four times the first (at the floor, and at Max Interval); a busy machine stretching every sleep alike keeps them well apart.
			const [first, last] = [gaps.slice(0, 5), gaps.slice(-3)].map((part) => median(part.map(({ gap }) => gap)));
			expect(last / first).toBeGreaterThan(1.5);
			expect(gaps.some(({ gap }) => gap >= MAX_MS - 10)).toBe(true);
			// A loop at the floor would check 60 times.
			expect(checks.length).toBeLessThan(0.6 * (runTimes[2] / FLOOR_MS));
		});

		test('each job is seen done within about max(floor, 10% of its run time), and checked no more after that', () => {
			jobs.forEach((job, index) => {
				const planned = Math.min(MAX_MS, Math.max(FLOOR_MS, 0.1 * runTimes[index]));
				// The plan, stretched as much as this run's sleeps were by the machine (the median gap over its plan, 1 on an idle machine).
				expect(detectionDelayMs(job, log)).toBeLessThan(2 * planned * slowness);
				const checks = checksOf(job.id, log);
				expect(checks.filter((entry) => entry.simAt >= finishedAt(job))).toHaveLength(1);
			});
		});
	});

	test("the provider's estimate moves the checks to when the job can end (Pixxel estimated_duration)", async () => {
		const workflow = sim.pixxel.workflowNamed('Crop health (NDVI)');
		// Estimates 20% short and exact; a 6 s job checked from a 0.5 s floor.
		const jobs = [0.8, 1].map((estimateFactor) => sim.pixxel.startJob(workflow.id, { queueMs: 0, runMs: 6000, estimateFactor }));
		const { outputs, error } = await runWorkflow(
			singleNodeWorkflow('pixxel', {
				operation: 'waitForJob',
				workflow: { __rl: true, mode: 'id', value: workflow.id },
				jobId: '={{ $json.id }}',
				waitSettings: { pollInterval: 0.5, maxInterval: 60 },
			}),
			{ credentials: sim.credentials, input: jobs.map((job) => ({ id: job.id })) },
		);
		expect(error).toBeUndefined();
		expect(outputs.Job.map((item) => item.json.done)).toEqual([true, true]);
		const [short, exact] = jobs;
		// Without the estimate: every 0.5 s until 5.5 s, then 9% steps, about 13 checks each.
		expect(checksOf(short.id).length).toBeLessThanOrEqual(6);
		expect(checksOf(exact.id).length).toBeLessThanOrEqual(4);
		// Seen done within about the 0.5 s floor (with room for a busy machine), not a schedule step later.
		for (const job of jobs) expect(detectionDelayMs(job)).toBeLessThan(1200);
	}, 20_000);
});

describe('the next-check suggestion (nextCheckInSeconds)', () => {
	const tamsJobAged = (ageSeconds: number) => {
		const id = String(920_000_000_000_000_000 + Math.floor(Math.random() * 1e9));
		sim.tensorArt.jobs.nextScripts.push({ queueMs: 0, runMs: 3_600_000 });
		sim.tensorArt.addJob(id, sim.server.clock.now() - ageSeconds * 1000);
		return id;
	};

	test('Get Job suggests the wait schedule from the job age: floor, then 9% of the age, then Max Interval', async () => {
		// Tensor.Art's defaults: a 3 s floor, a 30 s max interval.
		const ids = [5, 200, 1000].map(tamsJobAged);
		const { outputs, error } = await runWorkflow(
			singleNodeWorkflow('tensorArt', { resource: 'job', operation: 'getJob', jobId: '={{ $json.id }}' }),
			{ credentials: sim.credentials, input: ids.map((id) => ({ id })) },
		);
		expect(error).toBeUndefined();
		expect(outputs.Job.map((item) => item.json.status)).toEqual(['running', 'running', 'running']);
		expect(outputs.Job.map((item) => item.json.nextCheckInSeconds)).toEqual([3, 18, 30]);
	});

	test("Get Job's suggestion jumps to when the provider's estimate says the job can end", async () => {
		const workflow = sim.pixxel.workflowNamed('Crop health (NDVI)');
		const job = sim.pixxel.startJob(workflow.id, { queueMs: 0, runMs: 600_000 });
		const { outputs, error } = await runWorkflow(
			singleNodeWorkflow('pixxel', { operation: 'getJob', workflow: { __rl: true, mode: 'id', value: workflow.id }, jobId: job.id }),
			{ credentials: sim.credentials },
		);
		expect(error).toBeUndefined();
		const { estimatedSecondsLeft, nextCheckInSeconds } = outputs.Job[0].json as { estimatedSecondsLeft: number; nextCheckInSeconds: number };
		expect(estimatedSecondsLeft).toBeGreaterThan(590);
		// The earliest end a ±20% estimate allows, plus the 9% lag the schedule plans.
		expect(nextCheckInSeconds).toBeCloseTo(((1.09 * estimatedSecondsLeft) / 1.2), -1);
	});

	test('Create Job without waiting suggests the first check; a finished job suggests none', async () => {
		sim.aetherForge.jobs.nextScripts.push({ queueMs: 0, runMs: 60_000 });
		const created = await runWorkflow(
			singleNodeWorkflow('aetherForge', { operation: 'createJob', type: 'effectV2', description: 'x', quality: 'pro', frame: '4' }),
			{ credentials: sim.credentials },
		);
		expect(created.error).toBeUndefined();
		// AetherForge tells no age or estimate: its floor, 2 s.
		expect(created.outputs.Job[0].json).toMatchObject({ done: false, nextCheckInSeconds: 2 });

		const [finished] = aetherForgeJobs(1, { runMs: 0 });
		const got = await runWorkflow(singleNodeWorkflow('aetherForge', { operation: 'getJob', jobId: finished.id }), { credentials: sim.credentials });
		expect(got.outputs.Job[0].json).toMatchObject({ done: true, nextCheckInSeconds: null });
	});
});

describe('one request budget per node run', () => {
	test('the requests of all items together keep to "Max Requests per Second"', async () => {
		const jobs = aetherForgeJobs(12, { runMs: 0 });
		const { error, wallMs } = await timed(waitForAetherForge(jobs, { options: { requestsPerSecond: 20 } }).promise);
		expect(error).toBeUndefined();
		expect(sim.server.log).toHaveLength(12);
		// Turns 50 ms apart, where 12 items alone would all ask at once: the 12th request cannot come before 550 ms.
		expect(wallMs).toBeGreaterThanOrEqual(11 * 50 - 5);
	});

	test('a 429 with Retry-After pauses every item of the run, and fails none', async () => {
		const jobs = aetherForgeJobs(8, { runMs: 1500 });
		sim.server.injectFault({
			method: 'GET',
			times: 1,
			fault: { kind: 'status', status: 429, body: { detail: 'Too Many Requests' }, headers: { 'retry-after': '1' } },
		});
		const { outputs, error } = await waitForAetherForge(jobs, { waitSettings: { pollInterval: 0.1, maxInterval: 0.2 }, options: { requestsPerSecond: 50 } })
			.promise;
		expect(error).toBeUndefined();
		expect(outputs.Job.map((item) => item.json.status)).toEqual(jobs.map(() => 'succeeded'));
		const refused = sim.server.log.filter((entry) => entry.status === 429);
		expect(refused).toHaveLength(1);
		// Nothing from any item while the provider asked to wait, but requests already on their way (one per other item at most);
		// without the pause, eight items polling every 0.1–0.2 s would ask about 40 times in that second.
		const duringPause = sim.server.log.filter((entry) => entry.at > refused[0].at && entry.at < refused[0].at + 980);
		expect(duringPause.length).toBeLessThanOrEqual(jobs.length - 1);
		expect(new Set(duringPause.map((entry) => entry.path)).size).toBe(duringPause.length);
	});

	test('under a sustained limit lower than the budget, no item fails, and clearly fewer requests are refused than without the slowdown', async () => {
		sim.tensorArt.rateLimitPerSecond = 5;
		// Twice what the provider allows.
		const REQUESTS_PER_SECOND = 10;
		const tamsJobs = () => {
			sim.tensorArt.jobs.nextScripts.push(...Array.from({ length: 10 }, () => ({ queueMs: 0, runMs: 3000 })));
			const ids = Array.from({ length: 10 }, (_, index) => String(930_000_000_000_000_000 + index * 1000 + Math.floor(Math.random() * 1000)));
			for (const id of ids) sim.tensorArt.addJob(id, sim.server.clock.now());
			return ids;
		};
		const refusedShare = (log: LoggedRequest[]) => log.filter((entry) => entry.status === 429).length / log.length;

		const ids = tamsJobs();
		const startedAt = Date.now();
		const { outputs, error } = await runWorkflow(
			singleNodeWorkflow('tensorArt', {
				resource: 'job',
				operation: 'waitForJob',
				jobId: '={{ $json.id }}',
				waitSettings: { pollInterval: 0.2, maxInterval: 0.5 },
				options: { requestsPerSecond: REQUESTS_PER_SECOND },
			}),
			{ credentials: sim.credentials, input: ids.map((id) => ({ id })) },
		);
		expect(error).toBeUndefined();
		expect(outputs.Job.map((item) => item.json.status)).toEqual(ids.map(() => 'succeeded'));
		const withSlowdown = refusedShare(sim.server.log);
		const runMs = Date.now() - startedAt;

		// The same jobs on the same simulator for as long, its window of recent requests emptied first, at the same pace without the slowdown.
		await new Promise((resolve) => setTimeout(resolve, 1100));
		sim.server.log.length = 0;
		await pollAtFixedPace(tamsJobs(), REQUESTS_PER_SECOND, runMs);
		const withoutSlowdown = refusedShare(sim.server.log);

		// Without it most are refused (refusals count towards the provider's limit too: 9 in 10 in a quiet run);
		// the node learns the pace after a refusal or two (1 in 11 then). A busy machine bunches arrivals for both alike.
		expect(withoutSlowdown).toBeGreaterThanOrEqual(0.3);
		expect(withSlowdown).toBeLessThanOrEqual(withoutSlowdown / 2);
	}, 40_000);

	test('a 429 slows the pace of every item for the rest of the run', async () => {
		// Jobs far from done and a 2.4 s Timeout: the window of checks is the same however long the run took
		// to start, so there are always two dozen checks or so after the refusal to measure the pace on.
		const jobs = aetherForgeJobs(10, { runMs: 60_000 });
		const REFUSED_CHECK = 10;
		let checks = 0;
		sim.server.injectFault({
			method: 'GET',
			times: REFUSED_CHECK,
			fault: () => (++checks === REFUSED_CHECK ? { kind: 'status', status: 429, body: { detail: 'Too Many Requests' }, headers: { 'retry-after': '0' } } : undefined),
		});
		const { error } = await waitForAetherForge(
			jobs,
			{ waitSettings: { pollInterval: 0.1, maxInterval: 0.1, timeout: 0.04 }, options: { requestsPerSecond: 20 } },
			'continueRegularOutput',
		).promise;
		expect(error).toBeUndefined();
		const times = sim.server.log.map((entry) => entry.at);
		const refusedAt = sim.server.log.findIndex((entry) => entry.status === 429);
		expect(refusedAt).toBe(REFUSED_CHECK - 1);
		// The budget spaces turns 50 ms apart; after the refusal, 75 ms (every item still wants more). A busy machine
		// may bunch arrivals but never brings a turn forward, so the mean over the span stays above the midpoint.
		const after = times.slice(refusedAt + 1);
		expect(after.length).toBeGreaterThanOrEqual(10);
		expect((after[after.length - 1] - times[refusedAt]) / after.length).toBeGreaterThanOrEqual(62.5);
	});
});

describe('the same for one item or a crowd', () => {
	const LONG_WAIT = { pollInterval: 0.1, maxInterval: 0.2, timeout: 0.02 };

	/** Each job checked no more often than 1.2 s at the 0.1 s floor allows, and the run over far before the jobs' minute. */
	const expectEndedAtDeadline = (jobs: Array<SimJob<unknown>>, wallMs: number) => {
		for (const job of jobs) expect(checksOf(job.id).length).toBeLessThanOrEqual(13);
		expect(wallMs).toBeLessThan(10_000);
	};

	test.each([1, 25])('the deadline ends the wait of %i item(s) on time, naming a job', async (count) => {
		const jobs = aetherForgeJobs(count, { runMs: 60_000 });
		const { error, wallMs } = await timed(waitForAetherForge(jobs, { waitSettings: LONG_WAIT, options: NO_BUDGET }).promise);
		expect(error?.message).toMatch(/^Job [0-9a-f-]{36} is still "Pending" after 1 s$/);
		expect(wallMs).toBeGreaterThanOrEqual(1150);
		expectEndedAtDeadline(jobs, wallMs);
	});

	test.each([1, 25])('with Continue On Fail, each of %i timed-out item(s) becomes its own error item', async (count) => {
		const jobs = aetherForgeJobs(count, { runMs: 60_000 });
		const { outputs, error, wallMs } = await timed(
			waitForAetherForge(jobs, { waitSettings: LONG_WAIT, options: NO_BUDGET }, 'continueRegularOutput').promise,
		);
		expect(error).toBeUndefined();
		expectEndedAtDeadline(jobs, wallMs);
		expect(outputs.Job.map((item) => [item.json.error, item.pairedItem])).toEqual(
			jobs.map((job, item) => [`Job ${job.id} is still "Pending" after 1 s`, { item }]),
		);
	});

	test('the deadline holds for a crowd queued behind the request budget: an item that gets no turn ends at its Timeout too', async () => {
		// At 5 requests per second, 25 first checks take 5 s: most items get no turn within their 1.2 s.
		const jobs = aetherForgeJobs(25, { runMs: 60_000 });
		const { outputs, error, wallMs } = await timed(
			waitForAetherForge(jobs, { waitSettings: LONG_WAIT, options: { requestsPerSecond: 5 } }, 'continueRegularOutput').promise,
		);
		expect(error).toBeUndefined();
		expect(wallMs).toBeGreaterThanOrEqual(1150);
		// No more requests than 1.2 s at 5 per second allow, and an end far from the jobs' minute. Only this run's checks
		// count: a check the previous test's deadline cut off may still reach the simulator after the reset.
		expect(jobs.flatMap((job) => checksOf(job.id)).length).toBeLessThanOrEqual(7);
		expect(wallMs).toBeLessThan(10_000);
		const errors = outputs.Job.map((item) => item.json.error as string);
		const checked = jobs.filter((job) => checksOf(job.id).length > 0);
		expect(checked.length).toBeGreaterThan(0);
		expect(checked.length).toBeLessThan(jobs.length);
		// A check sent at the end of its item's time is cut off at the deadline, whether it reached the simulator or not.
		const cutOff = (job: SimJob<unknown>) => `Job ${job.id} could not be checked within 1 s: AetherForge had not answered its status request when the Timeout came`;
		const noTurn = (job: SimJob<unknown>) => `Job ${job.id} could not be checked once within 1 s: the items of this run take turns at 5 requests per second`;
		for (const [index, job] of jobs.entries()) {
			const expected = checksOf(job.id).length > 0 ? [`Job ${job.id} is still "Pending" after 1 s`, cutOff(job)] : [noTurn(job), cutOff(job)];
			expect(expected).toContain(errors[index]);
			if (errors[index] === noTurn(job)) expect(outputs.Job[index].json.errorDescription).toMatch(/lower "Max Parallel Items"/);
		}
		expect(errors.filter((message) => message.endsWith('take turns at 5 requests per second')).length).toBeGreaterThan(jobs.length / 2);
	});

	test.each([1, 50])('canceling the execution ends the wait of %i item(s) at once, whether sleeping or queued for the budget', async (count) => {
		const jobs = aetherForgeJobs(count, { runMs: 60_000 });
		// The default budget (5 per second): most of 50 items are still queued for their first check.
		const running = waitForAetherForge(jobs, { waitSettings: { pollInterval: 30, maxInterval: 30, timeout: 10 } });
		// Only this run's checks count: a check the previous test's deadline cut off may reach the simulator after the reset.
		const ownChecks = () => jobs.flatMap((job) => checksOf(job.id));
		// Once a first check is answered, that item sleeps 30 s; the others wait for their turn.
		await until(() => ownChecks().some((entry) => entry.status === 200), 'a first check');
		const canceledAt = Date.now();
		running.cancel();
		const { run, finishedAt: endedAt } = await running.promise;
		// Far below the 30 s sleep, and the 10 s the queued items would take to get their turns.
		expect(Date.now() - canceledAt).toBeLessThan(5_000);
		expect(run.status).toBe('canceled');
		// At 5 per second, a queued item still running would ask within 0.2 s: none does once the run has ended.
		const logged = ownChecks().length;
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(ownChecks().filter((entry) => entry.at > endedAt)).toEqual([]);
		expect(ownChecks()).toHaveLength(logged);
	});

	test('with Continue On Fail, a crowd of missing and good jobs: each missing one is an error item, the rest finish', async () => {
		const jobs = aetherForgeJobs(30, { runMs: 300 });
		const ids = jobs.map((job, index) => (index % 3 === 1 ? crypto.randomUUID() : job.id));
		const workflow = singleNodeWorkflow('aetherForge', {
			operation: 'waitForJob',
			jobId: '={{ $json.id }}',
			waitSettings: { pollInterval: 0.1, maxInterval: 0.2 },
			options: NO_BUDGET,
		});
		workflow.nodes[0].onError = 'continueRegularOutput';
		const { outputs, error } = await runWorkflow(workflow, { credentials: sim.credentials, input: ids.map((id) => ({ id })) });
		expect(error).toBeUndefined();
		expect(outputs.Job.map((item) => item.json.status ?? item.json.error)).toEqual(
			ids.map((id, index) => (index % 3 === 1 ? `AetherForge could not get job ${id}: Job not found` : 'succeeded')),
		);
	});
});
