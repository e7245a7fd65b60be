// The example workflows of examples/, exactly as they are in the repository, in a real
// headless n8n (2.x on Node 24 and 1.x on Node 20) with the packed package installed as a
// community package and credentials pointing at the provider simulator.
//
//   bash test/e2e/run.sh                                 # everything, both versions
//   N8N_E2E_TARBALL=pkg.tgz node --test test/e2e/examples.e2e.mjs
//
// One simulator per n8n version (the versions run side by side), so each version's jobs
// and scripted outcomes are its own.
//
// The scheduled Tensor.Art example starts with a Schedule Trigger, which `n8n execute`
// cannot start from (it starts only from a Manual Trigger or an Execute Workflow Trigger;
// a Schedule Trigger fires inside a running instance at its time). The example is imported
// as it is, and executing it headless is shown to fail for exactly that reason; it is then
// run through a copy that differs only in that one node (a Manual Trigger with the same
// name, id and position; see headlessCopy in examples.mjs), checked node by node here.
//
// Addresses of real APIs in the examples' node parameters (the HTTP Async Job example's) are
// pointed at the simulator (examplesPointedAt, as the demo and `npm run n8n` do). Beside the examples, the HTTP
// Async Job node runs against all five simulated APIs, set up as test/harness/httpAsyncJobSettings.ts
// sets it up for the jest tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { runN8n, engine } from './n8n-runner.mjs';
import { PACKAGE_NAME, ROOT, exampleCredentials, examplesPointedAt, headlessCopy, loadExamples, runsHeadless, startSimulator } from './examples.mjs';
import { assertExecutionMatchesSchema, mismatches, normalizedJobSchema } from './itemSchema.mjs';

const tarball = process.env.N8N_E2E_TARBALL;
const versions = (process.env.N8N_E2E_VERSIONS ?? '2,1').split(',').map((v) => v.trim()).filter(Boolean);
const noTarball = tarball ? false : 'N8N_E2E_TARBALL is not set (run test/e2e/run.sh)';

const examples = loadExamples();
const byFile = Object.fromEntries(examples.map((e) => [e.file.replace(/\.json$/, ''), e.workflow]));
const SCHEDULED = byFile['tensorart-scheduled-generation'];
const UPSCALE = byFile['aetherforge-upscale'];
const LONG_JOB = byFile['pixxel-long-job'];
const ALL = byFile['all-providers'];
const HTTP_EXAMPLE = byFile['http-async-job'];
const PRESETS_EXAMPLE = byFile['http-async-job-presets'];
const LLM_BATCH = byFile['llm-batch-reviews'];
const FIVE_APIS_ID = 'e2eHttpFiveApis';
const PRESETS_ID = 'e2eHttpPresets';
const SCHEDULED_COPY = headlessCopy(SCHEDULED, { id: 'exTensorArtSchedHL' });

/** The item of a job action: its schema (checked on every item below), and its provider. */
function assertNormalized(item, provider, what) {
	assert.deepEqual(mismatches(normalizedJobSchema, item), [], `${what}: a normalized job`);
	assert.equal(item.provider, provider, `${what}: provider`);
}

function assertSucceeded(item, provider, sim, what) {
	assertNormalized(item, provider, what);
	assert.equal(item.status, 'succeeded', `${what}: ${JSON.stringify(item.error)}`);
	assert.equal(item.done, true);
	assert.equal(item.error, null);
	assert.equal(item.nextCheckInSeconds, null, `${what}: no next check once done`);
	// Link outputs; a transcript's text output has no URL.
	for (const o of item.outputs.filter((output) => output.url !== undefined)) {
		assert.ok(o.url.startsWith(sim.server.url), `${what}: output ${o.url} comes from the simulator ${sim.server.url}`);
	}
}

/** Our nodes' items only: the nodes of this package in a workflow. */
function ourNodes(workflow) {
	return workflow.nodes.filter((n) => n.type.startsWith(`${PACKAGE_NAME}.`)).map((n) => n.name);
}

/** The bytes of a binary property as parsed by the runner: inline (1.x) or on disk (2.x). */
async function binaryBytes(userFolder, meta) {
	if (meta.base64) return Buffer.from(meta.base64, 'base64');
	const m = /^filesystem-v2:(.+)$/.exec(meta.id ?? '');
	assert.ok(m, `binary kept neither inline nor in the filesystem store: ${JSON.stringify(meta)}`);
	return await readFile(path.join(userFolder, '.n8n', 'storage', m[1]));
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ZIP_SIGNATURE = Buffer.from('PK\x03\x04', 'latin1');

/** One successful execution, or a failure message that shows what n8n said. */
function succeeded(r, id) {
	const e = r.executions.find((x) => x.id === id);
	assert.ok(e, `workflow ${id} was executed`);
	assert.equal(e.status, 'success', `${id} on n8n ${r.n8nVersion}: ${JSON.stringify(e.error)}\n${e.log ?? ''}`);
	assert.equal(e.mode, 'cli');
	return e;
}

/** The json of the items on output `output` of a node's run `run`. */
function items(e, node, { run = 0, output = 0 } = {}) {
	const runs = e.nodes[node];
	assert.ok(runs, `node "${node}" ran (ran: ${Object.keys(e.nodes).join(', ')})`);
	assert.ok(runs[run], `node "${node}" has a run #${run + 1} (has ${runs.length})`);
	return (runs[run].outputs[output] ?? []).map((i) => i.json);
}

test('the examples refer only to credentials the simulator provides, and the copy differs only in its trigger', () => {
	assert.deepEqual(
		examples.map((e) => e.file),
		['aetherforge-upscale.json', 'all-providers.json', 'http-async-job-presets.json', 'http-async-job.json', 'llm-batch-reviews.json', 'pixxel-long-job.json', 'tensorart-scheduled-generation.json'],
	);
	const creds = exampleCredentials({ tensorArtApi: {}, pixxelApi: {}, aetherForgeApi: {}, httpBearerAuth: {}, httpHeaderAuth: {}, openAiBatchApi: {} });
	assert.deepEqual(creds.map((c) => `${c.id}:${c.type}`).sort(), [
		'aetherForgeDemo:aetherForgeApi',
		'falDemo:httpHeaderAuth',
		'lumaDemo:httpBearerAuth',
		'openAiBatchDemo:openAiBatchApi',
		'pixxelDemo:pixxelApi',
		'replicateDemo:httpBearerAuth',
		'tensorArtDemo:tensorArtApi',
	]);
	for (const { file, workflow } of examples) {
		assert.ok(workflow.id.length <= 21, `${file}: n8n needs a workflow id of at most 21 characters`);
		assert.equal(runsHeadless(workflow), workflow !== SCHEDULED, `${file}: starts from a Manual Trigger`);
	}
	const original = structuredClone(SCHEDULED);
	const copy = structuredClone(SCHEDULED_COPY);
	const trigger = original.nodes.findIndex((n) => n.type === 'n8n-nodes-base.scheduleTrigger');
	assert.equal(copy.nodes[trigger].type, 'n8n-nodes-base.manualTrigger');
	assert.equal(copy.nodes[trigger].name, original.nodes[trigger].name);
	for (const w of [original, copy]) {
		w.nodes.splice(trigger, 1);
		delete w.id;
		delete w.name;
	}
	assert.deepEqual(copy, original, 'everything but the trigger node, the workflow id and its name is identical');
});

function unavailable(v) {
	try {
		engine(v);
		return false;
	} catch (e) {
		return e.message;
	}
}

// The versions run side by side (each n8n process mostly uses one core).
test('the example workflows run in real n8n', { skip: noTarball, concurrency: true }, async (top) => {
	await Promise.all(versions.map((v) => top.test(`n8n ${v}.x`, { skip: unavailable(v), timeout: 900_000 }, (t) => runExamples(t, v))));
});

/**
 * One workflow with the HTTP Async Job node for each of the five simulated APIs (Create Job,
 * waiting), each with a credential of its own, and those credentials.
 */
function fiveApis(sim) {
	const { HTTP_APIS, httpApiSettings } = createRequire(import.meta.url)(path.join(ROOT, '.build', 'test', 'harness', 'httpAsyncJobSettings.js'));
	const nodes = HTTP_APIS.map((api) => ({ api, parameters: httpApiSettings(sim, api).create, credentials: httpApiSettings(sim, api).credentials }));
	return { ...httpJobsWorkflow(FIVE_APIS_ID, 'HTTP Async Job against five APIs', 'httpE2e', nodes), apis: HTTP_APIS };
}

/** The same with each API preset of the node, set up as test/harness/presetCases.ts sets it up for the jest tests. */
function allPresets(sim) {
	const { PRESET_NAMES, presetCase } = createRequire(import.meta.url)(path.join(ROOT, '.build', 'test', 'harness', 'presetCases.js'));
	const nodes = PRESET_NAMES.map((api) => {
		const setup = presetCase(sim, api);
		return { api, parameters: { ...setup.parameters, input: setup.input }, credentials: setup.credentials };
	});
	return { ...httpJobsWorkflow(PRESETS_ID, 'HTTP Async Job with every API preset', 'presetE2e', nodes), apis: PRESET_NAMES };
}

/** A workflow running one HTTP Async Job node per entry side by side from one prompt, and the credentials they use. */
function httpJobsWorkflow(id, name, credentialPrefix, entries) {
	const serial = id === FIVE_APIS_ID ? '1' : '2';
	const credentials = [];
	const nodes = entries.map(({ api, parameters, credentials: byType }, index) => {
		const [[type, data]] = Object.entries(byType);
		credentials.push({ id: `${credentialPrefix}${api}`, name: `${name}: ${api}`, type, data });
		return {
			id: `00000000-0000-4000-8000-${serial}000000000${String(index).padStart(2, '0')}`,
			name: `HTTP ${api}`,
			type: `${PACKAGE_NAME}.httpAsyncJob`,
			typeVersion: 1,
			position: [240, index * 160],
			parameters: { ...parameters, operation: 'createJob', waitForCompletion: true, waitSettings: { pollInterval: 0.2, timeout: 2 } },
			credentials: { [type]: { id: `${credentialPrefix}${api}`, name: `${name}: ${api}` } },
		};
	});
	const trigger = { id: `00000000-0000-4000-8000-${serial}00000000099`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
	const promptNode = {
		id: `00000000-0000-4000-8000-${serial}00000000098`,
		name: 'Prompt',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [120, 0],
		parameters: { assignments: { assignments: [{ id: 'p', name: 'prompt', value: name, type: 'string' }, { id: 'r', name: 'requestId', value: `={{ $execution.id }}-${id}`, type: 'string' }] }, options: {} },
	};
	const workflow = {
		id,
		name,
		active: false,
		nodes: [trigger, promptNode, ...nodes],
		connections: {
			Start: { main: [[{ node: 'Prompt', type: 'main', index: 0 }]] },
			Prompt: { main: [nodes.map((node) => ({ node: node.name, type: 'main', index: 0 }))] },
		},
		settings: { executionOrder: 'v1' },
	};
	return { workflow, credentials };
}

async function runExamples(t, v) {
	const sim = await startSimulator();
	t.after(() => sim.stop());
	const five = fiveApis(sim);
	const presets = allPresets(sim);
	const credentials = [...exampleCredentials(sim.credentials), ...five.credentials, ...presets.credentials];
	// The first Tensor.Art job of this run fails (the copy of the scheduled example runs
	// first), so its IF routes a failed item; every later job succeeds.
	sim.tensorArt.jobs.nextScripts.push({ outcome: 'failed', failure: { code: 'E2E_FAILED', reason: 'scripted failure' } });
	const order = [SCHEDULED_COPY.id, UPSCALE.id, ALL.id, LONG_JOB.id, SCHEDULED_COPY.id, SCHEDULED.id, HTTP_EXAMPLE.id, FIVE_APIS_ID, PRESETS_EXAMPLE.id, PRESETS_ID, LLM_BATCH.id];
	const r = await runN8n({
		version: v,
		tarball,
		credentials,
		workflows: [...examplesPointedAt(sim).map((e) => e.workflow), SCHEDULED_COPY, five.workflow, presets.workflow],
		execute: order,
		keep: true, // binary data of 2.x is read from its store below; removed in t.after
		timeoutMs: 180_000,
	});
	t.after(() => rm(r.userFolder, { recursive: true, force: true }));
	t.diagnostic(`n8n ${r.n8nVersion}: ${Object.entries(r.timings).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
	const [scheduledFailed, , , , scheduledOk, scheduledOriginal, httpExample, fiveRun, presetsExample, presetsRun, llmBatchRun] = r.executions;
	const jobs = (provider) => sim[provider].jobs.jobs;

	await t.test('every item of our nodes in every execution meets the schema of its action (nodes/shared/JobItem.ts)', () => {
		const workflows = Object.fromEntries([...examples.map((e) => e.workflow), SCHEDULED_COPY, five.workflow, presets.workflow].map((w) => [w.id, w]));
		const checked = r.executions.reduce(
			(sum, e, i) => sum + assertExecutionMatchesSchema(`${order[i]} on n8n ${r.n8nVersion}`, workflows[order[i]], e),
			0,
		);
		assert.ok(checked >= 10, `${checked} items checked`);
	});

	await t.test('the scheduled Tensor.Art example, as it is, cannot start headless', () => {
		assert.equal(scheduledOriginal.status, 'error');
		assert.match(
			JSON.stringify(scheduledOriginal.error),
			/start|trigger/i,
			`n8n execute refuses a workflow without a Manual Trigger: ${JSON.stringify(scheduledOriginal.error)}`,
		);
		assert.equal(Object.keys(scheduledOriginal.nodes).length, 0, 'no node ran');
		t.diagnostic(`n8n ${r.n8nVersion}, ${SCHEDULED.id} as it is: ${scheduledOriginal.error?.message}`);
	});

	await t.test('tensorart-scheduled-generation: a succeeded job goes to "Use the image"', () => {
		const e = succeeded({ ...r, executions: [scheduledOk] }, SCHEDULED_COPY.id);
		const [job] = items(e, 'Generate image');
		assertSucceeded(job, 'tensorArt', sim, 'Generate image');
		assert.ok(jobs('tensorArt').has(job.jobId), 'the job exists at the simulator');
		assert.ok(job.outputs.length >= 1 && job.outputs[0].kind === 'image', JSON.stringify(job.outputs));
		assert.equal(items(e, 'Succeeded?', { output: 0 }).length, 1, 'IF true branch');
		assert.equal(items(e, 'Succeeded?', { output: 1 }).length, 0, 'IF false branch');
		assert.equal(items(e, 'Use the image')[0].jobId, job.jobId);
		assert.equal(e.nodes['Handle the failure'], undefined, 'the failure branch did not run');
	});

	await t.test('tensorart-scheduled-generation: a failed job goes to "Handle the failure"', () => {
		const e = succeeded({ ...r, executions: [scheduledFailed] }, SCHEDULED_COPY.id);
		const [job] = items(e, 'Generate image');
		assertNormalized(job, 'tensorArt', 'Generate image (failed job)');
		assert.equal(job.status, 'failed');
		assert.equal(job.done, true);
		assert.equal(typeof job.error?.message, 'string', JSON.stringify(job.error));
		assert.equal(typeof job.error?.retryable, 'boolean');
		assert.equal(items(e, 'Succeeded?', { output: 0 }).length, 0, 'IF true branch');
		assert.equal(items(e, 'Succeeded?', { output: 1 }).length, 1, 'IF false branch');
		assert.equal(items(e, 'Handle the failure')[0].jobId, job.jobId);
		assert.equal(e.nodes['Use the image'], undefined, 'the success branch did not run');
	});

	await t.test('aetherforge-upscale: Set → Convert to File → upscale, result downloaded as binary', async () => {
		const e = succeeded(r, UPSCALE.id);
		const [input] = e.nodes['To binary'][0].outputs[0];
		assert.equal(input.binary?.data?.fileName, 'sprite.png');
		const [item] = items(e, 'Upscale');
		assertSucceeded(item, 'aetherForge', sim, 'Upscale');
		assert.equal(item.outputs.length, 1);
		const sent = jobs('aetherForge').get(item.jobId)?.extra.form;
		assert.ok(sent, 'the upscale job exists at the simulator');
		assert.match(sent.path, /upscale/);
		assert.equal(sent.fields.scale, '4K');
		assert.equal(sent.files.image?.[0]?.name, 'sprite.png', 'the incoming image was uploaded');
		assert.equal(sent.files.image?.[0]?.size, 70);
		const bin = e.nodes.Upscale[0].outputs[0][0].binary?.data;
		assert.ok(bin, 'the result is attached as binary "data"');
		assert.equal(bin.mimeType, 'image/png');
		assert.match(bin.fileName, /\.png$/);
		const bytes = await binaryBytes(r.userFolder, bin);
		assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `a PNG was downloaded (${bytes.length} bytes)`);
	});

	await t.test('all-providers: three providers merged, routed on status alone', () => {
		const e = succeeded(r, ALL.id);
		const expected = { 'Tensor.Art image': 'tensorArt', 'Pixxel analysis': 'pixxel', 'AetherForge effect': 'aetherForge' };
		assert.deepEqual(ourNodes(ALL).sort(), Object.keys(expected).sort());
		for (const [node, provider] of Object.entries(expected)) {
			const [item] = items(e, node);
			assertSucceeded(item, provider, sim, node);
			assert.ok(jobs(provider).has(item.jobId), `${node}: the job exists at the simulator`);
		}
		assert.equal(items(e, 'All jobs').length, 3);
		const passed = items(e, 'Succeeded?', { output: 0 });
		assert.equal(passed.length, 3, 'all three on the true branch');
		assert.equal(items(e, 'Succeeded?', { output: 1 }).length, 0);
		assert.deepEqual(items(e, 'Collect outputs').map((i) => i.provider).sort(), ['aetherForge', 'pixxel', 'tensorArt']);
		// The same keys for every provider: nothing downstream needs to know which.
		const keys = passed.map((i) => Object.keys(i).sort().join());
		assert.equal(new Set(keys).size, 1, keys.join('\n'));
		assert.equal(e.nodes['Report failures'], undefined);
	});

	await t.test("pixxel-long-job: Get Job loops through n8n's Wait node, then Get Results downloads", async () => {
		const e = succeeded(r, LONG_JOB.id);
		const [created] = items(e, 'Run NDVI workflow');
		assertNormalized(created, 'pixxel', 'Run NDVI workflow');
		assert.equal(created.done, false, 'Create Job without waiting returns at once');
		assert.ok(['queued', 'running'].includes(created.status), created.status);
		assert.ok(jobs('pixxel').has(created.jobId));

		const checks = e.nodes['Get job'];
		assert.ok(checks.length >= 2, `Get job ran ${checks.length} times: once before the Wait, again after`);
		const waits = e.nodes['Wait until the next check'] ?? [];
		assert.equal(waits.length, checks.length - 1, 'one Wait between two checks');
		checks.forEach((c, i) => {
			const [item] = c.outputs[0];
			assertNormalized(item.json, 'pixxel', `Get job #${i + 1}`);
			assert.equal(item.json.jobId, created.jobId);
			const last = i === checks.length - 1;
			assert.equal(item.json.done, last, `Get job #${i + 1}: done only at the last check`);
			if (!last) {
				assert.equal(typeof item.json.nextCheckInSeconds, 'number');
				assert.ok(item.json.nextCheckInSeconds > 0 && item.json.nextCheckInSeconds <= 65, 'a short wait, kept in the process');
				// The IF routed it to the Wait (false branch), and the Wait passed it on.
				assert.equal(items(e, 'Done?', { run: i, output: 1 }).length, 1);
				assert.equal(items(e, 'Wait until the next check', { run: i })[0].jobId, created.jobId);
			}
		});
		assert.equal(checks.at(-1).outputs[0][0].json.status, 'succeeded');
		assert.equal(items(e, 'Done?', { run: checks.length - 1, output: 0 }).length, 1, 'done: to Get results');

		const [result] = items(e, 'Get results');
		assertSucceeded(result, 'pixxel', sim, 'Get results');
		assert.equal(result.jobId, created.jobId);
		const bin = e.nodes['Get results'][0].outputs[0][0].binary;
		const key = Object.keys(bin ?? {})[0];
		assert.ok(key, 'the results package is attached as binary');
		assert.equal(bin[key].mimeType, 'application/zip');
		const bytes = await binaryBytes(r.userFolder, bin[key]);
		assert.ok(bytes.subarray(0, 4).equals(ZIP_SIGNATURE), `a zip was downloaded (${bytes.length} bytes)`);
	});

	await t.test('http-async-job: the same prompt at the Replicate-like and fal-like APIs, both succeeded', () => {
		const e = succeeded({ ...r, executions: [httpExample] }, HTTP_EXAMPLE.id);
		for (const [node, api] of [['Replicate (FLUX schnell)', 'replicate'], ['fal.ai (FLUX dev)', 'fal']]) {
			const [item] = items(e, node);
			assertSucceeded(item, 'httpAsyncJob', sim, node);
			assert.ok(jobs(api).has(item.jobId), `${node}: the job exists at the simulator`);
			assert.equal(item.outputs.length, 1, `${node}: ${JSON.stringify(item.outputs)}`);
		}
		assert.equal(items(e, 'Succeeded?', { output: 0 }).length, 2);
		assert.equal(e.nodes['Report failures'], undefined);
	});

	await t.test('http-async-job-presets: Replicate, fal.ai and Luma presets side by side, routed on status alone', () => {
		const e = succeeded({ ...r, executions: [presetsExample] }, PRESETS_EXAMPLE.id);
		for (const [node, api, kind] of [['Replicate (FLUX schnell)', 'replicate', 'image'], ['fal.ai (FLUX dev)', 'fal', 'image'], ['Luma (Ray 2 video)', 'luma', 'video']]) {
			const [item] = items(e, node);
			assertSucceeded(item, 'httpAsyncJob', sim, node);
			assert.ok(jobs(api).has(item.jobId), `${node}: the job exists at the simulator`);
			assert.deepEqual(item.outputs.map((o) => o.kind), [kind], `${node}: ${JSON.stringify(item.outputs)}`);
		}
		assert.equal(items(e, 'Succeeded?', { output: 0 }).length, 3);
		assert.equal(e.nodes['Report failures'], undefined);
	});

	await t.test('HTTP Async Job with every API preset', () => {
		const e = succeeded({ ...r, executions: [presetsRun] }, PRESETS_ID);
		for (const api of presets.apis) {
			const [item] = items(e, `HTTP ${api}`);
			assertSucceeded(item, 'httpAsyncJob', sim, `HTTP ${api}`);
			assert.ok(jobs(api).has(item.jobId), `HTTP ${api}: the job exists at the simulator`);
		}
	});

	await t.test('HTTP Async Job against all five simulated APIs, set up from their docs', () => {
		const e = succeeded({ ...r, executions: [fiveRun] }, FIVE_APIS_ID);
		for (const api of five.apis) {
			const [item] = items(e, `HTTP ${api}`);
			assertSucceeded(item, 'httpAsyncJob', sim, `HTTP ${api}`);
			assert.ok(jobs(api).has(item.jobId), `HTTP ${api}: the job exists at the simulator`);
		}
	});

	await t.test('llm-batch-reviews: rows → one OpenAI batch → the Wait loop → one answer per row, in order, routed on its error', () => {
		const e = succeeded({ ...r, executions: [llmBatchRun] }, LLM_BATCH.id);
		const rows = items(e, 'One item per row');
		const [created] = items(e, 'Create batch');
		assert.equal(created.provider, 'openAi');
		assert.deepEqual(created.batch && { parts: created.batch.parts, requestCount: created.batch.requestCount }, { parts: 1, requestCount: rows.length });
		assert.ok(sim.openAiBatch.book.batches.has(created.jobId), 'the batch exists at the simulator');
		assert.ok(e.nodes['Wait until the next check']?.length >= 1, 'the batch was waited for with the Wait node');
		const results = items(e, 'Get batch results');
		assert.deepEqual(results.map((result) => result.itemIndex), rows.map((_, index) => index));
		assert.ok(results.every((result) => result.status === 'succeeded' && ['positive', 'negative'].includes(result.json?.sentiment)), JSON.stringify(results[0]));
		assert.equal(items(e, 'Answered?', { output: 0 }).length, rows.length);
		assert.deepEqual(items(e, 'Use the label').map((labelled) => labelled.review), rows.map((row) => row.review));
		assert.equal(e.nodes['Handle the failed request'], undefined, 'no request failed');
	});
}
