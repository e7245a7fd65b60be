/**
 * The official `replicate` client runs whole jobs against the Replicate simulator: if the
 * simulator (and so the Replicate preset, tested against it) drifted from the protocol the client
 * speaks, these fail.
 */
import Replicate, { parseProgressFromLogs } from 'replicate';

import type { ProviderSimulators } from '../simulator';
import { startSimulators } from '../simulator';

let sim: ProviderSimulators;
let replicate: Replicate;
beforeAll(async () => {
	sim = await startSimulators();
	replicate = new Replicate({ auth: [...sim.replicate.apiTokens][0], baseUrl: `${sim.server.baseUrl(sim.replicate)}/v1` });
});
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

const MODEL = 'black-forest-labs/flux-schnell';

test('run() creates with Prefer: wait and gets the finished prediction in that one reply', async () => {
	sim.replicate.jobs.nextScripts.push({ queueMs: 100, runMs: 300, outputCount: 2 });
	const output = await replicate.run(MODEL, { input: { prompt: 'a lighthouse' } });
	expect(output).toEqual([expect.stringMatching(/\/files\/.+\/out-0\.png$/), expect.stringMatching(/\/files\/.+\/out-1\.png$/)]);
	const requests = sim.server.log.filter((entry) => entry.prefix === '/replicate');
	expect(requests.map((entry) => `${entry.method} ${entry.path}`)).toEqual([`POST /v1/models/${MODEL}/predictions`]);
	const image = await fetch((output as string[])[0]);
	expect(image.headers.get('content-type')).toBe('image/png');
});

test('create, progress from the logs, wait by polling, outputs', async () => {
	sim.replicate.jobs.nextScripts.push({ queueMs: 200, runMs: 1500 });
	const created = await replicate.predictions.create({ model: MODEL, input: { prompt: 'a lighthouse' } });
	expect(created).toMatchObject({ status: 'starting', model: MODEL, urls: { get: expect.any(String), cancel: expect.any(String) } });
	await new Promise((resolve) => setTimeout(resolve, 500));
	const running = await replicate.predictions.get(created.id);
	expect(running.status).toBe('processing');
	const progress = parseProgressFromLogs(running);
	expect(progress).toEqual({ percentage: expect.any(Number), current: expect.any(Number), total: 100 });
	expect(progress!.percentage).toBeGreaterThan(0);
	const done = await replicate.wait(running, { interval: 100 });
	expect(done).toMatchObject({ status: 'succeeded', error: null, output: [expect.stringContaining('/files/')] });
	expect(parseProgressFromLogs(done)?.percentage).toBe(1);
});

test('a wait of a few seconds answers a job still running with its status', async () => {
	sim.replicate.jobs.nextScripts.push({ queueMs: 0, runMs: 5000 });
	const started = Date.now();
	const created = await replicate.predictions.create({ model: MODEL, input: { prompt: 'slow' }, wait: 1 });
	expect(Date.now() - started).toBeGreaterThanOrEqual(900);
	expect(created.status).toBe('processing');
});

test('cancel', async () => {
	sim.replicate.jobs.nextScripts.push({ queueMs: 0, runMs: 60_000 });
	const created = await replicate.predictions.create({ model: MODEL, input: { prompt: 'a lighthouse' } });
	const canceled = await replicate.predictions.cancel(created.id);
	expect(canceled.status).toBe('canceled');
	expect((await replicate.predictions.get(created.id)).status).toBe('canceled');
});

test('a failed prediction: run() throws with its error', async () => {
	sim.replicate.jobs.nextScripts.push({ queueMs: 0, runMs: 100, outcome: 'failed', failure: { reason: 'CUDA out of memory' } });
	await expect(replicate.run(MODEL, { input: { prompt: 'too big' } })).rejects.toThrow('Prediction failed: CUDA out of memory');
});

test('an aborted prediction reads as the final word "aborted", with no output', async () => {
	sim.replicate.jobs.nextScripts.push({ queueMs: 0, runMs: 100, outcome: 'failed', finalWord: 'aborted' });
	const created = await replicate.predictions.create({ model: MODEL, input: { prompt: 'late' }, wait: 2 });
	expect(created).toMatchObject({ status: 'aborted', output: null });
});

test('an unknown model and a bad token are API errors the client reports with their status', async () => {
	await expect(replicate.predictions.create({ model: 'nobody/nothing', input: {} })).rejects.toMatchObject({ response: { status: 404 } });
	const stranger = new Replicate({ auth: 'r8_wrong', baseUrl: `${sim.server.baseUrl(sim.replicate)}/v1` });
	await expect(stranger.predictions.get('abc')).rejects.toThrow(/401/);
});
