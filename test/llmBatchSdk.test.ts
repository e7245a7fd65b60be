/**
 * Each vendor's official SDK runs a whole batch against its simulator (upload, create, poll,
 * results, its own list paging, cancel), in a child process (the Mistral SDK is ESM only): the
 * simulators answer as the SDKs expect, so the LLM Batch node's tests against them mean something.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());
beforeEach(() => {
	sim.reset();
	// Long enough that a busy machine's polls still see the batch running.
	for (const { book } of [sim.openAiBatch, sim.anthropicBatch, sim.mistralBatch]) book.runMs = 1500;
});

async function runSdk(vendor: string, credentialType: string): Promise<Record<string, unknown>> {
	const { apiKey, baseUrl } = sim.credentials[credentialType] as { apiKey: string; baseUrl: string };
	const script = path.join(__dirname, 'sdk', 'batchSdk.mjs');
	const { stdout } = await promisify(execFile)(process.execPath, [script, vendor, baseUrl, apiKey], { timeout: 60_000 }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
	const result = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
	expect(result.error).toBeUndefined();
	return result;
}

/** The answers in the order the file holds them: not the order the requests were sent in. */
const ANSWERS_IN_FILE_ORDER = [
	{ id: 'row-1', text: 'Answer to: second row' },
	{ id: 'row-0', text: 'Answer to: first row' },
	{ id: 'row-2', text: 'Answer to: third row' },
];

test('openai: file upload, batch through validating and in_progress to completed, output file, cursor list, cancel', async () => {
	const result = await runSdk('openai', 'openAiBatchApi');
	expect(result.statuses).toEqual(['validating', 'in_progress', 'completed']);
	expect(result).toMatchObject({ counts: { total: 3, completed: 3, failed: 0 }, metadata: { sheet: 'reviews' }, errorFile: null, canceledStatus: 'cancelling' });
	expect(result.results).toEqual(ANSWERS_IN_FILE_ORDER);
	// One batch a page: the SDK followed `after` to the second.
	expect(result.listed).toEqual([...(result.created as string[])].reverse());
});

test('@anthropic-ai/sdk: inline requests, processing counts until ended, results_url JSONL, list by after_id, cancel', async () => {
	const result = await runSdk('anthropic', 'anthropicBatchApi');
	expect(result.statuses).toEqual(['in_progress', 'ended']);
	expect((result.processingWhileRunning as number[]).every((count) => count === 3)).toBe(true);
	expect(result).toMatchObject({ counts: { processing: 0, succeeded: 3, errored: 0, canceled: 0, expired: 0 }, canceledStatus: 'canceling' });
	expect(result.results).toEqual(ANSWERS_IN_FILE_ORDER);
	expect(result.listed).toEqual([...(result.created as string[])].reverse());
});

test('@mistralai/mistralai: file upload, job through QUEUED and RUNNING to SUCCESS, output file, page list, cancel', async () => {
	const result = await runSdk('mistral', 'mistralBatchApi');
	expect(result.statuses).toEqual(['QUEUED', 'RUNNING', 'SUCCESS']);
	expect(result).toMatchObject({ counts: { total: 3, succeeded: 3, failed: 0 }, metadata: { sheet: 'reviews' }, canceledStatus: 'CANCELLATION_REQUESTED' });
	expect(result.results).toEqual(ANSWERS_IN_FILE_ORDER);
	expect(result.listed).toEqual({ ids: [(result.created as string[])[1]], total: 2 });
});
