import OpenAI from 'openai';

import type { ProviderSimulators } from '../simulator';
import { startSimulators } from '../simulator';
import { MP4_BYTES } from '../simulator/jobs';

/** The `openai` SDK runs whole video jobs against the simulator: if it cannot, the simulator (and the preset) drifted. */

let sim: ProviderSimulators;
let client: OpenAI;
beforeAll(async () => {
	sim = await startSimulators();
	client = new OpenAI({ apiKey: [...sim.openai.apiKeys][0], baseURL: `${sim.server.baseUrl(sim.openai)}/v1`, maxRetries: 0 });
});
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

test('create (multipart, as the SDK sends it), poll through every status, download the content, delete', async () => {
	sim.openai.jobs.nextScripts.push({ queueMs: 1_000, runMs: 4_000 });
	const created = await client.videos.create({ prompt: 'a lighthouse at dawn', model: 'sora-2-pro', seconds: '8', size: '1280x720' });
	expect(created).toMatchObject({ object: 'video', status: 'queued', progress: 0, model: 'sora-2-pro', seconds: '8', size: '1280x720', error: null });
	expect(String(sim.server.log[0].headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);

	sim.server.clock.advance(3_000);
	const running = await client.videos.retrieve(created.id);
	expect(running.status).toBe('in_progress');
	expect(running.progress).toBeGreaterThan(0);
	expect(running.progress).toBeLessThan(100);

	sim.server.clock.advance(3_000);
	const done = await client.videos.retrieve(created.id);
	expect(done).toMatchObject({ status: 'completed', progress: 100, error: null });
	expect(done.completed_at).toBeGreaterThanOrEqual(done.created_at);
	expect(done.expires_at).toBeGreaterThan(done.completed_at!);

	const content = await client.videos.downloadContent(created.id);
	expect(content.headers.get('content-type')).toBe('video/mp4');
	expect(Buffer.from(await content.arrayBuffer())).toEqual(MP4_BYTES);
	const thumbnail = await client.videos.downloadContent(created.id, { variant: 'thumbnail' });
	expect(thumbnail.headers.get('content-type')).toBe('image/webp');
	const contentRequest = sim.server.log.find((entry) => entry.path.endsWith('/content'))!;
	expect(contentRequest.headers.authorization).toBe(`Bearer ${[...sim.openai.apiKeys][0]}`);

	await expect(client.videos.delete(created.id)).resolves.toMatchObject({ id: created.id, deleted: true, object: 'video.deleted' });
	await expect(client.videos.retrieve(created.id)).rejects.toMatchObject({ status: 404, code: 'video_not_found' });
});

test('a JSON create is taken as the multipart one is', async () => {
	const created = await client.post<OpenAI.Videos.Video>('/videos', { body: { prompt: 'a red kite', seconds: '4' } });
	expect(created).toMatchObject({ status: 'queued', model: 'sora-2', seconds: '4', size: '720x1280' });
	expect(String(sim.server.log[0].headers['content-type'])).toBe('application/json');
});

test('a failed video carries its error, and its content is refused', async () => {
	sim.openai.jobs.nextScripts.push({ queueMs: 0, runMs: 10, outcome: 'failed', failure: { code: 'moderation_blocked', reason: 'Your request was blocked by our moderation system.' } });
	const created = await client.videos.create({ prompt: 'something blocked' });
	sim.server.clock.advance(1_000);
	const failed = await client.videos.retrieve(created.id);
	expect(failed).toMatchObject({ status: 'failed', error: { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' } });
	await expect(client.videos.downloadContent(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
});

test('errors are the SDK error classes, with the API message and parameter', async () => {
	const refused = client.videos.create({ prompt: 'x', seconds: '5' as never });
	await expect(refused).rejects.toBeInstanceOf(OpenAI.BadRequestError);
	await expect(refused).rejects.toMatchObject({ status: 400, param: 'seconds', code: 'invalid_value', type: 'invalid_request_error' });
	const stranger = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${sim.server.baseUrl(sim.openai)}/v1`, maxRetries: 0 });
	await expect(stranger.videos.retrieve('video_1')).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
	expect(sim.server.log.map((entry) => entry.status)).toEqual([400, 401]);
});
