import { GenerateVideosOperation, GoogleGenAI } from '@google/genai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ProviderSimulators } from '../simulator';
import { startSimulators } from '../simulator';
import { GEMINI_SAFETY_FILTERED } from '../simulator/gemini';
import { MP4_BYTES } from '../simulator/jobs';

/**
 * `@google/genai` runs whole Veo operations against the simulator of the Gemini Developer API.
 * This SDK version offers `models.generateVideos` on Vertex AI only (it refuses the Gemini
 * Developer API, see the first test), so the create goes through the SDK's own transport with
 * the body of the Gemini API's REST reference and is read by the SDK's operation class; the
 * polling (`operations.getVideosOperation`) and the download (`files.download`) are the SDK's.
 */

let sim: ProviderSimulators;
let ai: GoogleGenAI;
let downloads: string;
const MODEL = 'veo-3.0-generate-001';

/** The SDK's transport, which `generateVideos` would use (not part of its typed surface). */
interface GenAiTransport {
	request(request: { path: string; httpMethod: 'POST'; body: string }): Promise<{ json(): Promise<unknown> }>;
}

async function createOperation(prompt: string, model = MODEL): Promise<GenerateVideosOperation> {
	const transport = (ai as unknown as { apiClient: GenAiTransport }).apiClient;
	const reply = await transport.request({
		path: `models/${model}:predictLongRunning`,
		httpMethod: 'POST',
		body: JSON.stringify({ instances: [{ prompt }], parameters: { aspectRatio: '16:9', durationSeconds: 8 } }),
	});
	return new GenerateVideosOperation()._fromAPIResponse({ apiResponse: (await reply.json()) as Record<string, unknown>, _isVertexAI: false }) as GenerateVideosOperation;
}

/**
 * The SDK's own fetch option: without it the SDK looks for Node's global Undici dispatcher, which
 * Jest's sandboxed global does not hold (the requests are the same either way).
 */
const clientFor = (apiKey: string) => new GoogleGenAI({ apiKey, httpOptions: { baseUrl: sim.server.baseUrl(sim.gemini), fetch: globalThis.fetch } });

beforeAll(async () => {
	sim = await startSimulators();
	ai = clientFor([...sim.gemini.apiKeys][0]);
	downloads = mkdtempSync(join(tmpdir(), 'gemini-'));
});
afterAll(async () => {
	rmSync(downloads, { recursive: true, force: true });
	await sim.stop();
});
beforeEach(() => sim.reset());

test('this SDK version refuses generateVideos on the Gemini Developer API', async () => {
	await expect(ai.models.generateVideos({ model: MODEL, source: { prompt: 'a lighthouse' } })).rejects.toThrow(/only supported by the Gemini Enterprise Agent Platform/);
	expect(sim.server.log).toHaveLength(0);
});

test('create, poll until done, read the videos under response, download each with the key', async () => {
	sim.gemini.jobs.nextScripts.push({ queueMs: 1_000, runMs: 4_000, outputCount: 2 });
	let operation = await createOperation('a lighthouse at dawn');
	expect(operation.name).toMatch(new RegExp(`^models/${MODEL}/operations/[0-9a-f]+$`));
	expect(operation.done).toBeUndefined();
	const [create] = sim.server.log;
	expect(create).toMatchObject({ method: 'POST', path: `/v1/models/${MODEL}:predictLongRunning` });
	expect(create.headers['x-goog-api-key']).toBe([...sim.gemini.apiKeys][0]);

	operation = await ai.operations.getVideosOperation({ operation });
	expect(operation.done).toBeUndefined();
	sim.server.clock.advance(6_000);
	operation = await ai.operations.getVideosOperation({ operation });
	expect(operation.done).toBe(true);
	expect(operation.error).toBeUndefined();
	const videos = operation.response?.generatedVideos ?? [];
	expect(videos).toHaveLength(2);

	for (const [index, video] of videos.entries()) {
		// The SDK cuts the file id out of https:// URIs only; the simulator's are http://, so it gets the id the same way.
		const fileId = /\/files\/([a-z0-9]+):download/.exec(video.video!.uri!)![1];
		const downloadPath = join(downloads, `video-${index}.mp4`);
		await ai.files.download({ file: `files/${fileId}`, downloadPath });
		expect(readFileSync(downloadPath)).toEqual(MP4_BYTES);
	}
	const fileRequests = sim.server.log.filter((entry) => entry.path.includes('/files/'));
	expect(fileRequests).toHaveLength(2);
	for (const request of fileRequests) {
		expect(request.query).toBe('?alt=media');
		expect(request.headers['x-goog-api-key']).toBe([...sim.gemini.apiKeys][0]);
	}
});

test('a failed operation is done with an error; one the safety filters held back is done with the reasons and no videos', async () => {
	sim.gemini.jobs.nextScripts.push({ queueMs: 0, runMs: 10, outcome: 'failed', failure: { reason: 'Video generation failed: internal error.' } });
	sim.gemini.jobs.nextScripts.push({ queueMs: 0, runMs: 10, outcome: 'failed', failure: { code: GEMINI_SAFETY_FILTERED, reason: 'Person generation is not allowed.' } });
	const failing = await createOperation('one');
	const filtered = await createOperation('two');
	sim.server.clock.advance(1_000);

	const failed = await ai.operations.getVideosOperation({ operation: failing });
	expect(failed).toMatchObject({ done: true, error: { code: 13, message: 'Video generation failed: internal error.' } });
	expect(failed.response).toBeUndefined();
	const held = await ai.operations.getVideosOperation({ operation: filtered });
	expect(held.done).toBe(true);
	expect(held.error).toBeUndefined();
	expect(held.response).toEqual({ raiMediaFilteredCount: 1, raiMediaFilteredReasons: ['Person generation is not allowed.'] });
});

test('errors are the SDK ApiError with the Google error body', async () => {
	const unknownModel = createOperation('x', 'veo-0');
	await expect(unknownModel).rejects.toMatchObject({ name: 'ApiError', status: 404 });
	await expect(unknownModel).rejects.toThrow(/models\/veo-0 is not found/);
	const stranger = clientFor('AIza-wrong');
	await expect(stranger.operations.getVideosOperation({ operation: Object.assign(new GenerateVideosOperation(), { name: `models/${MODEL}/operations/1` }) })).rejects.toMatchObject({
		status: 400,
		message: expect.stringContaining('API_KEY_INVALID'),
	});
});
