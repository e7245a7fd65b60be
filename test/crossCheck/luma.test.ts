/**
 * The official `lumaai` client runs whole generations against the Luma simulator (its `baseURL`
 * option): if the simulator, and so the Luma preset tested against it, drifted from the protocol
 * the client speaks, these fail. Luma has no cancel.
 */
import LumaAI from 'lumaai';

import type { ProviderSimulators } from '../simulator';
import { startSimulators } from '../simulator';
import { MP4_BYTES } from '../simulator/jobs';

let sim: ProviderSimulators;
let luma: LumaAI;
const clientWith = (authToken: string) => new LumaAI({ authToken, baseURL: `${sim.server.baseUrl(sim.luma)}/dream-machine/v1`, maxRetries: 0 });
beforeAll(async () => {
	sim = await startSimulators();
	luma = clientWith([...sim.luma.apiKeys][0]);
});
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

const poll = async (id: string) => {
	for (;;) {
		const generation = await luma.generations.get(id);
		if (generation.state === 'completed' || generation.state === 'failed') return generation;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
};

test('a video: create, poll through queued and dreaming, download assets.video', async () => {
	sim.luma.jobs.nextScripts.push({ queueMs: 200, runMs: 1000 });
	const created = await luma.generations.create({ prompt: 'a lighthouse at dawn', model: 'ray-2' });
	expect(created).toMatchObject({ state: 'queued', generation_type: 'video', model: 'ray-2' });
	const states = new Set<string | undefined>();
	let generation = created;
	while (generation.state !== 'completed') {
		await new Promise((resolve) => setTimeout(resolve, 100));
		generation = await luma.generations.get(created.id!);
		states.add(generation.state);
	}
	expect(states).toContain('dreaming');
	const video = await fetch(generation.assets!.video!);
	expect(Buffer.from(await video.arrayBuffer())).toEqual(MP4_BYTES);
});

test('an image: generations.image.create, then assets.image', async () => {
	sim.luma.jobs.nextScripts.push({ queueMs: 0, runMs: 100 });
	const created = await luma.generations.image.create({ prompt: 'a lighthouse', model: 'photon-1' });
	const done = await poll(created.id!);
	expect(done).toMatchObject({ state: 'completed', generation_type: 'image', assets: { image: expect.stringMatching(/\.png$/) } });
});

test('a failed generation carries failure_reason; delete removes it', async () => {
	sim.luma.jobs.nextScripts.push({ queueMs: 0, runMs: 100, outcome: 'failed', failure: { reason: 'The prompt was flagged by moderation' } });
	const created = await luma.generations.create({ prompt: 'x', model: 'ray-flash-2' });
	expect(await poll(created.id!)).toMatchObject({ state: 'failed', failure_reason: 'The prompt was flagged by moderation' });
	await luma.generations.delete(created.id!);
	await expect(luma.generations.get(created.id!)).rejects.toMatchObject({ status: 404 });
});

test('a wrong model and a wrong key are API errors with their status', async () => {
	await expect(luma.generations.create({ prompt: 'x', model: 'ray-9' as 'ray-2' })).rejects.toMatchObject({ status: 400 });
	await expect(clientWith('wrong').generations.get('00000000-0000-0000-0000-000000000000')).rejects.toBeInstanceOf(LumaAI.AuthenticationError);
});
