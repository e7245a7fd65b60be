/**
 * The official `@fal-ai/client` runs whole queue requests against the fal simulator (its fetch
 * sends the client's https://queue.fal.run addresses there): if the simulator, and so the fal.ai
 * preset tested against it, drifted from the protocol the client speaks, these fail.
 */
import type { FalClient } from '@fal-ai/client';
import { ApiError, ValidationError, createFalClient } from '@fal-ai/client';

import type { ProviderSimulators } from '../simulator';
import { startSimulators } from '../simulator';

let sim: ProviderSimulators;
let fal: FalClient;
const clientFor = (key: string) =>
	createFalClient({
		credentials: key,
		fetch: async (url, init) => await fetch(String(url).replace('https://queue.fal.run', sim.server.baseUrl(sim.fal)), init),
	});
beforeAll(async () => {
	sim = await startSimulators();
	fal = clientFor([...sim.fal.apiKeys][0]);
});
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

const ENDPOINT = 'fal-ai/flux/dev';

test('subscribe: submit, poll with logs and queue updates, result with its request id', async () => {
	sim.fal.jobs.nextScripts.push({ queueMs: 300, runMs: 1000, outputCount: 2 });
	const updates: Array<{ status: string; request_id?: string; logs?: Array<{ source: string }> }> = [];
	let enqueued = '';
	const result = await fal.subscribe(ENDPOINT, {
		input: { prompt: 'a lighthouse' },
		logs: true,
		pollInterval: 100,
		onEnqueue: (requestId) => (enqueued = requestId),
		onQueueUpdate: (update) => updates.push(update),
	});
	expect(result.requestId).toBe(enqueued);
	expect(result.data.images).toHaveLength(2);
	expect(result.data.images[0]).toMatchObject({ url: expect.stringContaining('/files/'), content_type: 'image/png' });
	expect(updates.map((update) => update.status)).toEqual(expect.arrayContaining(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']));
	expect(updates.every((update) => update.request_id === enqueued)).toBe(true);
	expect(updates.flatMap((update) => update.logs ?? []).every((log) => log.source === 'USER')).toBe(true);
	const paths = sim.server.log.filter((entry) => entry.prefix === '/fal').map((entry) => `${entry.method} ${entry.path}`);
	expect(paths[0]).toBe(`POST /${ENDPOINT}`);
	expect(paths).toContain(`GET /fal-ai/flux/requests/${enqueued}/status`);
	expect(paths.at(-1)).toBe(`GET /fal-ai/flux/requests/${enqueued}`);
});

test('queue.status of a waiting request gives its queue position and URLs', async () => {
	sim.fal.jobs.nextScripts.push({ queueMs: 60_000, runMs: 100 });
	const { request_id: requestId } = await fal.queue.submit(ENDPOINT, { input: { prompt: 'a lighthouse' } });
	const status = await fal.queue.status(ENDPOINT, { requestId });
	expect(status).toMatchObject({ status: 'IN_QUEUE', request_id: requestId, queue_position: 0, status_url: expect.stringContaining(`/requests/${requestId}/status`) });
});

test('cancel a request in the queue', async () => {
	sim.fal.jobs.nextScripts.push({ queueMs: 60_000, runMs: 100 });
	const { request_id: requestId } = await fal.queue.submit(ENDPOINT, { input: { prompt: 'a lighthouse' } });
	await expect(fal.queue.cancel(ENDPOINT, { requestId })).resolves.toBeUndefined();
	expect((await fal.queue.status(ENDPOINT, { requestId })).status).toBe('COMPLETED');
});

test('a failed request: the result is a ValidationError with the field errors', async () => {
	sim.fal.jobs.nextScripts.push({ queueMs: 0, runMs: 100, outcome: 'failed', failure: { reason: 'prompt is too long' } });
	const error = await fal.subscribe(ENDPOINT, { input: { prompt: 'long' }, pollInterval: 100 }).catch((caught: unknown) => caught);
	expect(error).toBeInstanceOf(ValidationError);
	expect((error as ValidationError).getFieldErrors('prompt')).toEqual([expect.objectContaining({ msg: 'prompt is too long' })]);
});

test('a wrong key is an ApiError 401', async () => {
	const error = await clientFor('wrong:key').queue.submit(ENDPOINT, { input: { prompt: 'x' } }).catch((caught: unknown) => caught);
	expect(error).toBeInstanceOf(ApiError);
	expect((error as ApiError<unknown>).status).toBe(401);
});
