import type { IDataObject } from 'n8n-workflow';

import { binaryItem, runWorkflow, testCredential } from './harness/engine';
import { singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';
import { PNG_BYTES } from './simulator/jobs';

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

const FAST_WAIT = { pollInterval: 0.1, maxInterval: 0.2, timeout: 0.5 };
const png = (fileName: string) => ({ bytes: PNG_BYTES, mimeType: 'image/png', fileName });
/** An input item with PNGs in binary properties `data`, `data_1` … */
const itemWithImages = (count: number) =>
	binaryItem({}, Object.fromEntries(Array.from({ length: count }, (_, index) => [index === 0 ? 'data' : `data_${index}`, png(`in${index}.png`)])));

const run = async (parameters: IDataObject, items = [itemWithImages(1)], credentials = sim.credentials) =>
	await runWorkflow(singleNodeWorkflow('aetherForge', parameters), { credentials, inputItems: items });

const createRequests = () => sim.server.log.filter((entry) => entry.prefix === '/aetherforge' && entry.method === 'POST');

describe('Create Job sends every creation type as the API documents it', () => {
	const rows = '[{"row":1,"title":"Idle","description":"standing"}]';
	const cases: Array<{ type: string; parameters: IDataObject; images: number; fields: IDataObject; files: Record<string, number> }> = [
		{ type: 'generateImage', parameters: { prompt: 'a castle', ai_model: 'Nano Banana', ref_imagesBinary: 'data, data_1' }, images: 2, fields: { prompt: 'a castle', ai_model: 'Nano Banana' }, files: { ref_images: 2 } },
		{ type: 'effectV1', parameters: { description: 'sparkles', resolution: '2K', imageBinary: 'data' }, images: 1, fields: { description: 'sparkles', resolution: '2K' }, files: { image: 1 } },
		{ type: 'effectV2', parameters: { description: 'fire', quality: 'pro', frame: '9', imageBinary: '' }, images: 0, fields: { description: 'fire', quality: 'pro', frame: '9' }, files: {} },
		{ type: 'upscale', parameters: { imageBinary: 'data', scale: '4K' }, images: 1, fields: { scale: '4K' }, files: { image: 1 } },
		{ type: 'inpaintV2', parameters: { imageBinary: 'data', prompt: 'add a hat', quality: 'standard' }, images: 1, fields: { prompt: 'add a hat', quality: 'standard' }, files: { image: 1 } },
		{ type: 'splitLayer', parameters: { imageBinary: 'data', keyword: 'sword' }, images: 1, fields: { keyword: 'sword' }, files: { image: 1 } },
		{ type: 'makeSpriteV1', parameters: { imageBinary: 'data', text: 'run cycle', frame: '36', is_pixel: true }, images: 1, fields: { text: 'run cycle', frame: '36', is_pixel: 'true' }, files: { image: 1 } },
		{ type: 'makeSpriteV2', parameters: { start_frame_imageBinary: 'data', end_frame_imageBinary: 'data_1', text: 'jump', frame: '81', is_pixel: false }, images: 2, fields: { text: 'jump', frame: '81', is_pixel: 'false' }, files: { start_frame_image: 1, end_frame_image: 1 } },
		{ type: 'reskinV1', parameters: { imageBinary: 'data', description: 'ice knight', resolution: '1K', style: 'pixel' }, images: 1, fields: { description: 'ice knight', resolution: '1K', style: 'pixel' }, files: { image: 1 } },
		{ type: 'reskinV2', parameters: { imageBinary: 'data', description: 'robot', quality: 'pro', style: '' }, images: 1, fields: { description: 'robot', quality: 'pro' }, files: { image: 1 } },
		{ type: 'characterOverlayV1', parameters: { sprite_sheetBinary: 'data', character_imagesBinary: 'data_1, data_2', rows, resolution: '2K', style: 'cartoon' }, images: 3, fields: { rows, resolution: '2K', style: 'cartoon' }, files: { sprite_sheet: 1, character_images: 2 } },
		{ type: 'characterOverlayV2', parameters: { sprite_sheetBinary: 'data', character_imagesBinary: 'data_1', rows, quality: 'standard' }, images: 2, fields: { rows, quality: 'standard' }, files: { sprite_sheet: 1, character_images: 1 } },
	];

	test.each(cases)('$type', async ({ type, parameters, images, fields, files }) => {
		const result = await run({ operation: 'createJob', type, ...parameters }, [itemWithImages(Math.max(images, 1))]);
		expect(result.error).toBeUndefined();
		const item = result.outputs.Job[0].json;
		expect(item).toMatchObject({ provider: 'aetherForge', status: 'running', done: false, providerStatus: 'Pending' });
		const received = sim.aetherForge.jobs.jobs.get(item.jobId as string)!.extra.form;
		expect(received.fields).toEqual(fields);
		expect(Object.fromEntries(Object.entries(received.files).map(([name, list]) => [name, list.length]))).toEqual(files);
		for (const list of Object.values(received.files)) expect(list.every((file) => file.type === 'image/png' && file.size === PNG_BYTES.length)).toBe(true);
	});
});

describe('Create Job checks documented limits before sending', () => {
	test.each([
		['too many reference images for the model', { type: 'generateImage', prompt: 'x', ai_model: 'Grok Imagine Pro', ref_imagesBinary: 'data, data_1' }, 2, /at most 1 image/],
		['a frame value the endpoint does not take', { type: 'makeSpriteV2', start_frame_imageBinary: 'data', text: 'x', frame: '=50', is_pixel: false }, 1, /"50" is not one of 49, 81, 121/],
		['five character images', { type: 'characterOverlayV1', sprite_sheetBinary: 'data', character_imagesBinary: 'data_1, data_2, data_3, data_4, data_5', rows: '[{"row":1}]', resolution: '1K' }, 6, /at most 4 image/],
		['rows that are not JSON', { type: 'characterOverlayV2', sprite_sheetBinary: 'data', character_imagesBinary: 'data_1', rows: '[{row:1', quality: 'pro' }, 2, /must be valid JSON/],
		['a missing binary property', { type: 'upscale', imageBinary: 'photo', scale: '2K' }, 1, /photo/],
		['an empty prompt', { type: 'generateImage', prompt: '  ', ai_model: 'GPT Image 2' }, 1, /"Prompt".*required/],
	])('%s', async (_, parameters, images, message) => {
		const result = await run({ operation: 'createJob', ...parameters }, [itemWithImages(images)]);
		expect(result.error?.message).toMatch(message);
		expect(createRequests()).toHaveLength(0);
	});

	test('a file that is not an image', async () => {
		const item = binaryItem({}, { data: { bytes: Buffer.from('%PDF-1.7'), mimeType: 'application/pdf', fileName: 'a.pdf' } });
		const result = await run({ operation: 'createJob', type: 'upscale', imageBinary: 'data', scale: '2K' }, [item]);
		expect(result.error?.message).toMatch(/holds application\/pdf, not an image/);
		expect(createRequests()).toHaveLength(0);
	});
});

test('create, wait to Succeed and download the images as binary data', async () => {
	sim.aetherForge.jobs.nextScripts.push({ queueMs: 100, runMs: 200, outputCount: 2 });
	const result = await run({
		operation: 'createJob',
		type: 'upscale',
		imageBinary: 'data',
		scale: '2K',
		waitForCompletion: true,
		waitSettings: FAST_WAIT,
		options: { downloadOutputs: true },
	});
	expect(result.error).toBeUndefined();
	const [item] = result.outputs.Job;
	expect(item.json).toMatchObject({ status: 'succeeded', done: true, providerStatus: 'Succeed', progress: 100, error: null });
	expect(item.json.outputs).toEqual([
		expect.objectContaining({ kind: 'image', format: 'png' }),
		expect.objectContaining({ kind: 'image', format: 'png' }),
	]);
	expect(Object.keys(item.binary ?? {})).toEqual(['data', 'data_1']);
	expect(item.binary!.data).toMatchObject({ mimeType: 'image/png', fileExtension: 'png' });
	expect(Buffer.from(item.binary!.data.data, 'base64')).toEqual(PNG_BYTES);
});

describe('a Failed job', () => {
	test('carries the reason the body gives', async () => {
		sim.aetherForge.jobs.nextScripts.push({ queueMs: 0, runMs: 100, outcome: 'failed', failure: { reason: 'Content moderation: image rejected' } });
		const result = await run({ operation: 'createJob', type: 'upscale', imageBinary: 'data', scale: '2K', waitForCompletion: true, waitSettings: FAST_WAIT });
		expect(result.outputs.Job[0].json).toMatchObject({
			status: 'failed',
			done: true,
			providerStatus: 'Failed',
			error: { message: 'Content moderation: image rejected', retryable: false },
		});
	});

	test('without a reason says so and names the usual causes', async () => {
		sim.aetherForge.jobs.nextScripts.push({ queueMs: 0, runMs: 100, outcome: 'failed' });
		const result = await run({ operation: 'createJob', type: 'upscale', imageBinary: 'data', scale: '2K', waitForCompletion: true, waitSettings: FAST_WAIT });
		expect((result.outputs.Job[0].json.error as IDataObject).message).toMatch(/gave no reason.*moderation.*low a resolution/);
	});
});

describe('Get Job', () => {
	test('rejects a job id that is not a UUID before any request', async () => {
		const result = await run({ operation: 'getJob', jobId: '12345' });
		expect(result.error?.message).toBe('"Job ID" of item 0 must be an AetherForge job ID (a UUID), not "12345"');
		expect(sim.server.log).toHaveLength(0);
	});

	test('reports an unknown job as not found', async () => {
		const result = await run({ operation: 'getJob', jobId: '550e8400-e29b-41d4-a716-446655440000' });
		expect(result.error?.message).toBe('AetherForge could not get job 550e8400-e29b-41d4-a716-446655440000: Job not found');
	});

	test('reads FastAPI validation errors into field messages', async () => {
		sim.server.injectFault({
			prefix: '/aetherforge',
			times: 1,
			fault: { kind: 'status', status: 422, body: { detail: [{ loc: ['path', 'job_id'], msg: 'value is not a valid uuid', type: 'type_error.uuid' }] } },
		});
		const result = await run({ operation: 'getJob', jobId: '550e8400-e29b-41d4-a716-446655440000' });
		expect(result.error?.message).toMatch(/path\.job_id: value is not a valid uuid/);
	});

	test('reports "Not Found User" as a credential problem', async () => {
		sim.aetherForge.keysWithoutUser.add('orphan-key');
		const credentials = { ...sim.credentials, aetherForgeApi: { ...sim.credentials.aetherForgeApi, apiKey: 'orphan-key' } };
		const result = await run({ operation: 'getJob', jobId: '550e8400-e29b-41d4-a716-446655440000' }, undefined, credentials);
		expect(result.error?.message).toMatch(/Not Found User/);
		// A 404 that is about the key, not the job: the hint points at the credential, not at the job ID.
		expect(result.error?.httpCode).toBe('404');
		expect(result.error?.description).toMatch(/Check the AetherForge credential/);
		expect(result.error?.description).not.toMatch(/job ID/i);
	});
});

test('a create that may have reached the server is not sent again', async () => {
	sim.server.injectFault({ prefix: '/aetherforge', method: 'POST', times: 1, fault: { kind: 'resetAfterHandling' } });
	const result = await run({ operation: 'createJob', type: 'upscale', imageBinary: 'data', scale: '2K' });
	expect(createRequests()).toHaveLength(1);
	expect(sim.aetherForge.jobs.jobs.size).toBeGreaterThan(0);
	expect(result.error?.message).toBe('AetherForge could not create the Upscale Image job: the connection was reset');
	expect(result.error?.description).toMatch(/may have reached AetherForge, so a job may exist/);
});

test('credential test tells a rejected key from an accepted one', async () => {
	expect(await testCredential('aetherForgeApi', sim.credentials.aetherForgeApi)).toEqual({ status: 'OK', message: 'Connection successful!' });
	expect(await testCredential('aetherForgeApi', { ...sim.credentials.aetherForgeApi, apiKey: 'wrong' })).toEqual({
		status: 'Error',
		message: 'AetherForge rejected this API key',
	});
});
