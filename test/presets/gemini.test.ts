import { FAST_WAIT, presetSuite, runPreset } from '../harness/presetRun';
import { GEMINI_SAFETY_FILTERED } from '../simulator/gemini';
import { MP4_BYTES } from '../simulator/jobs';

/** The HTTP Async Job node with the Google Gemini API (Veo) preset, in n8n's engine, against the simulator @google/genai checks. */

const suite = presetSuite('gemini');

const MODEL = 'veo-3.0-generate-001';
const CREATE = { operation: 'createJob', endpoint: MODEL, input: '={{ { instances: [{ prompt: $json.prompt }], parameters: { aspectRatio: "16:9" } } }}' };

test('create and wait: the operation name is the job ID, done true ends it, the videos under response are the outputs', async () => {
	suite.sim.gemini.jobs.nextScripts.push({ queueMs: 100, runMs: 300, outputCount: 2 });
	const result = await runPreset(suite.setup, { ...CREATE, waitForCompletion: true, waitSettings: FAST_WAIT }, [{ prompt: 'a lighthouse at dawn' }]);
	expect(result.error).toBeUndefined();
	const [item] = result.outputs.Job;
	const jobId = item.json.jobId as string;
	expect(jobId).toMatch(new RegExp(`^models/${MODEL}/operations/[0-9a-f]+$`));
	expect(item.json).toMatchObject({ status: 'succeeded', providerStatus: 'true', error: null });
	expect(item.json.outputs).toEqual([
		{ url: expect.stringMatching(/\/v1beta\/files\/[a-z0-9]+:download\?alt=media$/), kind: 'file' },
		{ url: expect.stringMatching(/\/v1beta\/files\/[a-z0-9]+:download\?alt=media$/), kind: 'file' },
	]);

	const [create, ...polls] = suite.sim.server.log;
	expect(create).toMatchObject({ method: 'POST', path: `/v1beta/models/${MODEL}:predictLongRunning` });
	expect(JSON.parse(create.body)).toEqual({ instances: [{ prompt: 'a lighthouse at dawn' }], parameters: { aspectRatio: '16:9' } });
	// The operation's name goes into the address with its slashes, as the API reads it.
	expect(polls.every((entry) => entry.method === 'GET' && entry.path === `/v1beta/${jobId}` && entry.status === 200)).toBe(true);
	expect(suite.sim.server.log.every((entry) => entry.headers['x-goog-api-key'] === [...suite.sim.gemini.apiKeys][0])).toBe(true);
});

test('Get Job of an operation without done is running', async () => {
	suite.sim.gemini.jobs.nextScripts.push({ queueMs: 0, runMs: 60_000 });
	const created = await runPreset(suite.setup, CREATE, [{ prompt: 'x' }]);
	expect(created.outputs.Job[0].json).toMatchObject({ status: 'queued', providerStatus: 'created' });
	const looked = await runPreset(suite.setup, { operation: 'getJob', jobId: created.outputs.Job[0].json.jobId });
	expect(looked.outputs.Job[0].json).toMatchObject({ status: 'running', done: false, outputs: [] });
});

test('done with an error is failed with its message; videos held back by the safety filters are a failure with their reasons', async () => {
	suite.sim.gemini.jobs.nextScripts.push(
		{ queueMs: 0, runMs: 100, outcome: 'failed', failure: { reason: 'Video generation failed: internal error.' } },
		{ queueMs: 0, runMs: 100, outcome: 'failed', failure: { code: GEMINI_SAFETY_FILTERED, reason: 'Person generation is not allowed.' } },
	);
	const result = await runPreset(suite.setup, { ...CREATE, waitForCompletion: true, waitSettings: FAST_WAIT }, [{ prompt: 'one' }, { prompt: 'two' }]);
	const [failed, filtered] = result.outputs.Job.map((item) => item.json);
	expect(failed).toMatchObject({ status: 'failed', done: true, outputs: [], error: { message: 'Video generation failed: internal error.' } });
	expect(filtered).toMatchObject({ status: 'failed', done: true, outputs: [], error: { message: 'Person generation is not allowed.' } });
});

test('an unknown model is refused with the API message', async () => {
	const result = await runPreset(suite.setup, { ...CREATE, endpoint: 'veo-0' }, [{ prompt: 'x' }]);
	expect(result.error?.message).toMatch(/models\/veo-0 is not found/);
});

test('Download Outputs fetches each file URI with the key in x-goog-api-key', async () => {
	suite.sim.gemini.jobs.nextScripts.push({ queueMs: 0, runMs: 100 });
	const result = await runPreset(suite.setup, { ...CREATE, waitForCompletion: true, waitSettings: FAST_WAIT, options: { downloadOutputs: true } }, [{ prompt: 'a kite' }]);
	expect(result.error).toBeUndefined();
	expect(Buffer.from(result.outputs.Job[0].binary!.data.data, 'base64')).toEqual(MP4_BYTES);
	const download = suite.sim.server.log.find((entry) => entry.path.includes('/files/'))!;
	expect(download).toMatchObject({ method: 'GET', query: '?alt=media', status: 200 });
	expect(download.headers['x-goog-api-key']).toBe([...suite.sim.gemini.apiKeys][0]);
});

test('a job ID with dot segments goes into the address as one encoded segment, never out of its path', async () => {
	const result = await runPreset(suite.setup, { operation: 'getJob', jobId: 'models/../../v1beta/files/abc' });
	expect(result.error).toBeDefined();
	expect(suite.sim.server.log.map((entry) => entry.path)).toEqual(['/v1beta/models%2F..%2F..%2Fv1beta%2Ffiles%2Fabc']);
});
