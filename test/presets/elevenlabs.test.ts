import { FAST_WAIT, presetSuite, runPreset } from '../harness/presetRun';
import { MP4_BYTES } from '../simulator/jobs';

/** The HTTP Async Job node with the ElevenLabs Dubbing preset, in n8n's engine, against the simulator @elevenlabs/elevenlabs-js checks. */

const suite = presetSuite('elevenlabs');
const baseUrl = () => suite.sim.server.baseUrl(suite.sim.elevenlabs);

const INPUT = '={{ { source_url: $json.video, target_lang: $json.language, num_speakers: 2, watermark: true } }}';

test('dub a video: multipart fields with the key in xi-api-key, every status word, the dubbed file addressed by its language', async () => {
	suite.sim.elevenlabs.jobs.nextScripts.push({ queueMs: 200, runMs: 600 });
	const result = await runPreset(suite.setup, { operation: 'createJob', input: INPUT, waitForCompletion: true, waitSettings: FAST_WAIT }, [{ video: 'https://example.com/talk.mp4', language: 'es' }]);
	expect(result.error).toBeUndefined();
	const [item] = result.outputs.Job;
	const jobId = item.json.jobId as string;
	expect(item.json).toMatchObject({ status: 'succeeded', providerStatus: 'dubbed', error: null });
	expect(item.json.outputs).toEqual([{ url: `${baseUrl()}/v1/dubbing/${jobId}/audio/es`, kind: 'file' }]);

	const [create, ...polls] = suite.sim.server.log;
	expect(create).toMatchObject({ method: 'POST', path: '/v1/dubbing', status: 200 });
	expect(String(create.headers['content-type'])).toMatch(/^multipart\/form-data/);
	for (const field of ['name="source_url"\r\n\r\nhttps://example.com/talk.mp4', 'name="target_lang"\r\n\r\nes', 'name="num_speakers"\r\n\r\n2', 'name="watermark"\r\n\r\ntrue']) {
		expect(create.body).toContain(field);
	}
	expect(suite.sim.server.log.every((entry) => entry.headers['xi-api-key'] === [...suite.sim.elevenlabs.apiKeys][0])).toBe(true);
	expect(polls.every((entry) => entry.method === 'GET' && entry.path === `/v1/dubbing/${jobId}`)).toBe(true);
});

test('queued is queued, preparing and dubbing are running', async () => {
	suite.sim.elevenlabs.jobs.nextScripts.push({ queueMs: 1_000, runMs: 10_000 });
	const created = await runPreset(suite.setup, { operation: 'createJob', input: '{"source_url": "https://example.com/a.mp3", "target_lang": "de"}' });
	// The create's reply has no status: the job is queued.
	expect(created.outputs.Job[0].json).toMatchObject({ status: 'queued', providerStatus: 'created' });
	const jobId = created.outputs.Job[0].json.jobId as string;
	const seen: unknown[] = [];
	for (const step of [0, 1_500, 5_000]) {
		suite.sim.server.clock.advance(step);
		const looked = await runPreset(suite.setup, { operation: 'getJob', jobId });
		seen.push([looked.outputs.Job[0].json.providerStatus, looked.outputs.Job[0].json.status]);
	}
	expect(seen).toEqual([
		['queued', 'queued'],
		['preparing', 'running'],
		['dubbing', 'running'],
	]);
});

test('a create without target_lang names the field', async () => {
	const refused = await runPreset(suite.setup, { operation: 'createJob', input: '{"source_url": "https://example.com/a.mp4"}' });
	expect(refused.error?.message).toMatch(/target_lang: Field required/);
});

test('a dubbed reply without the field the output address names is an error naming that field', async () => {
	suite.sim.elevenlabs.jobs.nextScripts.push({ queueMs: 0, runMs: 10 });
	suite.sim.server.injectFault({ prefix: suite.sim.elevenlabs.prefix, method: 'GET', times: Infinity, fault: { kind: 'rewrite', rewrite: (body) => ({ ...(body as object), target_languages: [] }) } });
	const result = await runPreset(suite.setup, { operation: 'createJob', input: INPUT, waitForCompletion: true, waitSettings: FAST_WAIT }, [{ video: 'https://example.com/a.mp4', language: 'es' }]);
	expect(result.error?.message ?? '').toMatch(/target_languages\[0\]/);
});

test('Download Outputs fetches the dubbed file with the key in xi-api-key', async () => {
	suite.sim.elevenlabs.jobs.nextScripts.push({ queueMs: 0, runMs: 100 });
	const result = await runPreset(suite.setup, { operation: 'createJob', input: INPUT, waitForCompletion: true, waitSettings: FAST_WAIT, options: { downloadOutputs: true } }, [{ video: 'https://example.com/talk.mp4', language: 'es' }]);
	expect(result.error).toBeUndefined();
	expect(Buffer.from(result.outputs.Job[0].binary!.data.data, 'base64')).toEqual(MP4_BYTES);
	const download = suite.sim.server.log.find((entry) => entry.path.endsWith('/audio/es'))!;
	expect(download).toMatchObject({ method: 'GET', status: 200 });
	expect(download.headers['xi-api-key']).toBe([...suite.sim.elevenlabs.apiKeys][0]);
});
