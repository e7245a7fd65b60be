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
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import {
	createUserFolder,
	engine,
	freePort,
	importCredentials,
	importWorkflows,
	installTarball,
	n8nCommand,
	n8nEnv,
	readSavedExecution,
} from './n8n-runner.mjs';
import { PACKAGE_NAME, startSimulator } from './examples.mjs';

const tarball = process.env.N8N_E2E_TARBALL;
const versions = (process.env.N8N_E2E_VERSIONS ?? '2,1').split(',').map((v) => v.trim()).filter(Boolean);
const noTarball = tarball ? false : 'N8N_E2E_TARBALL is not set (run test/e2e/run.sh)';

const CREDENTIAL = { id: 'tamsCallback', name: 'Tensor.Art (simulator)' };
const PARAMS = {
	'5': { classType: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
	'9': { classType: 'SaveImage', inputs: { images: ['5', 0] } },
};
/** Jobs of 6 s (2 s queued, 4 s running): long enough to see the execution wait. */
const SCRIPT = { queueMs: 2000, runMs: 4000, outcome: 'succeeded', outputCount: 1 };

/**
 * Webhook trigger (items from the body's `prompts`) → Split Out → Tensor.Art Create Job →
 * After (No Operation), so the resumed items are seen flowing on, paired with their inputs.
 */
function workflow(id, { waitMode = 'callback', timeoutMinutes = 5 } = {}) {
	const node = (name, type, typeVersion, parameters, x, extra = {}) => ({ id: `${id}-${name}`, name, type, typeVersion, position: [x, 0], parameters, ...extra });
	return {
		id,
		name: `callback ${id}`,
		active: false,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveManualExecutions: true },
		nodes: [
			node('Start', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path: id, responseMode: 'onReceived', options: {} }, 0, { webhookId: `${id}-hook` }),
			node('Split', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.prompts', options: {} }, 200),
			node(
				'Create',
				`${PACKAGE_NAME}.tensorArt`,
				1,
				{
					resource: 'job',
					operation: 'createJob',
					params: JSON.stringify(PARAMS),
					waitForCompletion: true,
					waitMode,
					waitSettings: { timeout: timeoutMinutes, pollInterval: 1 },
					options: {},
				},
				400,
				{ credentials: { tensorArtApi: CREDENTIAL } },
			),
			node('After', 'n8n-nodes-base.noOp', 1, {}, 600),
		],
		connections: {
			Start: { main: [[{ node: 'Split', type: 'main', index: 0 }]] },
			Split: { main: [[{ node: 'Create', type: 'main', index: 0 }]] },
			Create: { main: [[{ node: 'After', type: 'main', index: 0 }]] },
		},
	};
}

const CASES = {
	callback: workflow('cbBasic1'),
	poll: workflow('cbPoll1', { waitMode: 'poll' }),
	faults: workflow('cbFaults1'),
	forged: workflow('cbForged1'),
	fallback: workflow('cbFallback1', { timeoutMinutes: 0.15 }),
};

/** n8n serving webhooks on a free loopback port, with the cases imported and activated. */
async function startServer(version, sim) {
	const eng = engine(version);
	const userFolder = await createUserFolder();
	const port = await freePort();
	const env = n8nEnv(eng, userFolder, {
		brokerPort: await freePort(),
		extra: {
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			WEBHOOK_URL: `http://127.0.0.1:${port}/`,
			N8N_LOG_FORMAT: 'text',
			// 1.x has no such module and refuses to start with it.
			...(version === '2' ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
		},
	});
	await installTarball(userFolder, tarball);
	await importCredentials(eng, userFolder, [{ ...CREDENTIAL, type: 'tensorArtApi', data: sim.credentials.tensorArtApi }], env);
	const workflows = Object.values(CASES);
	await importWorkflows(eng, userFolder, workflows, env);
	for (const { id } of workflows) {
		const args = version === '2' ? ['publish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=true'];
		const res = await n8nCommand(eng, args, { userFolder, env });
		assert.equal(res.code, 0, `activating ${id} failed:\n${res.stdout}${res.stderr}`);
	}
	let output = '';
	const child = spawn(eng.node, [eng.bin, 'start'], { cwd: userFolder, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	for (const s of [child.stdout, child.stderr]) s.setEncoding('utf8').on('data', (d) => (output = (output + d).slice(-100_000)));
	const kill = () => {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {}
	};
	process.on('exit', kill);
	const url = `http://127.0.0.1:${port}`;
	const stop = async () => {
		process.off('exit', kill);
		kill();
		await rm(userFolder, { recursive: true, force: true }).catch(() => {});
	};
	const deadline = Date.now() + 180_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`n8n exited (${child.exitCode}):\n${output.slice(-3000)}`);
		const res = await fetch(`${url}/healthz/readiness`).catch(() => null);
		// The production webhooks are registered once the active workflows are loaded.
		if (res?.ok && /Editor is now accessible|n8n ready/i.test(output)) break;
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n did not start within 180 s:\n${output.slice(-3000)}`);
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	return {
		url,
		output: () => output,
		stop,
		/** Starts a case's workflow with one item per prompt. */
		async trigger(id, prompts) {
			// n8n registers the active workflows' webhooks a moment after its editor answers.
			for (let tries = 0; ; tries++) {
				const res = await fetch(`${url}/webhook/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompts }) });
				if (res.status === 404 && tries < 60) {
					await new Promise((r) => setTimeout(r, 500));
					continue;
				}
				assert.equal(res.status, 200, `starting ${id}: ${res.status} ${await res.text()}\n${output.slice(-2000)}`);
				return;
			}
		},
		/** The newest execution of a case, as n8n saved it. */
		execution: async (id) => await readSavedExecution(eng, userFolder, id),
		/** Waits until the newest execution of a case has the status. */
		async until(id, status, timeoutMs) {
			const end = Date.now() + timeoutMs;
			for (;;) {
				const execution = await readSavedExecution(eng, userFolder, id);
				if (execution?.status === status) return execution;
				if (Date.now() > end) throw new Error(`${id}: execution is ${execution?.status ?? 'missing'}, not ${status}, after ${timeoutMs / 1000} s:\n${output.slice(-3000)}`);
				await new Promise((r) => setTimeout(r, 300));
			}
		},
	};
}

const itemsOf = (execution, node) => execution.data.resultData.runData[node]?.at(-1)?.data?.main?.[0] ?? [];
const jobsOf = (sim, ids) => [...sim.tensorArt.jobs.jobs.values()].filter((job) => ids.includes(job.id));
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
		const server = await startServer(version, sim);
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
			const jobs = await createJobs('cbBasic1', [{}, {}, {}]);
			const waiting = await server.until('cbBasic1', 'waiting', 5000);
			assert.equal(itemsOf(waiting, 'After').length, 0, 'nothing ran after the parked node');
			const done = await server.until('cbBasic1', 'success', 30_000);
			const items = itemsOf(done, 'After');
			assert.deepEqual(items.map((item) => item.json.jobId), jobs.map((job) => job.id));
			assert.deepEqual(items.map((item) => item.pairedItem), [{ item: 0 }, { item: 1 }, { item: 2 }]);
			for (const item of items) assert.equal(item.json.status, 'succeeded');

			// Requests: a create and one look-up per job, plus one look-up per callback received.
			const received = sim.tensorArt.callbacks.filter((call) => jobs.some((job) => job.id === call.jobId) && call.answer === 200).length;
			assert.ok(tamsRequests(sim, jobs).length <= 2 * jobs.length + received, `${tamsRequests(sim, jobs).length} requests for ${jobs.length} jobs and ${received} callbacks`);
			// The last job is looked up within a second of its final callback.
			const last = jobs.at(-1);
			const finalCall = sim.tensorArt.callbacks.filter((call) => call.jobId === last.id).at(-1);
			const lookup = sim.server.log.find((entry) => entry.method === 'GET' && entry.path === `/v1/jobs/${last.id}` && entry.at >= finalCall.at);
			assert.ok(lookup && lookup.at - finalCall.at < 1000, `looked up ${lookup ? lookup.at - finalCall.at : 'never'} ms after the callback`);

			// The same jobs waited for by polling give items of the same shape.
			await createJobs('cbPoll1', [{}, {}, {}]);
			const polled = itemsOf(await server.until('cbPoll1', 'success', 30_000), 'After');
			const shape = (item) => Object.keys(item.json).sort().join(',') + '|' + item.json.outputs.map((o) => Object.keys(o).sort().join(',')).join(';');
			assert.deepEqual(items.map(shape), polled.map(shape));
		}));

		cases.push(t.test('late, duplicate and early callbacks: the result comes once, at the end', async () => {
			const jobs = await createJobs('cbFaults1', [{ callback: 'late', lateCallbackMs: 1500 }, { callback: 'twice' }]);
			const done = await server.until('cbFaults1', 'success', 30_000);
			assert.deepEqual(itemsOf(done, 'After').map((item) => [item.json.jobId, item.json.status]), jobs.map((job) => [job.id, 'succeeded']));
			// The late callback of job 1 resumed it; the second of the duplicates came too early or too late to matter.
			const calls = sim.tensorArt.callbacks.filter((call) => jobs.some((job) => job.id === call.jobId));
			assert.ok(calls.every((call) => typeof call.answer === 'number'), JSON.stringify(calls));
			assert.equal(done.data.resultData.runData.After.length, 1, 'the execution resumed once');
		}));

		cases.push(t.test('forged callbacks: a wrong token is refused, a body claiming success is not believed', async () => {
			const [job] = await createJobs('cbForged1', [{ callback: 'never' }]);
			await server.until('cbForged1', 'waiting', 5000);
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
			await new Promise((r) => setTimeout(r, SCRIPT.queueMs + SCRIPT.runMs));
			assert.equal((await fetch(notifyUrl, { method: 'POST', body: '{}' })).status, 200);
			const done = await server.until('cbForged1', 'success', 10_000);
			assert.equal(itemsOf(done, 'After')[0].json.status, 'succeeded');
		}));

		cases.push(t.test('no callback before the limit (one came before n8n saved the wait, one never came): every job is output with done = false', async () => {
			const jobs = await createJobs('cbFallback1', [{ callback: 'early', queueMs: 0, runMs: 100 }, { callback: 'never' }]);
			// n8n answered the early callback 409: the execution was still running.
			const early = sim.tensorArt.callbacks.find((call) => call.jobId === jobs[0].id);
			assert.equal(early?.answer, 409, JSON.stringify(early));
			await server.until('cbFallback1', 'waiting', 5000);
			// Limit 9 s; n8n resumes waits it finds due when it checks, every 60 s.
			const done = await server.until('cbFallback1', 'success', 90_000);
			const items = itemsOf(done, 'After');
			assert.deepEqual(items.map((item) => item.json.jobId), jobs.map((job) => job.id));
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
