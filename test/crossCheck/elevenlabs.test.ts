import { ElevenLabs, ElevenLabsClient, ElevenLabsError } from '@elevenlabs/elevenlabs-js';

import type { ProviderSimulators } from '../simulator';
import { startSimulators } from '../simulator';
import { MP3_BYTES } from '../simulator/elevenlabs';
import { MP4_BYTES } from '../simulator/jobs';

/** `@elevenlabs/elevenlabs-js` runs whole dubbing jobs against the simulator: if it cannot, the simulator (and the preset) drifted. */

let sim: ProviderSimulators;
let client: ElevenLabsClient;
const clientFor = (apiKey: string) => new ElevenLabsClient({ apiKey, baseUrl: sim.server.baseUrl(sim.elevenlabs), maxRetries: 0 });

beforeAll(async () => {
	sim = await startSimulators();
	client = clientFor([...sim.elevenlabs.apiKeys][0]);
});
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

const bytesOf = async (stream: ReadableStream<Uint8Array>) => Buffer.from(await new Response(stream).arrayBuffer());

test('dub an uploaded audio file: every status word, then the dubbed audio behind the key, then delete', async () => {
	sim.elevenlabs.jobs.nextScripts.push({ queueMs: 1_000, runMs: 10_000 });
	const created = await client.dubbing.create({ file: new Blob([MP3_BYTES], { type: 'audio/mpeg' }), targetLang: 'es', sourceLang: 'en', name: 'Episode 1', numSpeakers: 1, watermark: true });
	expect(created).toEqual({ dubbingId: expect.any(String), expectedDurationSec: 11 });
	expect(String(sim.server.log[0].headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);

	const seen = [(await client.dubbing.get(created.dubbingId)).status];
	await expect(client.dubbing.audio.get(created.dubbingId, 'es')).rejects.toBeInstanceOf(ElevenLabs.TooEarlyError);
	for (const step of [1_500, 5_000, 6_000]) {
		sim.server.clock.advance(step);
		seen.push((await client.dubbing.get(created.dubbingId)).status);
	}
	expect(seen).toEqual(['queued', 'preparing', 'dubbing', 'dubbed']);
	const dubbed = await client.dubbing.get(created.dubbingId);
	expect(dubbed).toMatchObject({ name: 'Episode 1', targetLanguages: ['es'], sourceLanguage: 'en', mediaMetadata: { contentType: 'audio/mpeg' } });
	expect(dubbed.createdAt).toBeInstanceOf(Date);

	expect(await bytesOf(await client.dubbing.audio.get(created.dubbingId, 'es'))).toEqual(MP3_BYTES);
	const download = sim.server.log.filter((entry) => entry.path.endsWith('/audio/es')).pop()!;
	expect(download.headers['xi-api-key']).toBe([...sim.elevenlabs.apiKeys][0]);

	await expect(client.dubbing.delete(created.dubbingId)).resolves.toEqual({ status: 'ok' });
	await expect(client.dubbing.get(created.dubbingId)).rejects.toMatchObject({ statusCode: 404 });
});

test('dub a video by its URL: the dubbed file is a video', async () => {
	sim.elevenlabs.jobs.nextScripts.push({ queueMs: 0, runMs: 10 });
	const created = await client.dubbing.create({ sourceUrl: 'https://example.com/talk.mp4', targetLang: 'de' });
	sim.server.clock.advance(1_000);
	expect(await bytesOf(await client.dubbing.audio.get(created.dubbingId, 'de'))).toEqual(MP4_BYTES);
});

test('a failed dubbing carries its error', async () => {
	sim.elevenlabs.jobs.nextScripts.push({ queueMs: 0, runMs: 10, outcome: 'failed', failure: { reason: 'No speech was found in the source.' } });
	const created = await client.dubbing.create({ sourceUrl: 'https://example.com/silence.mp3', targetLang: 'fr' });
	sim.server.clock.advance(1_000);
	await expect(client.dubbing.get(created.dubbingId)).resolves.toMatchObject({ status: 'failed', error: 'No speech was found in the source.' });
});

test('errors are the SDK error classes with the API detail', async () => {
	const refused = client.dubbing.create({ sourceUrl: 'https://example.com/talk.mp4' });
	await expect(refused).rejects.toBeInstanceOf(ElevenLabs.UnprocessableEntityError);
	await expect(refused).rejects.toMatchObject({ statusCode: 422, body: { detail: [{ loc: ['body', 'target_lang'], msg: 'Field required' }] } });
	const stranger = clientFor('sk_wrong').dubbing.get('x');
	await expect(stranger).rejects.toBeInstanceOf(ElevenLabsError);
	await expect(stranger).rejects.toMatchObject({ statusCode: 401, body: { detail: { status: 'invalid_api_key' } } });
	expect(sim.server.log.map((entry) => entry.status)).toEqual([422, 401]);
});
