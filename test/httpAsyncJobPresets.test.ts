/** The HTTP Async Job node with each API preset, in n8n's engine against the preset's simulator. */
import type { IDataObject, INodeType } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { createWorkflow, runWorkflow } from './harness/engine';
import { httpApiSettings } from './harness/httpAsyncJobSettings';
import type { PresetCase } from './harness/presetCases';
import { PRESET_NAMES, presetCase } from './harness/presetCases';
import { singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';
import { PNG_BYTES } from './simulator/jobs';

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());
beforeEach(() => {
	sim.reset();
	// The Replicate preset asks to hold a create up to 5 s; 0.3 s shows it without waiting out the hold in each test of a longer job.
	sim.replicate.longestHoldMs = 300;
});

const FAST_WAIT = { pollInterval: 0.1, maxInterval: 0.2, timeout: 0.5 };
const OPTIONS = { requestsPerSecond: 100 };

const run = async (setup: PresetCase, parameters: IDataObject, input: IDataObject[] = [{ prompt: 'a lighthouse' }], credentials = setup.credentials) =>
	await runWorkflow(singleNodeWorkflow('httpAsyncJob', { ...setup.parameters, options: OPTIONS, ...parameters }), { credentials: credentials as never, input });

const createAndWait = async (setup: PresetCase, options: IDataObject = {}) =>
	await run(setup, { operation: 'createJob', input: setup.input, waitForCompletion: true, waitSettings: FAST_WAIT, options: { ...OPTIONS, ...options } });

describe.each(PRESET_NAMES)('the %s preset', (name) => {
	test('Create Job with Wait for Completion ends succeeded with its outputs (downloaded where they are files)', async () => {
		const setup = presetCase(sim, name);
		setup.jobs.nextScripts.push({ queueMs: 100, runMs: 200 });
		const result = await createAndWait(setup, { downloadOutputs: setup.outputs === 'files' });
		expect(result.error).toBeUndefined();
		const [item] = result.outputs.Job;
		expect(item.json).toMatchObject({ provider: 'httpAsyncJob', status: 'succeeded', done: true, error: null });
		expect(setup.jobs.jobs.has(item.json.jobId as string)).toBe(true);
		expect(sim.server.log.filter((entry) => entry.method === 'POST')).toHaveLength(1);
		if (setup.outputs === 'files') {
			expect(item.json.outputs).toEqual([expect.objectContaining({ kind: 'image', format: 'png' })]);
			expect(Buffer.from(item.binary!.data.data, 'base64')).toEqual(PNG_BYTES);
		} else if (setup.outputs === 'links') {
			expect(item.json.outputs).toEqual([expect.objectContaining({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//) })]);
		} else {
			expect(item.json.outputs).toEqual([{ kind: 'text', text: expect.stringMatching(/\S/) }]);
		}
	});

	test('Get Job reads a running job by its ID, and Wait For Job sees it end', async () => {
		const setup = presetCase(sim, name);
		setup.jobs.nextScripts.push({ queueMs: 0, runMs: 1500 });
		const created = await run(setup, { operation: 'createJob', input: setup.input });
		const jobId = created.outputs.Job[0].json.jobId as string;
		expect(created.outputs.Job[0].json).toMatchObject({ done: false, nextCheckInSeconds: expect.any(Number) });
		const got = await run(setup, { operation: 'getJob', jobId: '={{ $json.jobId }}' }, [{ jobId }]);
		expect(got.outputs.Job[0].json).toMatchObject({ jobId, status: 'running', done: false });
		const waited = await run(setup, { operation: 'waitForJob', jobId: '={{ $json.jobId }}', waitSettings: { ...FAST_WAIT, timeout: 0.1 } }, [{ jobId }]);
		expect(waited.outputs.Job[0].json).toMatchObject({ jobId, status: 'succeeded', done: true });
	});

	test('a failed job is a failed item with the API\'s reason', async () => {
		const setup = presetCase(sim, name);
		setup.jobs.nextScripts.push({ queueMs: 0, runMs: 100, ...setup.failure.script });
		const result = await createAndWait(setup);
		expect(result.outputs.Job[0].json).toMatchObject({ status: 'failed', done: true, error: { message: expect.stringContaining(setup.failure.message) } });
	});

	test('every rare final word ends the wait with its status', async () => {
		const setup = presetCase(sim, name);
		for (const { word, script, status } of setup.finalWords) {
			setup.jobs.nextScripts.push({ queueMs: 0, runMs: 100, ...script });
			const result = await createAndWait(setup, {});
			expect(result.error).toBeUndefined();
			expect(result.outputs.Job[0].json).toMatchObject({ status, done: true, providerStatus: expect.stringMatching(new RegExp(`^${word}$`, 'i')) });
		}
	});

	test('Cancel Job cancels a running job where the API can', async () => {
		const setup = presetCase(sim, name);
		setup.jobs.nextScripts.push({ queueMs: 0, runMs: 60_000 });
		const created = await run(setup, { operation: 'createJob', input: setup.input });
		const jobId = created.outputs.Job[0].json.jobId as string;
		const canceled = await run(setup, { operation: 'cancelJob', jobId: '={{ $json.jobId }}' }, [{ jobId }]);
		if (setup.canceledStatus) {
			expect(canceled.outputs.Job[0].json).toMatchObject({ jobId, status: setup.canceledStatus, done: true });
		} else {
			expect(canceled.error?.message).toMatch(/has no request that cancels a job/);
		}
	});

	test('another credential type stops the run before any request', async () => {
		const setup = presetCase(sim, name);
		const result = await run(setup, { operation: 'createJob', input: setup.input, authentication: 'httpQueryAuth' });
		expect(result.error?.message).toMatch(/"Authentication" must be (Bearer|Header) Auth for /);
		expect(sim.server.log).toHaveLength(0);
	});
});

describe('what a preset leaves to the user', () => {
	test('Replicate: the create asks for Prefer: wait=5, so a short job ends in that one request', async () => {
		const setup = presetCase(sim, 'replicate');
		setup.jobs.nextScripts.push({ queueMs: 0, runMs: 100 });
		const result = await createAndWait(setup);
		expect(result.outputs.Job[0].json).toMatchObject({ status: 'succeeded' });
		const replicateRequests = sim.server.log.filter((entry) => entry.prefix === '/replicate');
		expect(replicateRequests.map((entry) => `${entry.method} ${entry.path} ${String(entry.headers.prefer)}`)).toEqual([
			'POST /v1/models/black-forest-labs/flux-schnell/predictions wait=5',
		]);
	});

	test('an Input that is not a JSON object, or a model name with a space, stops the item naming the field', async () => {
		const setup = presetCase(sim, 'replicate');
		const notJson = await run(setup, { operation: 'createJob', input: '{"prompt": ' });
		expect(notJson.error?.message).toMatch(/^"Input" of item 0 is not valid JSON/);
		const list = await run(setup, { operation: 'createJob', input: '[1, 2]' });
		expect(list.error?.message).toBe('"Input" of item 0 must be a JSON object of the job\'s inputs, not a list');
		const model = await run(setup, { operation: 'createJob', input: setup.input, endpoint: 'black forest' });
		expect(model.error?.message).toMatch(/^"Model" of item 0 must be a name such as owner\/model/);
		expect(sim.server.log).toHaveLength(0);
	});

	test('a Header Auth credential under another header name is refused before any request', async () => {
		const setup = presetCase(sim, 'fal');
		const result = await run(setup, { operation: 'createJob', input: setup.input }, undefined, { httpHeaderAuth: { name: 'X-Key', value: 'Key abc' } });
		expect(result.error?.message).toMatch(/Name is "X-Key", but fal\.ai reads the key from the header Authorization/);
		expect(sim.server.log).toHaveLength(0);
	});
});

describe('what presets brought to Custom', () => {
	const customReplicate = () => {
		const { status, credentials } = httpApiSettings(sim, 'replicate');
		return { parameters: status, credentials };
	};

	test('Cancel Job sends Cancel Method to Cancel URL, then outputs the job as it stands', async () => {
		const { parameters, credentials } = customReplicate();
		sim.replicate.jobs.nextScripts.push({ queueMs: 0, runMs: 60_000 });
		const created = await run(presetCase(sim, 'replicate'), { operation: 'createJob', input: '{"prompt": "long"}' });
		const jobId = created.outputs.Job[0].json.jobId as string;
		const setup = { ...presetCase(sim, 'replicate'), parameters, credentials };
		const canceled = await run(setup, { operation: 'cancelJob', jobId, cancelMethod: 'POST', cancelUrl: `${sim.server.baseUrl(sim.replicate)}/v1/predictions/{{jobId}}/cancel` });
		expect(canceled.outputs.Job[0].json).toMatchObject({ jobId, status: 'canceled', done: true });
		// An expression that finds no address (the editor itself refuses the field left empty).
		const missing = await run(setup, { operation: 'cancelJob', jobId, cancelUrl: '={{ $json.cancelUrl ?? "" }}' });
		expect(missing.error?.message).toBe('"Cancel URL" of item 0 is empty');
	});

	test('a word in Running Words is a known status: a wait that times out on it does not call it unknown', async () => {
		const { parameters, credentials } = customReplicate();
		sim.replicate.jobs.nextScripts.push({ queueMs: 0, runMs: 60_000 }, { queueMs: 0, runMs: 60_000 });
		const setup = { ...presetCase(sim, 'replicate'), parameters, credentials };
		const waitOn = async (extra: IDataObject) => {
			const created = await run(presetCase(sim, 'replicate'), { operation: 'createJob', input: '{"prompt": "long"}' });
			const jobId = created.outputs.Job[0].json.jobId as string;
			return await run(setup, { operation: 'waitForJob', jobId, waitSettings: { pollInterval: 0.1, timeout: 0.01 }, ...extra });
		};
		expect((await waitOn({})).error?.message).toMatch(/is still "processing" \(a status this node does not know/);
		expect((await waitOn({ runningWords: 'processing' })).error?.message).toMatch(/is still "processing" after/);
	});
});

describe('in the editor', () => {
	const description = () => {
		const workflow = createWorkflow(singleNodeWorkflow('httpAsyncJob', {}));
		return (workflow.nodeTypes.getByNameAndVersion(workflow.getNode('Job')!.type, 1) as INodeType).description;
	};

	test('a node saved before presets reads as Custom, its fields shown as they were', () => {
		const { properties } = description();
		const saved = { authentication: 'httpBearerAuth', operation: 'createJob', url: 'https://api.example.com/jobs', statusUrl: 'https://api.example.com/jobs/{{jobId}}' };
		const resolved = NodeHelpers.getNodeParameters(properties, saved, true, false, { typeVersion: 1 }, null)!;
		expect(resolved).toMatchObject({ api: 'custom', ...saved, jobIdPath: 'id', statusPath: 'status', succeededWords: 'succeeded' });
		expect(resolved).not.toHaveProperty('endpoint');
	});

	test('each preset shows a notice of the requests it sends, and its own fields only', () => {
		const { properties } = description();
		const notices = properties.filter((property) => property.type === 'notice');
		expect(notices.find((notice) => notice.name === 'replicateRequests')?.displayName).toContain(
			'Create sends POST https://api.replicate.com/v1/models/{Model}/predictions with {"input": Input} and Prefer: wait=5.',
		);
		// The editor renders a notice as HTML.
		expect(notices.filter((notice) => /[<>]/.test(notice.displayName))).toEqual([]);
		const resolved = NodeHelpers.getNodeParameters(properties, { api: 'fal', operation: 'createJob' }, true, false, { typeVersion: 1 }, null)!;
		expect(resolved).toMatchObject({ api: 'fal', endpoint: '', input: expect.stringContaining('prompt'), baseUrl: '' });
		expect(resolved).not.toHaveProperty('url');
		expect(resolved).not.toHaveProperty('succeededWords');
	});
});
