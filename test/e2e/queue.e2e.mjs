// The package in n8n 2.x queue mode: a main process and two workers on a private Redis and
// PostgreSQL (queue-cluster.mjs), binary data in the database, the provider simulator.
//
//   bash test/e2e/run.sh                      # with everything else
//   N8N_E2E_QUEUE=1 bash test/e2e/run.sh      # only this file (0: everything but this file)
//
// What it shows, in this order (a parked execution of 4 resumes while 2 and 3 run):
//   1. the four examples give in queue mode what they give in one process, binary outputs included;
//   6. Tensor.Art's callback wait: a worker creates the jobs and parks the execution in the
//      database; main receives the callbacks and a worker runs the rest, with Poll's items;
//   4. a Pixxel job of "hours" parked in the database by n8n's Wait node survives a restart of
//      main and both workers, and ends with one job and its results;
//   5. the Pixxel trigger's memory of seen jobs (n8n's static data) survives that restart;
//   2. 1,000 Tensor.Art jobs from ten executions of 100 items on two workers: one job per item,
//      each item with its own; wall time against the same load in one process;
//   4. (end) the parked execution has resumed and finished;
//   3. a worker killed while its items wait: n8n marks the execution failed and keeps none of its
//      progress (the editor's Retry runs it from the start); with the item's own key as Tensor.Art
//      Request ID, sending the same items again gets the same jobs, none made twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { engine, freePort, logText } from './n8n-runner.mjs';
import { CREDENTIAL as CALLBACK_CREDENTIAL, workflow as callbackWorkflow } from './callback-workflow.mjs';
import { startQueueEditor } from './n8n-editor.mjs';
import { ROOT, exampleCredentials, loadExamples, pointedAtSimulator, startSimulator } from './examples.mjs';
import { BROWSER_ID, signIn, startQueueN8n, startServices } from './queue-cluster.mjs';

const tarball = process.env.N8N_E2E_TARBALL;
const versions = (process.env.N8N_E2E_VERSIONS ?? '2,1').split(',').map((v) => v.trim());
const skip = !tarball
	? 'N8N_E2E_TARBALL is not set (run test/e2e/run.sh)'
	: process.env.N8N_E2E_QUEUE === '0'
		? 'N8N_E2E_QUEUE=0'
		: !versions.includes('2')
			? 'queue mode is tested on n8n 2.x (N8N_E2E_VERSIONS has no 2)'
			: (() => {
					try {
						engine('2');
						return false;
					} catch (e) {
						return e.message;
					}
				})();

// Stalled jobs are noticed within seconds instead of n8n's ~100 s (lock 60 s + check every 30 s).
const STALL_SETTINGS = { QUEUE_WORKER_LOCK_DURATION: '10000', QUEUE_WORKER_LOCK_RENEW_TIME: '2500', QUEUE_WORKER_STALLED_INTERVAL: '5000' };
const LOAD = { executions: 10, items: 100 };
const KILLED_ITEMS = 20;

const examples = loadExamples();
const byFile = Object.fromEntries(examples.map((e) => [e.file.replace(/\.json$/, ''), e.workflow]));
const PIXXEL_WORKFLOW_ID = byFile['pixxel-long-job'].nodes.find((n) => n.name === 'Run NDVI workflow').parameters.workflow.value;
const tensorArtCreate = byFile['tensorart-scheduled-generation'].nodes.find((n) => n.name === 'Generate image');

/**
 * A copy of an example whose trigger (Manual or Schedule) is a Webhook node of the same name,
 * id and position, so a running instance starts it on a POST; everything else is identical.
 */
function webhookCopy(workflow, id) {
	const copy = structuredClone(workflow);
	const index = copy.nodes.findIndex((n) => ['n8n-nodes-base.manualTrigger', 'n8n-nodes-base.scheduleTrigger'].includes(n.type));
	const trigger = copy.nodes[index];
	copy.nodes[index] = { id: trigger.id, name: trigger.name, type: 'n8n-nodes-base.webhook', typeVersion: 2, position: trigger.position, webhookId: id, parameters: { httpMethod: 'POST', path: id, responseMode: 'onReceived', options: {} } };
	return { ...copy, id, name: `${workflow.name} (webhook)` };
}

const node = (name, type, parameters, position, extra = {}) => ({ id: name, name, type, typeVersion: 1, position, parameters, ...extra });
const chain = (...names) => Object.fromEntries(names.slice(0, -1).map((n, i) => [n, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));

/** Webhook → Split Out (the POSTed `items`) → `steps`, one after another. */
function itemsWorkflow(id, steps) {
	const nodes = [
		{ ...node('Webhook', 'n8n-nodes-base.webhook', { httpMethod: 'POST', path: id, responseMode: 'onReceived', options: {} }, [0, 0]), typeVersion: 2, webhookId: id },
		node('Items', 'n8n-nodes-base.splitOut', { fieldToSplitOut: 'body.items', include: 'noOtherFields', options: {} }, [220, 0]),
		...steps.map((s, i) => ({ ...s, position: [440 + 220 * i, 0] })),
	];
	return { id, name: id, nodes, connections: chain(...nodes.map((n) => n.name)), settings: { executionOrder: 'v1' } };
}

/** Tensor.Art Create Job with the example's params, the item's `ref` as the prompt (so each job names its item). */
function tensorArtCreateNode(name, { wait, options = {} }) {
	const params = JSON.parse(tensorArtCreate.parameters.params);
	params['6'].inputs.text = '__REF__';
	// The params as JSON text with one expression in it (compact JSON has no "{{").
	const expression = `=${JSON.stringify(params).replace('__REF__', '{{ $json.ref }}')}`;
	return node(name, 'n8n-nodes-async-jobs.tensorArt', { resource: 'job', operation: 'createJob', params: expression, waitForCompletion: wait, waitSettings: { pollInterval: 1, timeout: 10 }, options: { requestsPerSecond: 20, ...options } }, [0, 0], { credentials: tensorArtCreate.credentials });
}

const LOAD_WF = itemsWorkflow('qLoad', [tensorArtCreateNode('Generate', { wait: true })]);
const KILL_WF = itemsWorkflow('qKill', [
	tensorArtCreateNode('Create', { wait: false }),
	node('Wait for job', 'n8n-nodes-async-jobs.tensorArt', { resource: 'job', operation: 'waitForJob', jobId: '={{ $json.jobId }}', waitSettings: { pollInterval: 1, timeout: 5 } }, [0, 0], { credentials: tensorArtCreate.credentials }),
]);
// The item's own key as Request ID: running the same items again gets their jobs back.
const KILL_KEYED_WF = itemsWorkflow('qKillKeyed', [tensorArtCreateNode('Generate', { wait: true, options: { requestId: '={{ $json.ref }}' } })]);
const TRIGGER_WF = {
	id: 'qPixxelTrigger',
	name: 'qPixxelTrigger',
	nodes: [
		// Polls only when activated (and hourly): each start of main is one poll.
		node('Pixxel job finished', 'n8n-nodes-async-jobs.pixxelTrigger', { pollTimes: { item: [{ mode: 'everyHour' }] }, projectId: byFile['pixxel-long-job'].nodes[1].parameters.projectId, workflow: { __rl: true, mode: 'id', value: PIXXEL_WORKFLOW_ID } }, [0, 0], { credentials: byFile['pixxel-long-job'].nodes[1].credentials }),
	],
	connections: {},
	settings: { executionOrder: 'v1' },
};
const CALLBACK_WF = callbackWorkflow('qCallback1');
const CALLBACK_POLL_WF = callbackWorkflow('qCallbackPoll1', { waitMode: 'poll' });
/** When a simulated job ends, on the simulator's clock (the simulator is compiled by startSimulator). */
const finishedAt = (job) => createRequire(import.meta.url)(path.join(ROOT, '.build', 'test', 'simulator', 'jobs.js')).finishedAt(job);
const EXAMPLE_COPIES = examples.map((e) => webhookCopy(e.workflow, `q${e.workflow.id.slice(2, 20)}`));
// The Pixxel example of a job of hours (the LLM batch example has a Wait loop too).
const LONG_JOB = EXAMPLE_COPIES[examples.findIndex((e) => e.file === 'pixxel-long-job.json')];

/**
 * The nodes of a Wait-node loop (the Wait node and every node on a path from it back to itself):
 * how often they run, and what their last-but-final runs hold, depends on when the job is checked.
 */
function waitLoopNodes(workflow) {
	const next = (name) => (workflow.connections[name]?.main ?? []).flat().map((c) => c.node);
	const reaches = (from, to, seen = new Set()) => next(from).some((n) => n === to || (!seen.has(n) && (seen.add(n), reaches(n, to, seen))));
	const waits = workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.wait').map((n) => n.name);
	return new Set(workflow.nodes.map((n) => n.name).filter((name) => waits.some((wait) => name === wait || (reaches(wait, name) && reaches(name, wait)))));
}

/** What an execution gives, without ids and times: per node outside a Wait loop, its last run's items per output. */
function resultShape(e, trigger, workflow) {
	const shape = {};
	const loop = waitLoopNodes(workflow);
	for (const [name, runs] of Object.entries(e.nodes)) {
		if (name === trigger || loop.has(name)) continue;
		shape[name] = runs.at(-1).outputs.map((items) =>
			items.map(({ json, binary }) => ({
				// A job not done yet may be queued or running, depending on timing.
				...('provider' in json && Array.isArray(json.outputs) ? { provider: json.provider, status: json.done ? json.status : 'not done', done: json.done, outputs: json.outputs.map((o) => o.kind), error: json.error?.message ?? null } : { keys: Object.keys(json).sort() }),
				binary: Object.fromEntries(Object.entries(binary ?? {}).map(([k, b]) => [k, `${b.mimeType} .${b.fileExtension}`])),
			})),
		);
	}
	return shape;
}

const seconds = (ms) => (ms / 1000).toFixed(1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, check, { timeoutMs = 120_000, everyMs = 250 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await sleep(everyMs);
	}
}

/** Starts `count` executions of a webhook workflow together; resolves with them once all ended, and the wall time. */
async function runLoad(n8n, workflow, count, body) {
	const t0 = Date.now();
	await Promise.all(Array.from({ length: count }, (_, i) => n8n.webhook(workflow.nodes[0].parameters.path, body(i))));
	const list = await n8n.waitForExecutions(workflow.id, { count, timeoutMs: 600_000 });
	return { list, wallMs: Date.now() - t0 };
}

const loadBody = (i) => ({ items: Array.from({ length: LOAD.items }, (_, k) => ({ ref: `e${i}-item${k}` })) });

/** Every item of a load execution: its own job, succeeded, whose prompt is the item's ref. */
async function checkLoad(n8n, sim, list) {
	const refs = new Set();
	const jobIds = new Set();
	for (const { id } of list) {
		const e = await n8n.execution(id);
		assert.equal(e.status, 'success', `execution ${id}: ${JSON.stringify(e.error)}`);
		const inputs = e.nodes.Items[0].outputs[0];
		const outputs = e.nodes.Generate[0].outputs[0];
		assert.equal(outputs.length, LOAD.items, `execution ${id}: one output per item`);
		for (const out of outputs) {
			const ref = inputs[out.pairedItem.item].json.ref;
			assert.equal(out.json.status, 'succeeded', `${ref}: ${JSON.stringify(out.json.error)}`);
			const job = sim.tensorArt.jobs.jobs.get(out.json.jobId);
			assert.ok(job, `${ref}: job ${out.json.jobId} exists at the simulator`);
			assert.equal(job.extra.params['6'].inputs.text, ref, `${ref}: its output names the job made for it`);
			refs.add(ref);
			jobIds.add(out.json.jobId);
		}
	}
	const total = LOAD.executions * LOAD.items;
	assert.equal(refs.size, total, 'every item of every execution came out');
	assert.equal(jobIds.size, total, 'each item its own job');
	assert.equal(sim.tensorArt.jobs.jobs.size, total, 'the simulator holds exactly one job per item');
}

/** The most requests the simulator got in any one second. */
function peakRequestsPerSecond(sim) {
	const times = sim.server.log.map((entry) => entry.at).sort((a, b) => a - b);
	let peak = 0;
	for (let i = 0, j = 0; i < times.length; i++) {
		while (times[i] - times[j] >= 1000) j++;
		peak = Math.max(peak, i - j + 1);
	}
	return peak;
}

test('n8n 2.x in queue mode: main, two workers, Redis, PostgreSQL', { skip, timeout: 1_200_000 }, async (t) => {
	const log = (m) => t.diagnostic(m);
	const services = await startServices({ log });
	t.after(() => services.stop());
	const sim = await startSimulator();
	t.after(() => sim.stop());
	const credentials = exampleCredentials(sim.credentials);
	const exampleCopies = EXAMPLE_COPIES.map((w) => pointedAtSimulator(w, sim));
	const workflows = [...exampleCopies, LOAD_WF, KILL_WF, KILL_KEYED_WF, TRIGGER_WF, CALLBACK_WF, CALLBACK_POLL_WF];
	let t0 = Date.now();
	const n8n = await startQueueN8n({ services, tarball, credentials: [...credentials, { ...CALLBACK_CREDENTIAL, type: 'tensorArtApi', data: sim.credentials.tensorArtApi }], workflows, publish: workflows.map((w) => w.id), env: { ...STALL_SETTINGS, EXECUTIONS_DATA_SAVE_ON_PROGRESS: 'true', N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10' }, log });
	t.after(() => n8n.stop());
	log(`queue-mode n8n ${n8n.version} up in ${seconds(Date.now() - t0)} s`);
	const queueShapes = {};
	// Each step builds on the ones before it: after a failure the rest are skipped.
	let failed = false;
	const step = (name, fn) =>
		t.test(name, { skip: failed && 'an earlier step failed' }, async (s) => {
			try {
				await fn(s);
			} catch (e) {
				failed = true;
				throw e;
			}
		});

	await step('1. the examples run on the workers, binary outputs reach the next node', async () => {
		for (const w of EXAMPLE_COPIES) {
			await n8n.webhook(w.id, {});
			const [{ id }] = await n8n.waitForExecutions(w.id);
			const e = await n8n.execution(id);
			assert.equal(e.status, 'success', `${w.name}: ${JSON.stringify(e.error)}`);
			assert.ok(n8n.workerOf(id), `execution ${id} of ${w.id} ran on a worker`);
			queueShapes[w.id] = resultShape(e, w.nodes.find((n) => n.type === 'n8n-nodes-base.webhook').name, w);
			for (const [nodeName, binaryNode] of [
				['Upscale', 'image/png'],
				['Get results', 'application/zip'],
			]) {
				const item = e.nodes[nodeName]?.[0].outputs[0][0];
				if (!item) continue;
				const [meta] = Object.values(item.binary ?? {});
				assert.equal(meta?.mimeType, binaryNode, `${w.id}: ${nodeName} attached its result`);
				assert.match(meta.id, /^database:/, 'kept in the database (binary data mode "database")');
				const bytes = await n8n.binaryBytes(meta);
				assert.ok(bytes.length > 0 && bytes.subarray(0, 2).toString('latin1') === (binaryNode === 'image/png' ? '\x89P' : 'PK'), `${nodeName}: the bytes are a ${binaryNode}`);
			}
		}
	});

	await step('6. Tensor.Art callback wait: parked in the database, resumed by the callbacks on a worker, with the items Poll mode outputs', async () => {
		// Jobs of 6 to 9 s, ending 1.5 s apart, as behind each other in TAMS's queue.
		const scripts = [0, 1500, 3000].map((extraQueueMs) => ({ queueMs: 2000 + extraQueueMs, runMs: 4000, outcome: 'succeeded', outputCount: 1 }));
		const before = new Set(sim.tensorArt.jobs.jobs.keys());
		sim.tensorArt.jobs.nextScripts.push(...scripts);
		await n8n.webhook(CALLBACK_WF.id, { prompts: ['a', 'b', 'c'] });
		const waiting = await until('the callback execution to be parked', async () => (await n8n.executions(CALLBACK_WF.id)).find((e) => e.status === 'waiting'), { timeoutMs: 30_000 });
		const jobs = [...sim.tensorArt.jobs.jobs.values()].filter((job) => !before.has(job.id));
		assert.equal(jobs.length, 3, 'one job per item');
		assert.ok(jobs.every((job) => sim.server.clock.now() < finishedAt(job)), 'parked in the database while every job still runs');
		assert.ok(jobs.every((job) => new URL(job.extra.runningNotifyUrl).pathname.startsWith(`/webhook-waiting/${waiting.id}/`)), "each job calls back this execution's resume URL");
		const parkedBy = n8n.workers.filter((w) => new RegExp(`started execution ${waiting.id}\\b`).test(logText(w.output())));
		assert.equal(parkedBy.length, 1, 'a worker created the jobs');

		// A forged callback (the right URL with another token) is refused and changes nothing.
		const forged = new URL(jobs[0].extra.runningNotifyUrl);
		forged.searchParams.set('token', '0'.repeat(64));
		const refused = await fetch(forged, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ job: { id: jobs[0].id, status: 'SUCCESS' } }) });
		assert.equal(refused.status, 403, 'a wrong token is refused');
		assert.equal((await n8n.executions(CALLBACK_WF.id)).find((e) => e.id === waiting.id).status, 'waiting', 'still waiting after the forged callback');

		// The same items waited for by polling, for the shape of their output.
		sim.tensorArt.jobs.nextScripts.push(...scripts);
		await n8n.webhook(CALLBACK_POLL_WF.id, { prompts: ['a', 'b', 'c'] });
		const [done] = await n8n.waitForExecutions(CALLBACK_WF.id, { timeoutMs: 60_000 });
		const e = await n8n.execution(done.id);
		assert.equal(e.status, 'success', JSON.stringify(e.error));
		const items = e.nodes.After[0].outputs[0];
		assert.deepEqual(items.map((item) => item.json.status), ['succeeded', 'succeeded', 'succeeded']);
		assert.deepEqual(items.map((item) => item.json.jobId).sort(), jobs.map((job) => job.id).sort(), 'every job once');
		assert.deepEqual(items.map((item) => item.pairedItem), [{ item: 0 }, { item: 1 }, { item: 2 }]);
		const ranOn = n8n.workers.filter((w) => new RegExp(`started execution ${waiting.id}\\b`).test(logText(w.output()))).map((w) => w.role);
		const [polledRun] = await n8n.waitForExecutions(CALLBACK_POLL_WF.id, { timeoutMs: 60_000 });
		const polled = (await n8n.execution(polledRun.id)).nodes.After[0].outputs[0];
		const shape = (item) => Object.keys(item.json).sort().join(',') + '|' + item.json.outputs.map((o) => Object.keys(o).sort().join(',')).join(';') + '|' + Object.keys(item.binary ?? {}).join(',');
		assert.deepEqual(items.map(shape), polled.map(shape), 'the same item shape as Poll mode');

		// Requests: a create and one look-up per job, plus one look-up per callback answered 200.
		const ids = new Set(jobs.map((job) => job.id));
		const calls = sim.tensorArt.callbacks.filter((call) => ids.has(call.jobId));
		const received = calls.filter((call) => call.answer === 200).length;
		const requests = sim.server.log.filter((entry) => entry.prefix === '/tams' && ids.has(entry.path.split('/').pop())).length + jobs.length;
		assert.ok(requests <= 2 * jobs.length + received, `${requests} requests for ${jobs.length} jobs and ${received} callbacks`);
		// The last job is seen ended soon after its final callback: within 2 s here, where main first
		// reads the parked execution from PostgreSQL, beside three n8n processes on two cores (one
		// process: within 1 s, callback.e2e.mjs). Two runs: 0.9 s and 0.4 s.
		const last = jobs.reduce((a, b) => (finishedAt(b) > finishedAt(a) ? b : a));
		const finalCall = calls.filter((call) => call.jobId === last.id).at(-1);
		const seen = sim.server.log.find((entry) => entry.method === 'GET' && entry.path === `/v1/jobs/${last.id}` && entry.simAt >= finishedAt(last));
		assert.ok(seen && seen.at - finalCall.at < 2000, `the last job was seen ${seen ? seen.at - finalCall.at : 'never'} ms after its callback`);
		log(`callback wait: ${jobs.length} jobs, ${(requests / jobs.length).toFixed(2)} requests per job (${received} callbacks answered 200 of ${calls.length}), the last job seen ${seen.at - finalCall.at} ms after its callback; parked by ${parkedBy[0].role}, ran on ${ranOn.join(' and ')}`);
	});

	let parked;
	await step('4. a Pixxel job of hours parked by the Wait node survives a restart of main and both workers', async () => {
		// Estimated and lasting 90 s: Get Job's first nextCheckInSeconds (~82 s) is above the
		// Wait node's 65 s, so the execution is parked in the database instead of held.
		sim.pixxel.jobs.nextScripts.push({ queueMs: 0, runMs: 90_000, estimateFactor: 1 });
		const jobsBefore = sim.pixxel.jobs.jobs.size;
		await n8n.webhook(LONG_JOB.id, {});
		const waiting = await until('the long job to be parked', async () => (await n8n.executions(LONG_JOB.id)).find((e) => e.status === 'waiting'));
		parked = { id: waiting.id, at: Date.now() };
		const e = await n8n.execution(waiting.id);
		const waitTill = Date.parse(e.data.waitTill ?? waiting.waitTill);
		assert.ok(waitTill - Date.now() > 60_000, `parked until ${new Date(waitTill).toISOString()}, over a minute away`);
		t0 = Date.now();
		await n8n.stopAll();
		const stoppedMs = Date.now() - t0;
		await n8n.startAll();
		log(`main and both workers stopped in ${seconds(stoppedMs)} s and started again in ${seconds(Date.now() - t0 - stoppedMs)} s; execution ${waiting.id} parked until ${new Date(waitTill).toISOString()}`);
		assert.equal(sim.pixxel.jobs.jobs.size, jobsBefore + 1, 'one job made');
	});

	await step("5. the Pixxel trigger's memory of seen jobs is in static data: after the restart it fires for the jobs finished since, once each", async () => {
		// None existed at the first start's poll; all but the long one had finished by the restart.
		const finishedSince = [...sim.pixxel.jobs.jobs.values()].filter((job) => job.script.runMs < 90_000).map((job) => job.id);
		const fired = await until('the trigger to fire after the restart', async () => {
			const list = await n8n.executions(TRIGGER_WF.id);
			return list.length > 0 && list.every((e) => e.status === 'success') && list;
		});
		const jobIds = [];
		for (const { id } of fired) jobIds.push(...(await n8n.execution(id)).json['Pixxel job finished'].map((j) => j.jobId));
		assert.ok(finishedSince.length > 0, 'example runs made Pixxel jobs between the two polls');
		assert.deepEqual(jobIds.sort(), finishedSince.sort(), 'the jobs that finished between the poll at the first start and the one after the restart, each once');
		log(`the trigger fired ${fired.length} time(s) after the restart, for ${jobIds.length} job(s)`);
	});

	let queueLoad;
	await step(`2. ${LOAD.executions * LOAD.items} Tensor.Art jobs from ${LOAD.executions} executions of ${LOAD.items} items on two workers`, async () => {
		sim.tensorArt.jobs.jobs.clear();
		sim.server.log.length = 0;
		queueLoad = await runLoad(n8n, LOAD_WF, LOAD.executions, loadBody);
		await checkLoad(n8n, sim, queueLoad.list);
		const perWorker = n8n.workers.map((w) => queueLoad.list.filter((e) => n8n.workerOf(e.id) === w).length);
		assert.ok(perWorker.every((n) => n > 0), `both workers ran executions (${perWorker.join(' + ')})`);
		queueLoad.peak = peakRequestsPerSecond(sim);
		log(`queue mode: ${LOAD.executions * LOAD.items} jobs in ${seconds(queueLoad.wallMs)} s, executions per worker ${perWorker.join(' + ')}, peak ${queueLoad.peak} requests/s at the simulator (each run's budget: 20/s)`);
	});

	await step('4. (end) the parked execution resumed after the restart and finished with one job and its results', async () => {
		await n8n.waitForExecutions(LONG_JOB.id, { timeoutMs: 240_000 });
		const run = await n8n.execution(parked.id);
		assert.equal(run.status, 'success', JSON.stringify(run.error));
		const [created] = run.json['Run NDVI workflow'];
		const [result] = run.nodes['Get results'][0].outputs[0];
		assert.equal(result.json.jobId, created.jobId);
		assert.equal(result.json.status, 'succeeded');
		assert.equal(Object.values(result.binary)[0].mimeType, 'application/zip');
		assert.equal([...sim.pixxel.jobs.jobs.values()].filter((j) => j.script.runMs === 90_000).length, 1, 'one long job at the simulator');
		log(`the parked execution ${parked.id} finished ${seconds(Date.now() - parked.at)} s after it was parked, Get job ran ${run.nodes['Get job'].length} times`);
	});

	/** Starts `workflow` on `count` items whose jobs last 30 s, and SIGKILLs the worker running it once every job is made and being waited on. */
	const killWhileWaiting = async (workflow, count) => {
		sim.tensorArt.jobs.jobs.clear();
		sim.server.log.length = 0;
		for (let i = 0; i < count; i++) sim.tensorArt.jobs.nextScripts.push({ queueMs: 0, runMs: 30_000 });
		const body = { items: Array.from({ length: count }, (_, k) => ({ ref: `${workflow.id}-item${k}` })) };
		await n8n.webhook(workflow.id, body);
		const [{ id }] = await until('the execution to start', () => n8n.executions(workflow.id).then((l) => l.length && l));
		const worker = await until(`a worker to start execution ${id}`, () => n8n.workerOf(id));
		await until('every job to be made and polled', () => sim.tensorArt.jobs.jobs.size === count && sim.server.log.some((r) => r.method === 'GET' && /\/v1\/jobs\//.test(r.path)));
		const killedAt = Date.now();
		process.kill(-worker.pid, 'SIGKILL');
		const marked = await until('n8n to mark the execution failed', async () => {
			const e = (await n8n.executions(workflow.id)).find((x) => x.id === id);
			return !['new', 'running'].includes(e.status) && e;
		}, { timeoutMs: 180_000, everyMs: 500 });
		assert.equal(marked.status, 'error', `execution ${id} is marked failed`);
		assert.equal(sim.tensorArt.jobs.jobs.size, count, 'the jobs went on at the provider');
		return { id, body, worker, failedAfterMs: Date.now() - killedAt, saved: await n8n.execution(id) };
	};

	await step('3. a worker killed while its items wait: n8n marks the execution failed and keeps none of its progress', async () => {
		const { id, worker, failedAfterMs, saved } = await killWhileWaiting(KILL_WF, KILLED_ITEMS);
		// n8n 2.41 replaces the execution's saved data with the stall error, Create Job's saved output included.
		const kept = saved.nodes.Create?.[0]?.outputs[0]?.length ?? 0;
		// The editor's Retry of it: with nothing kept, it runs the workflow from the start, as a new execution.
		await n8n.restartDeadWorkers();
		let retry;
		try {
			await n8n.api('POST', `/rest/executions/${id}/retry`, { loadWorkflow: false });
			const ended = await until('the retry to end', async () => {
				const e = (await n8n.executions(KILL_WF.id)).find((x) => String(x.retryOf) === String(id));
				return e && !['new', 'running', 'waiting'].includes(e.status) && e;
			}, { timeoutMs: 120_000 });
			retry = `accepted: execution ${ended.id} ended ${ended.status}, ${sim.tensorArt.jobs.jobs.size - KILLED_ITEMS} new jobs made`;
		} catch (e) {
			retry = `refused: ${e.message.slice(0, 300)}`;
		}
		log(`Create Job → Wait For Job, progress saved: worker ${worker.role} killed, execution ${id} marked failed after ${seconds(failedAfterMs)} s; Create Job items kept in it: ${kept} of ${KILLED_ITEMS}; retry ${retry}`);
	});

	await step("3. a worker killed while its items wait: with the item's key as Request ID, running the items again gets the same Tensor.Art jobs", async () => {
		const { id, body, worker, failedAfterMs } = await killWhileWaiting(KILL_KEYED_WF, KILLED_ITEMS);
		const made = new Set(sim.tensorArt.jobs.jobs.keys());
		await n8n.restartDeadWorkers();
		await n8n.webhook(KILL_KEYED_WF.id, body);
		const list = await n8n.waitForExecutions(KILL_KEYED_WF.id, { count: 2, timeoutMs: 180_000 });
		const again = await n8n.execution(list.find((e) => e.id !== id).id);
		assert.equal(again.status, 'success', JSON.stringify(again.error));
		const outputs = again.json.Generate;
		assert.equal(outputs.length, KILLED_ITEMS);
		assert.deepEqual(new Set(outputs.map((j) => j.jobId)), made, 'each item got the job made for it before the worker died');
		assert.ok(outputs.every((j) => j.status === 'succeeded'));
		assert.equal(sim.tensorArt.jobs.jobs.size, KILLED_ITEMS, 'one job per item at the simulator, none made twice');
		log(`Request ID from the item: worker ${worker.role} killed, execution ${id} marked failed after ${seconds(failedAfterMs)} s; the same ${KILLED_ITEMS} items sent again: execution ${again.id} output the same ${KILLED_ITEMS} jobs, ${sim.tensorArt.jobs.jobs.size} jobs at the simulator`);
	});

	await n8n.stop();

	await step('1, 2. the same in one process (regular mode): the same results; the load\'s wall time', async () => {
		// Its own encryption key, so its own instance ID: another instance's request IDs (see docs/queue-mode.md).
		const single = await startQueueN8n({ services: null, tarball, credentials, workflows: [...exampleCopies, LOAD_WF], publish: [...exampleCopies, LOAD_WF].map((w) => w.id), env: { N8N_ENCRYPTION_KEY: 'e2e-single-process-not-a-secret-01' }, log });
		t.after(() => single.stop());
		for (const w of EXAMPLE_COPIES) {
			await single.webhook(w.id, {});
			const [{ id }] = await single.waitForExecutions(w.id);
			const e = await single.execution(id);
			assert.equal(e.status, 'success', `${w.name}: ${JSON.stringify(e.error)}`);
			assert.deepEqual(queueShapes[w.id], resultShape(e, w.nodes[0].name, w), `${w.name}: the same results in queue mode and in one process`);
		}
		sim.tensorArt.jobs.jobs.clear();
		const singleLoad = await runLoad(single, LOAD_WF, LOAD.executions, loadBody);
		await checkLoad(single, sim, singleLoad.list);
		log(`one process: ${LOAD.executions * LOAD.items} jobs in ${seconds(singleLoad.wallMs)} s; queue mode / one process = ${(queueLoad.wallMs / singleLoad.wallMs).toFixed(2)}`);
		await single.stop();
	});
});

test('npm run n8n -- --queue: the editor of a queue-mode n8n signs in and lists the examples', { skip, timeout: 300_000 }, async (t) => {
	const editor = await startQueueEditor({ port: await freePort(), tarball, log: (m) => t.diagnostic(m) });
	t.after(() => editor.stop());
	const cookie = await signIn(editor.url);
	const res = await fetch(`${editor.url}/rest/workflows`, { headers: { cookie, 'browser-id': BROWSER_ID } });
	assert.equal(res.status, 200);
	const names = (await res.json()).data.map((w) => w.name).sort();
	assert.deepEqual(names, examples.map((e) => e.workflow.name).sort());
});
