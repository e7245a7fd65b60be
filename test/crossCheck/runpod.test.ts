/**
 * The official `runpod-sdk` runs whole serverless jobs against the RunPod simulator (its
 * `baseUrl` option): if the simulator, and so the RunPod preset tested against it, drifted from
 * the protocol the client speaks, this fails. The client is ES modules only, so a small script
 * runs it in a child process of its own (runpodJob.mjs) and prints what it got.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import type { ProviderSimulators } from '../simulator';
import { startSimulators } from '../simulator';

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());

test('run, poll to COMPLETED with the output, cancel, FAILED with its error, TIMED_OUT, a wrong key', async () => {
	sim.runpod.jobs.nextScripts.push(
		{ queueMs: 300, runMs: 1000, outputCount: 2 },
		{ queueMs: 0, runMs: 60_000 },
		{ queueMs: 0, runMs: 100, outcome: 'failed', failure: { reason: 'handler raised: bad prompt' } },
		{ queueMs: 0, runMs: 100, outcome: 'failed', finalWord: 'TIMED_OUT' },
	);
	const endpointId = [...sim.runpod.endpointIds][0];
	const script = path.join(__dirname, 'runpodJob.mjs');
	const { stdout } = await promisify(execFile)(process.execPath, [script, `${sim.server.baseUrl(sim.runpod)}/v2`, [...sim.runpod.apiKeys][0], endpointId]);
	const results = JSON.parse(stdout) as Record<string, Record<string, unknown>> & { seen: string[] };

	expect(results.created).toEqual({ id: expect.any(String), status: 'IN_QUEUE' });
	expect(results.finished).toMatchObject({ status: 'COMPLETED', completed: true, succeeded: true, output: [expect.stringContaining('/files/'), expect.stringContaining('/files/')] });
	expect(results.seen).toEqual(expect.arrayContaining(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']));
	expect(results.cancel).toMatchObject({ status: 'CANCELLED' });
	expect(results.afterCancel).toMatchObject({ status: 'CANCELLED', completed: true, succeeded: false });
	expect(results.failed).toMatchObject({ status: 'FAILED', completed: true, error: 'handler raised: bad prompt' });
	expect(results.timedOut).toMatchObject({ status: 'TIMED_OUT', completed: true, succeeded: false });
	expect(results.wrongKey).toMatchObject({ status: 401 });
	const paths = sim.server.log.filter((entry) => entry.prefix === '/runpod').map((entry) => `${entry.method} ${entry.path.replace(/\/[0-9a-f-]+-u1$/, '/{id}')}`);
	expect(new Set(paths)).toEqual(new Set([`POST /v2/${endpointId}/run`, `GET /v2/${endpointId}/status/{id}`, `POST /v2/${endpointId}/cancel/{id}`]));
});
