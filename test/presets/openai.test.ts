import { FAST_WAIT, presetSuite, runPreset } from '../harness/presetRun';
import { MP4_BYTES } from '../simulator/jobs';

/** The HTTP Async Job node with the OpenAI Videos preset, in n8n's engine, against the simulator the openai SDK checks. */

const suite = presetSuite('openai');
const baseUrl = () => suite.sim.server.baseUrl(suite.sim.openai);

const INPUT = '={{ { model: "sora-2", prompt: $json.prompt, seconds: "8" } }}';

test('Create Job and wait: the inputs go as multipart fields, the video ends completed with its content address as output', async () => {
	suite.sim.openai.jobs.nextScripts.push({ queueMs: 100, runMs: 300 });
	const result = await runPreset(suite.setup, { operation: 'createJob', input: INPUT, waitForCompletion: true, waitSettings: FAST_WAIT }, [{ prompt: 'a lighthouse at dawn' }]);
	expect(result.error).toBeUndefined();
	const [item] = result.outputs.Job;
	const jobId = item.json.jobId as string;
	expect(item.json).toMatchObject({ provider: 'httpAsyncJob', status: 'succeeded', providerStatus: 'completed', progress: 100, error: null });
	expect(item.json.outputs).toEqual([{ url: `${baseUrl()}/v1/videos/${jobId}/content`, kind: 'file' }]);
	expect(item.json.createdAt).toBe(new Date(Math.floor(suite.sim.openai.jobs.jobs.get(jobId)!.createdAt / 1000) * 1000).toISOString());

	const [create, ...polls] = suite.sim.server.log;
	expect(create).toMatchObject({ method: 'POST', path: '/v1/videos' });
	expect(String(create.headers['content-type'])).toMatch(/^multipart\/form-data/);
	expect(suite.sim.openai.jobs.jobs.get(jobId)!.extra).toMatchObject({ model: 'sora-2', prompt: 'a lighthouse at dawn', seconds: '8' });
	expect(polls.every((entry) => entry.method === 'GET' && entry.path === `/v1/videos/${jobId}`)).toBe(true);
});

test('Get Job of a video in progress reads its progress; queued is queued', async () => {
	suite.sim.openai.jobs.nextScripts.push({ queueMs: 200, runMs: 60_000 }, { queueMs: 60_000, runMs: 1_000 });
	const created = await runPreset(suite.setup, { operation: 'createJob', input: INPUT }, [{ prompt: 'one' }, { prompt: 'two' }]);
	const [running, waiting] = created.outputs.Job.map((item) => item.json.jobId as string);
	expect(created.outputs.Job.map((item) => item.json.status)).toEqual(['queued', 'queued']);
	suite.sim.server.clock.advance(30_000);
	const looked = await runPreset(suite.setup, { operation: 'getJob', jobId: '={{ $json.jobId }}' }, [{ jobId: running }, { jobId: waiting }]);
	const [first, second] = looked.outputs.Job.map((item) => item.json);
	expect(first).toMatchObject({ status: 'running', providerStatus: 'in_progress', outputs: [] });
	expect(first.progress).toBeGreaterThan(0);
	expect(first.progress).toBeLessThan(100);
	expect(second).toMatchObject({ status: 'queued', providerStatus: 'queued' });
});

test('a refused create names the API message', async () => {
	const refused = await runPreset(suite.setup, { operation: 'createJob', input: '{"prompt": "x", "seconds": "5"}' });
	expect(refused.error?.message).toMatch(/Invalid value: '5'/);
	expect(suite.sim.server.log.map((entry) => entry.status)).toEqual([400]);
});

test('Custom with the Output URL the preset sets gives the same item: the preset is only data', async () => {
	suite.sim.openai.jobs.nextScripts.push({ queueMs: 0, runMs: 100 });
	const base = baseUrl();
	const custom = {
		api: 'custom',
		url: `${base}/v1/videos`,
		bodyType: 'multipart',
		formFields: { entries: [{ name: 'prompt', value: '={{ $json.prompt }}' }] },
		jobIdPath: 'id',
		statusUrl: `${base}/v1/videos/{{jobId}}`,
		succeededWords: 'completed',
		failedWords: 'failed',
		canceledWords: '',
		queuedWords: 'queued',
		replyFields: { outputUrl: `${base}/v1/videos/{{jobId}}/content`, progressPath: 'progress', errorPath: 'error' },
	};
	const result = await runPreset(suite.setup, { ...custom, operation: 'createJob', waitForCompletion: true, waitSettings: FAST_WAIT }, [{ prompt: 'a red kite' }]);
	const [item] = result.outputs.Job;
	expect(item.json).toMatchObject({ status: 'succeeded', progress: 100, outputs: [{ url: `${base}/v1/videos/${String(item.json.jobId)}/content`, kind: 'file' }] });
});

test('Download Outputs fetches the video from its content address with the key, which goes to the API origin only', async () => {
	suite.sim.openai.jobs.nextScripts.push({ queueMs: 0, runMs: 100 });
	const result = await runPreset(suite.setup, { operation: 'createJob', input: INPUT, waitForCompletion: true, waitSettings: FAST_WAIT, options: { downloadOutputs: true } }, [{ prompt: 'a kite' }]);
	expect(result.error).toBeUndefined();
	const [item] = result.outputs.Job;
	expect(Buffer.from(item.binary!.data.data, 'base64')).toEqual(MP4_BYTES);
	const download = suite.sim.server.log.find((entry) => entry.path.endsWith('/content'))!;
	expect(download).toMatchObject({ method: 'GET', status: 200 });
	expect(download.headers.authorization).toBe(`Bearer ${[...suite.sim.openai.apiKeys][0]}`);
});
