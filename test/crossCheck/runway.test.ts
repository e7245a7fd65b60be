import RunwayML, { TaskFailedError } from '@runwayml/sdk';

import type { ProviderSimulators } from '../simulator';
import { startSimulators } from '../simulator';
import { MP4_BYTES } from '../simulator/jobs';

/** `@runwayml/sdk` runs whole tasks against the simulator: if it cannot, the simulator (and the preset) drifted. */

let sim: ProviderSimulators;
let client: RunwayML;
const clientFor = (apiKey: string) => new RunwayML({ apiKey, baseURL: sim.server.baseUrl(sim.runway), maxRetries: 0 });

beforeAll(async () => {
	sim = await startSimulators();
	client = clientFor([...sim.runway.apiKeys][0]);
});
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

test('image to video: THROTTLED, RUNNING with progress, SUCCEEDED with its video, read by the SDK waiter', async () => {
	sim.runway.waitingWord = 'THROTTLED';
	sim.runway.jobs.nextScripts.push({ queueMs: 1_000, runMs: 4_000 });
	const created = await client.imageToVideo.create({ model: 'gen4_turbo', promptImage: 'https://example.com/still.jpg', ratio: '1280:720', promptText: 'waves', duration: 5 });
	expect(created).toEqual({ id: expect.any(String), estimatedCost: { credits: 60 } });
	expect(sim.server.log[0].headers['x-runway-version']).toBe('2024-11-06');

	await expect(client.tasks.retrieve(created.id)).resolves.toMatchObject({ status: 'THROTTLED', estimatedCost: { credits: 60 } });
	sim.server.clock.advance(3_000);
	const running = await client.tasks.retrieve(created.id);
	expect(running.status).toBe('RUNNING');
	const progress = (running as { progress: number }).progress;
	expect(progress).toBeGreaterThan(0);
	expect(progress).toBeLessThan(1);

	sim.server.clock.advance(3_000);
	// The waiter of a retrieve looks once without waiting first: the task has ended, so it answers at once.
	const succeeded = await client.tasks.retrieve(created.id).waitForTaskOutput();
	expect(succeeded).toMatchObject({ status: 'SUCCEEDED', cost: { credits: 60 }, output: [expect.stringMatching(/\.mp4$/)] });
	const video = await fetch((succeeded as { output: string[] }).output[0]);
	expect(Buffer.from(await video.arrayBuffer())).toEqual(MP4_BYTES);
});

test('text to video, canceled with DELETE while it runs; DELETE of an ended task deletes it', async () => {
	sim.runway.jobs.nextScripts.push({ queueMs: 0, runMs: 60_000 });
	const created = await client.textToVideo.create({ model: 'veo3.1', promptText: 'a lighthouse at dawn', ratio: '1280:720' });
	sim.server.clock.advance(1_000);
	await client.tasks.delete(created.id);
	const waited = client.tasks.retrieve(created.id).waitForTaskOutput();
	await expect(waited).rejects.toBeInstanceOf(TaskFailedError);
	await expect(waited).rejects.toMatchObject({ message: 'Task cancelled', taskDetails: { status: 'CANCELLED', cost: { credits: 0 } } });

	await client.tasks.delete(created.id);
	await expect(client.tasks.retrieve(created.id)).rejects.toBeInstanceOf(RunwayML.NotFoundError);
});

test('a FAILED task: the SDK waiter throws its failure and failure code', async () => {
	sim.runway.jobs.nextScripts.push({ queueMs: 0, runMs: 10, outcome: 'failed', failure: { reason: 'The input image did not pass moderation.', code: 'SAFETY.INPUT.IMAGE' } });
	const created = await client.imageToVideo.create({ model: 'gen4.5', promptImage: 'https://example.com/a.jpg', promptText: 'a turn', ratio: '960:960', duration: 5 });
	sim.server.clock.advance(1_000);
	const waited = client.tasks.retrieve(created.id).waitForTaskOutput();
	await expect(waited).rejects.toMatchObject({ message: 'The input image did not pass moderation.', taskDetails: { status: 'FAILED', failureCode: 'SAFETY.INPUT.IMAGE' } });
});

test('errors are the SDK error classes with the API error text', async () => {
	const refused = client.textToVideo.create({ model: 'veo3.1', ratio: '1280:720' } as never);
	await expect(refused).rejects.toBeInstanceOf(RunwayML.BadRequestError);
	await expect(refused).rejects.toMatchObject({ status: 400, error: { error: 'Validation of body failed', issues: [{ path: ['promptText'], message: 'Required' }] } });
	await expect(clientFor('key_wrong').tasks.retrieve('x')).rejects.toBeInstanceOf(RunwayML.AuthenticationError);
	expect(sim.server.log.map((entry) => entry.status)).toEqual([400, 401]);
});
