import { runWorkflow } from './harness/engine';
import { singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';

let sim: ProviderSimulators;
beforeAll(async () => {
	sim = await startSimulators();
});
afterAll(async () => await sim.stop());

test('Get Job of a finished job', async () => {
	sim.aetherForge.jobs.nextScripts.push({ queueMs: 0, runMs: 0 });
	const job = sim.aetherForge.jobs.create('550e8400-e29b-41d4-a716-446655440000', sim.server.clock.now(), { form: { path: '', fields: {}, files: {} }, imageUrls: [] });
	const result = await runWorkflow(singleNodeWorkflow('aetherForge', { operation: 'getJob', jobId: job.id }), {
		credentials: sim.credentials,
	});
	expect(result.error).toBeUndefined();
	expect(result.outputs.Job[0].json).toMatchObject({ provider: 'aetherForge', jobId: job.id, status: 'succeeded', done: true });
});

test('credential test tells a rejected key from an accepted one', async () => {
	const { testCredential } = await import('./harness/engine');
	expect(await testCredential('aetherForgeApi', sim.credentials.aetherForgeApi)).toEqual({ status: 'OK', message: 'Connection successful!' });
	expect(await testCredential('aetherForgeApi', { ...sim.credentials.aetherForgeApi, apiKey: 'wrong' })).toEqual({
		status: 'Error',
		message: 'AetherForge rejected this API key',
	});
});
