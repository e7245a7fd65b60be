// Bench row 5 (run by `npm run bench`): Tensor.Art jobs of 60 s waited for in a real n8n 2.x
// server, by callback against by polling (the node's default wait settings), side by side in
// one instance on one simulator, in real time. The jobs of a run queue behind each other (0, 3,
// 6 … s) as in TAMS's queue, then run 60 s each. Prints one line of JSON:
//   { callback_requests_per_job, callback_detection_delay_s, poll_requests_per_job, poll_detection_delay_s, … }
// Status requests are the GETs of each job at the simulator. The detection delay is how long
// after the run's last job ended the node saw it ended (the node outputs its items then).
//
//   node test/e2e/callback-bench.mjs <package.tgz>
import path from 'node:path';
import { createRequire } from 'node:module';
import { CREDENTIAL, workflow } from './callback-workflow.mjs';
import { ROOT, startSimulator } from './examples.mjs';
import { startN8nServer } from './n8n-server.mjs';

const JOBS = 5;
const QUEUE_STEP_MS = 3_000;
const SCRIPT = { queueMs: 0, runMs: 60_000, outcome: 'succeeded', outputCount: 1 };

async function main(tarball) {
	const sim = await startSimulator();
	const { finishedAt } = createRequire(import.meta.url)(path.join(ROOT, '.build', 'test', 'simulator', 'jobs.js'));
	sim.tensorArt.jobs.defaultScript = { ...SCRIPT };
	const cases = { callback: workflow('benchCallback1'), poll: workflow('benchPoll1', { waitMode: 'poll', pollInterval: null, timeoutMinutes: 20 }) };
	const server = await startN8nServer({
		tarball,
		credentials: [{ ...CREDENTIAL, type: 'tensorArtApi', data: sim.credentials.tensorArtApi }],
		workflows: Object.values(cases),
	});
	try {
		const figures = {};
		const jobsOf = {};
		for (const [mode, { id }] of Object.entries(cases)) {
			const before = new Set(sim.tensorArt.jobs.jobs.keys());
			sim.tensorArt.jobs.nextScripts.push(...Array.from({ length: JOBS }, (_, n) => ({ ...SCRIPT, queueMs: n * QUEUE_STEP_MS })));
			await server.trigger(id, Array.from({ length: JOBS }, (_, n) => `prompt ${n}`));
			while (sim.tensorArt.jobs.jobs.size < before.size + JOBS) await new Promise((r) => setTimeout(r, 100));
			jobsOf[mode] = [...sim.tensorArt.jobs.jobs.values()].filter((job) => !before.has(job.id));
		}
		for (const [mode, { id }] of Object.entries(cases)) {
			const execution = await server.until(id, 'success', 300_000);
			const items = execution.data.resultData.runData.After[0].data.main[0];
			if (items.filter((item) => item.json.status === 'succeeded').length !== JOBS) throw new Error(`${mode}: not every job succeeded`);
			const jobs = jobsOf[mode];
			const gets = (job) => sim.server.log.filter((entry) => entry.method === 'GET' && entry.path === `/v1/jobs/${job.id}`);
			const seenAt = jobs.map((job) => {
				const seen = gets(job).find((entry) => entry.status === 200 && entry.simAt >= finishedAt(job));
				if (!seen) throw new Error(`${mode}: job ${job.id} was never seen ended`);
				return seen.simAt;
			});
			figures[`${mode}_requests_per_job`] = round(jobs.reduce((sum, job) => sum + gets(job).length, 0) / JOBS);
			figures[`${mode}_detection_delay_s`] = round((Math.max(...seenAt) - Math.max(...jobs.map(finishedAt))) / 1000);
		}
		const callbacks = sim.tensorArt.callbacks.filter((call) => jobsOf.callback.some((job) => job.id === call.jobId));
		console.log(JSON.stringify({ ...figures, callbacks_per_job: round(callbacks.length / JOBS), jobs: JOBS, job_seconds: SCRIPT.runMs / 1000 }));
	} finally {
		await server.stop();
		await sim.stop();
	}
}

const round = (value) => Math.round(value * 100) / 100;

main(process.argv[2]).then(
	() => process.exit(0),
	(error) => {
		console.error(error?.stack ?? String(error));
		process.exit(1);
	},
);
