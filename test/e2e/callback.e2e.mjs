// Tensor.Art's callback wait in a real n8n server (`n8n start`, single process): the packed
// package installed as a community package, workflows started by their production Webhook
// trigger, TAMS played by the simulator in this process, which calls each job's
// runningNotifyUrl (n8n's resume URL for the node) as the job changes status.
//
//   N8N_E2E_TARBALL=pkg.tgz N8N_E2E_VERSIONS=2 node --test test/e2e/callback.e2e.mjs
//
// One n8n instance per version runs every case side by side (each case is its own workflow,
// started on its own webhook path), so the cases together take about as long as the longest:
// the fallback, which n8n resumes at its first check of waiting executions after the limit
// (n8n checks every 60 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { startN8nServer } from './n8n-server.mjs';
import { CREDENTIAL, workflow } from './callback-workflow.mjs';
import { ROOT, startSimulator } from './examples.mjs';
import { assertOutputsMatchSchema } from './itemSchema.mjs';

/** When a simulated job ends, on the simulator's clock (the simulator is compiled by startSimulator). */
const finishedAt = (job) => createRequire(import.meta.url)(path.join(ROOT, '.build', 'test', 'simulator', 'jobs.js')).finishedAt(job);
const tarball = process.env.N8N_E2E_TARBALL;
const versions = (process.env.N8N_E2E_VERSIONS ?? '2,1').split(',').map((v) => v.trim()).filter(Boolean);
const noTarball = tarball ? false : 'N8N_E2E_TARBALL is not set (run test/e2e/run.sh)';

/** Jobs of 6 s (2 s queued, 4 s running): long enough to see the execution wait. */
const SCRIPT = { queueMs: 2000, runMs: 4000, outcome: 'succeeded', outputCount: 1 };

const CASES = {
	callback: workflow('cbBasic1'),
	poll: workflow('cbPoll1', { waitMode: 'poll' }),
	faults: workflow('cbFaults1'),
	forged: workflow('cbForged1'),
	fallback: workflow('cbFallback1', { timeoutMinutes: 0.15 }),
};

/** Every item of our nodes in an execution n8n ran meets its schema (nodes/shared/JobItem.ts). */
function checkedItems(id, execution) {
	const workflow = Object.values(CASES).find((w) => w.id === id);
	const runData = execution?.data?.resultData?.runData;
	if (workflow && runData) assertOutputsMatchSchema(id, workflow, (name) => runData[name]?.map((run) => run.data?.main ?? []));
	return execution;
}
const itemsOf = (execution, node) => execution.data.resultData.runData[node]?.at(-1)?.data?.main?.[0] ?? [];
/** TAMS requests about these jobs: their creates (by request id) and their look-ups. */
function tamsRequests(sim, jobs) {
	const requestIds = new Set(jobs.map((job) => job.extra.requestId));
	const ids = new Set(jobs.map((job) => job.id));
	return sim.server.log.filter(
		(entry) =>
			entry.prefix === '/tams' &&
			((entry.method === 'POST' && requestIds.has(JSON.parse(entry.body || '{}').requestId)) || ids.has(entry.path.split('/').pop())),
	);
}

for (const version of versions) {
	test(`n8n ${version}.x: Tensor.Art waits by callback`, { skip: noTarball, timeout: 420_000, concurrency: true }, async (t) => {
		const sim = await startSimulator();
		t.after(async () => await sim.stop());
		sim.tensorArt.jobs.defaultScript = { ...SCRIPT };
		const server = await startN8nServer({ version, tarball, credentials: [{ ...CREDENTIAL, type: 'tensorArtApi', data: sim.credentials.tensorArtApi }], workflows: Object.values(CASES) });
		t.after(async () => await server.stop());
		// Jobs are scripted in the order they are created, so the cases create their jobs one at a time.
		let creating = Promise.resolve();
		const createJobs = (id, scripts) => {
			const turn = creating.then(() => createJobsNow(id, scripts));
			creating = turn.catch(() => {});
			return turn;
		};
		const createJobsNow = async (id, scripts) => {
			const before = new Set(sim.tensorArt.jobs.jobs.keys());
			sim.tensorArt.jobs.nextScripts.push(...scripts.map((script) => ({ ...SCRIPT, ...script })));
			await server.trigger(id, scripts.map((_, index) => `prompt ${index}`));
			const end = Date.now() + 60_000;
			while (sim.tensorArt.jobs.jobs.size < before.size + scripts.length) {
				if (Date.now() > end) throw new Error(`${id}: the jobs were not created:\n${server.output().slice(-3000)}`);
				await new Promise((r) => setTimeout(r, 100));
			}
			return [...sim.tensorArt.jobs.jobs.values()].filter((job) => !before.has(job.id));
		};

		const cases = [];
		cases.push(t.test('three jobs: the execution waits while they run, the last callback resumes it with every job, paired, as Poll outputs them', async () => {
			// Queued behind each other, as in TAMS's queue: each job ends 1.5 s after the one before.
			const jobs = await createJobs('cbBasic1', [{}, { queueMs: 3500 }, { queueMs: 5000 }]);
			const waiting = checkedItems('cbBasic1', await server.until('cbBasic1', 'waiting', 5000));
			assert.equal(itemsOf(waiting, 'After').length, 0, 'nothing ran after the parked node');
			const done = checkedItems('cbBasic1', await server.until('cbBasic1', 'success', 30_000));
			const items = itemsOf(done, 'After');
			// Every job once (TAMS numbers them in the order the parallel creates arrive), in input order.
			assert.deepEqual(items.map((item) => item.json.jobId).sort(), jobs.map((job) => job.id).sort());
			assert.deepEqual(items.map((item) => item.pairedItem), [{ item: 0 }, { item: 1 }, { item: 2 }]);
			assert.deepEqual(items.map((item) => item.json.jobId), itemsOf(waiting, 'Create').map((item) => item.json.jobId), 'each item keeps its job');
			for (const item of items) assert.equal(item.json.status, 'succeeded');

			// Requests: a create and one look-up per job, plus one look-up per callback received.
			const received = sim.tensorArt.callbacks.filter((call) => jobs.some((job) => job.id === call.jobId) && call.answer === 200).length;
			assert.ok(tamsRequests(sim, jobs).length <= 2 * jobs.length + received, `${tamsRequests(sim, jobs).length} requests for ${jobs.length} jobs and ${received} callbacks`);
			// The last job to end is seen ended within a second of its final callback, and the execution resumes.
			const last = jobs.at(-1);
			const finalCall = sim.tensorArt.callbacks.filter((call) => call.jobId === last.id).at(-1);
			const seen = sim.server.log.find((entry) => entry.method === 'GET' && entry.path === `/v1/jobs/${last.id}` && entry.simAt >= finishedAt(last));
			const timeline = () =>
				JSON.stringify({
					calls: sim.tensorArt.callbacks.filter((call) => jobs.some((job) => job.id === call.jobId)).map((call) => [call.jobId.slice(-3), call.at, call.answer, call.answeredAt]),
					gets: sim.server.log.filter((entry) => entry.method === 'GET' && jobs.some((job) => entry.path.endsWith(job.id))).map((entry) => [entry.path.slice(-3), entry.at]),
				});
			assert.ok(seen && seen.at - finalCall.at < 1000, `the last job was seen ${seen ? seen.at - finalCall.at : 'never'} ms after its callback: ${timeline()}`);

			// The same jobs waited for by polling give items of the same shape.
			await createJobs('cbPoll1', [{}, {}, {}]);
			const polled = itemsOf(checkedItems('cbPoll1', await server.until('cbPoll1', 'success', 30_000)), 'After');
			const shape = (item) => Object.keys(item.json).sort().join(',') + '|' + item.json.outputs.map((o) => Object.keys(o).sort().join(',')).join(';');
			assert.deepEqual(items.map(shape), polled.map(shape));
		}));

		cases.push(t.test('late, duplicate and early callbacks: the result comes once, at the end', async () => {
			const jobs = await createJobs('cbFaults1', [{ callback: 'late', lateCallbackMs: 1500 }, { callback: 'twice' }]);
			const done = checkedItems('cbFaults1', await server.until('cbFaults1', 'success', 30_000));
			assert.deepEqual(itemsOf(done, 'After').map((item) => [item.json.jobId, item.json.status]).sort(), jobs.map((job) => [job.id, 'succeeded']).sort());
			// The late callback of job 1 resumed it; the second of the duplicates came too early or too late to matter.
			const calls = sim.tensorArt.callbacks.filter((call) => jobs.some((job) => job.id === call.jobId));
			assert.ok(calls.every((call) => typeof call.answer === 'number'), JSON.stringify(calls));
			assert.equal(done.data.resultData.runData.After.length, 1, 'the execution resumed once');
		}));

		cases.push(t.test('forged callbacks: a wrong token is refused, a body claiming success is not believed', async () => {
			// A job of 30 s, so the forged calls all come while it runs.
			const [job] = await createJobs('cbForged1', [{ callback: 'never', queueMs: 10_000, runMs: 20_000 }]);
			checkedItems('cbForged1', await server.until('cbForged1', 'waiting', 5000));
			const notifyUrl = new URL(job.extra.runningNotifyUrl);
			const forged = new URL(notifyUrl);
			forged.searchParams.set('token', '0'.repeat(64));
			const claim = JSON.stringify({ job: { id: job.id, status: 'SUCCESS' } });
			const refused = await fetch(forged, { method: 'POST', headers: { 'content-type': 'application/json' }, body: claim });
			assert.equal(refused.status, 403, 'a wrong token is refused');
			const noToken = new URL(notifyUrl);
			noToken.searchParams.delete('token');
			assert.equal((await fetch(noToken, { method: 'POST', body: claim })).status, 403, 'no token is refused');
			// The right URL while the job still runs: answered, and the execution keeps waiting.
			const lookupsBefore = tamsRequests(sim, [job]).length;
			const early = await fetch(notifyUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: claim });
			assert.equal(early.status, 200);
			assert.equal(tamsRequests(sim, [job]).length, lookupsBefore + 1, 'one look-up for the callback');
			assert.equal((await server.execution('cbForged1')).status, 'waiting');
			// After the job ends, the same URL resumes it.
			await new Promise((r) => setTimeout(r, Math.max(0, finishedAt(job) - sim.server.clock.now()) + 100));
			assert.equal((await fetch(notifyUrl, { method: 'POST', body: '{}' })).status, 200);
			const done = checkedItems('cbForged1', await server.until('cbForged1', 'success', 10_000));
			assert.equal(itemsOf(done, 'After')[0].json.status, 'succeeded');
		}));

		cases.push(t.test('no callback before the limit (one came before n8n saved the wait, one never came): every job is output with done = false', async () => {
			const jobs = await createJobs('cbFallback1', [{ callback: 'early', queueMs: 0, runMs: 100 }, { callback: 'never' }]);
			// n8n answered the early callback 409: the execution was still running.
			const early = sim.tensorArt.callbacks.find((call) => call.jobId === jobs[0].id);
			assert.equal(early?.answer, 409, JSON.stringify(early));
			checkedItems('cbFallback1', await server.until('cbFallback1', 'waiting', 5000));
			// Limit 9 s; n8n resumes waits it finds due when it checks, every 60 s.
			const done = checkedItems('cbFallback1', await server.until('cbFallback1', 'success', 90_000));
			const items = itemsOf(done, 'After');
			assert.deepEqual(items.map((item) => item.json.jobId).sort(), jobs.map((job) => job.id).sort());
			for (const item of items) {
				assert.equal(item.json.done, false);
				assert.ok(item.json.nextCheckInSeconds >= 1);
			}
			assert.deepEqual(items.map((item) => item.pairedItem), [{ item: 0 }, { item: 1 }]);
			assert.equal(tamsRequests(sim, jobs).length, 2, 'the creates only');
		}));
		await Promise.all(cases);
	});
}
