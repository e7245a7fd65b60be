/**
 * The LLM Batch node in n8n's engine against the three vendors' simulators: a run's items go in
 * as one batch and come out of Get Batch Results one per request, in the items' order, paired,
 * whatever the vendor did with them.
 */
import type { IDataObject } from 'n8n-workflow';

import { runWorkflow, testCredential } from './harness/engine';
import { chainWorkflow, singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

const VENDORS = [
	{ vendor: 'openAi', prefix: '/openai', book: () => sim.openAiBatch.book, model: 'gpt-4o-mini' },
	{ vendor: 'anthropic', prefix: '/anthropic', book: () => sim.anthropicBatch.book, model: 'claude-sonnet-4-5' },
	{ vendor: 'mistral', prefix: '/mistral', book: () => sim.mistralBatch.book, model: 'mistral-small-latest' },
] as const;

const rows = (count: number) => Array.from({ length: count }, (_, index) => ({ review: `review ${index}` }));
const FAST_WAIT = { pollInterval: 0.1, maxInterval: 0.2, timeout: 0.5 };

function createParameters(vendor: string, model: string, extra: IDataObject = {}): IDataObject {
	return { vendor, operation: 'createBatch', model, input: 'prompt', prompt: '={{ $json.review }}', maxTokens: 200, ...extra };
}

/** Create → Wait For Batch → Get Batch Results, one workflow. */
function batchWorkflow(vendor: string, model: string, create: IDataObject = {}, results: IDataObject = {}) {
	return chainWorkflow([
		{ name: 'Create', nodeType: 'llmBatch', parameters: createParameters(vendor, model, create) },
		{ name: 'Wait', nodeType: 'llmBatch', parameters: { vendor, operation: 'waitForJob', waitSettings: FAST_WAIT } },
		{ name: 'Results', nodeType: 'llmBatch', parameters: { vendor, operation: 'getBatchResults', ...results } },
	]);
}

const requestsTo = (prefix: string) => sim.server.log.filter((entry) => entry.prefix === prefix);

describe.each(VENDORS)('$vendor', ({ vendor, prefix, book, model }) => {
	test('a run of items in, each answer out in the items\' order, paired, with usage; the file was written in another order', async () => {
		const result = await runWorkflow(batchWorkflow(vendor, model, { systemPrompt: 'Be brief.' }), { credentials: sim.credentials, input: rows(7) });
		expect(result.error).toBeUndefined();
		const [created] = result.outputs.Create;
		expect(created.json).toMatchObject({ provider: vendor, done: false, batch: { part: 1, parts: 1, firstItem: 0, requestCount: 7, foundExisting: false } });
		expect(result.outputs.Wait[0].json).toMatchObject({ status: 'succeeded', done: true, progress: 100 });
		const items = result.outputs.Results;
		expect(items.map((item) => item.json.text)).toEqual(rows(7).map((row) => `Answer to: ${row.review}`));
		expect(items.map((item) => item.json.itemIndex)).toEqual([0, 1, 2, 3, 4, 5, 6]);
		expect(items.every((item) => item.json.status === 'succeeded' && item.json.error === null)).toBe(true);
		expect(items[0].json.usage).toEqual({ inputTokens: expect.any(Number), outputTokens: expect.any(Number) });
		// The batch the results came from holds the requests of items 0–6, each with its custom ID.
		const batch = [...book().batches.values()][0];
		expect(batch.requests.map((request) => request.customId)).toEqual(items.map((item) => item.json.customId));
		expect(JSON.stringify(batch.requests[0].body)).toContain('Be brief.');
	});

	test('a JSON output schema goes with each request, and JSON Answers parses each answer', async () => {
		const schema = { type: 'object', properties: { label: { type: 'string' } }, required: ['label'], additionalProperties: false };
		const result = await runWorkflow(batchWorkflow(vendor, model, { jsonSchema: JSON.stringify(schema) }, { jsonAnswers: true }), { credentials: sim.credentials, input: rows(2) });
		expect(result.error).toBeUndefined();
		expect(result.outputs.Results.map((item) => item.json.json)).toEqual([{ label: 'review 0' }, { label: 'review 1' }]);
	});

	test('partial failures: each failed request is its own item, with its own error, the others answered', async () => {
		book().fate = (_, index) => (index % 3 === 1 ? 'errored' : 'succeeded');
		const result = await runWorkflow(batchWorkflow(vendor, model), { credentials: sim.credentials, input: rows(6) });
		expect(result.error).toBeUndefined();
		const items = result.outputs.Results;
		expect(items.map((item) => item.json.status)).toEqual(['succeeded', 'errored', 'succeeded', 'succeeded', 'errored', 'succeeded']);
		expect(items[1].json).toMatchObject({ text: null, error: { message: expect.stringMatching(/refused/) } });
	});

	test('a results file cut off mid-line: the request whose line was cut is an error naming it, the others missing, none dropped', async () => {
		const probe = await runWorkflow(batchWorkflow(vendor, model), { credentials: sim.credentials, input: rows(4) });
		const fullText = JSON.stringify(probe.outputs.Results.map((item) => item.json));
		expect(fullText).not.toContain('"errored"');
		sim.reset();
		// The file ends halfway through its second line.
		book().cutResultsInLine = 2;
		const result = await runWorkflow(batchWorkflow(vendor, model), { credentials: sim.credentials, input: rows(4) });
		expect(result.error).toBeUndefined();
		const items = result.outputs.Results;
		expect(items).toHaveLength(4);
		const cut = items.find((item) => item.json.status === 'errored');
		expect(cut?.json.error).toMatchObject({ code: 'unreadable_result', message: expect.stringMatching(/cannot be read: it is cut off/) });
		expect(cut?.json.customId).toMatch(/^[0-9a-f]{16}-0-\d$/);
		expect(items.filter((item) => item.json.status === 'succeeded')).toHaveLength(1);
		expect(items.filter((item) => item.json.status === 'missing').map((item) => item.json.error)).toEqual([
			{ code: 'no_result', message: expect.stringMatching(/no result for this request/) },
			{ code: 'no_result', message: expect.stringMatching(/no result for this request/) },
		]);
	});

	test('Cancel Batch: the batch is canceled; finished requests keep their results, the others say they were not run', async () => {
		book().runMs = 600_000;
		const created = await runWorkflow(singleNodeWorkflow('llmBatch', createParameters(vendor, model)), { credentials: sim.credentials, input: rows(4) });
		const batchId = created.outputs.Job[0].json.jobId as string;
		sim.server.clock.advance(book().validateMs + 300_000);
		const canceled = await runWorkflow(singleNodeWorkflow('llmBatch', { vendor, operation: 'cancelBatch' }), { credentials: sim.credentials, input: [{ jobId: batchId }] });
		expect(canceled.error).toBeUndefined();
		expect(canceled.outputs.Job[0].json).toMatchObject({ jobId: batchId, done: false });
		sim.server.clock.advance(600_000);
		const after = await runWorkflow(
			chainWorkflow([
				{ name: 'Get', nodeType: 'llmBatch', parameters: { vendor, operation: 'getJob' } },
				{ name: 'Results', nodeType: 'llmBatch', parameters: { vendor, operation: 'getBatchResults' } },
			]),
			{ credentials: sim.credentials, input: [{ jobId: batchId }] },
		);
		expect(after.error).toBeUndefined();
		expect(after.outputs.Get[0].json).toMatchObject({ status: 'canceled', done: true });
		const statuses = after.outputs.Results.map((item) => item.json.status);
		expect(statuses.slice(0, 2)).toEqual(['succeeded', 'succeeded']);
		expect(statuses.slice(2)).toEqual(vendor === 'mistral' ? ['missing', 'missing'] : ['canceled', 'canceled']);
	});

	test('Get Batch while it runs: progress from the request counts where they tell it, and when to check again', async () => {
		book().runMs = 600_000;
		const created = await runWorkflow(singleNodeWorkflow('llmBatch', createParameters(vendor, model)), { credentials: sim.credentials, input: rows(10) });
		sim.server.clock.advance(book().validateMs + 300_000);
		const got = await runWorkflow(singleNodeWorkflow('llmBatch', { vendor, operation: 'getJob' }), { credentials: sim.credentials, input: [{ jobId: created.outputs.Job[0].json.jobId }] });
		expect(got.outputs.Job[0].json).toMatchObject({ status: 'running', done: false, nextCheckInSeconds: expect.any(Number) });
		// Anthropic counts every request as processing until the batch ends: no progress to tell.
		expect(got.outputs.Job[0].json.progress).toBe(vendor === 'anthropic' ? null : 50);
	});

	test('a run larger than Max Requests per Batch becomes several batches, said in the output, and their results keep the items\' order', async () => {
		const workflow = batchWorkflow(vendor, model, { batchOptions: { maxRequestsPerBatch: 3 } });
		const result = await runWorkflow(workflow, { credentials: sim.credentials, input: rows(7) });
		expect(result.error).toBeUndefined();
		expect(result.outputs.Create.map((item) => item.json.batch)).toEqual([
			expect.objectContaining({ part: 1, parts: 3, firstItem: 0, requestCount: 3 }),
			expect.objectContaining({ part: 2, parts: 3, firstItem: 3, requestCount: 3 }),
			expect.objectContaining({ part: 3, parts: 3, firstItem: 6, requestCount: 1 }),
		]);
		expect(result.outputs.Create[1].pairedItem).toEqual([{ item: 3 }, { item: 4 }, { item: 5 }]);
		expect(result.outputs.Results.map((item) => item.json.itemIndex)).toEqual([0, 1, 2, 3, 4, 5, 6]);
		expect(result.outputs.Results.map((item) => item.pairedItem)).toEqual([0, 0, 0, 1, 1, 1, 2].map((item) => ({ item })));
	});

	test('429s on create are waited out: one batch, not two', async () => {
		sim.server.injectFault({ prefix, method: 'POST', path: /batch(es)?(\/jobs)?$/, times: 2, fault: { kind: 'status', status: 429, headers: { 'retry-after': '0' }, body: { error: { message: 'Rate limit reached' } } } });
		const result = await runWorkflow(singleNodeWorkflow('llmBatch', createParameters(vendor, model)), { credentials: sim.credentials, input: rows(3) });
		expect(result.error).toBeUndefined();
		expect(book().batches.size).toBe(1);
		expect(requestsTo(prefix).filter((entry) => entry.status === 429)).toHaveLength(2);
	});
});

test('OpenAI: a batch that fails validation reports each refused line on its item; the others say the batch was not run', async () => {
	const result = await runWorkflow(batchWorkflow('openAi', 'gpt-4o-mini', { maxTokens: '={{ $json.review === "review 2" ? 100000 : 200 }}' }), { credentials: sim.credentials, input: rows(4) });
	expect(result.error).toBeUndefined();
	expect(result.outputs.Wait[0].json).toMatchObject({ status: 'failed', providerStatus: 'failed', error: { message: expect.stringMatching(/line 3: max_completion_tokens is too large/) } });
	const items = result.outputs.Results;
	expect(items.map((item) => item.json.status)).toEqual(['missing', 'missing', 'errored', 'missing']);
	expect(items[2].json.error).toMatchObject({ message: expect.stringMatching(/^Line 3 of the input file was refused: max_completion_tokens/) });
	expect(items[0].json.error).toMatchObject({ message: expect.stringMatching(/Not run: the batch is "failed"/) });
});

test('OpenAI: an expired batch: finished requests answered, the rest expired (from the error file alone)', async () => {
	sim.openAiBatch.book.expires = true;
	const result = await runWorkflow(batchWorkflow('openAi', 'gpt-4o-mini'), { credentials: sim.credentials, input: rows(4) });
	expect(result.error).toBeUndefined();
	expect(result.outputs.Wait[0].json).toMatchObject({ status: 'failed', providerStatus: 'expired', error: { code: 'batch_expired', retryable: true } });
	expect(result.outputs.Results.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded', 'expired', 'expired']);
});

test('OpenAI: no request succeeded, so there is no output file: the error file alone answers every item', async () => {
	sim.openAiBatch.book.fate = () => 'errored';
	const result = await runWorkflow(batchWorkflow('openAi', 'gpt-4o-mini'), { credentials: sim.credentials, input: rows(3) });
	expect(result.error).toBeUndefined();
	expect(result.outputs.Wait[0].json).toMatchObject({ status: 'succeeded' });
	expect(result.outputs.Results.map((item) => item.json.status)).toEqual(['errored', 'errored', 'errored']);
});

test('Anthropic: an expired batch: each unfinished request is expired in the results', async () => {
	sim.anthropicBatch.book.expires = true;
	const result = await runWorkflow(batchWorkflow('anthropic', 'claude-sonnet-4-5'), { credentials: sim.credentials, input: rows(4) });
	expect(result.error).toBeUndefined();
	expect(result.outputs.Results.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded', 'expired', 'expired']);
});

test('Anthropic: a results_url on another host is not followed with the key', async () => {
	// The same simulator under another host name: another origin.
	sim.anthropicBatch.resultsBase = sim.server.baseUrl(sim.anthropicBatch).replace('127.0.0.1', 'localhost');
	const result = await runWorkflow(batchWorkflow('anthropic', 'claude-sonnet-4-5'), { credentials: sim.credentials, input: rows(2) });
	expect(result.error?.message).toMatch(/Anthropic could not download the batch results: the results_url of the batch names localhost:\d+, where the credential is not sent/);
	expect(requestsTo('/anthropic').filter((entry) => entry.path.endsWith('/results'))).toHaveLength(0);
});

test.each([
	['openAi', 'gpt-4o-mini', '/openai'],
	['mistral', 'mistral-small-latest', '/mistral'],
])('%s: the same run creating its batch again finds it by its metadata instead of paying twice', async (vendor, model, prefix) => {
	const workflow = singleNodeWorkflow('llmBatch', createParameters(vendor, model));
	const first = await runWorkflow(workflow, { credentials: sim.credentials, input: rows(3), executionId: 'execution-1' });
	const again = await runWorkflow(workflow, { credentials: sim.credentials, input: rows(3), executionId: 'execution-1' });
	expect(again.outputs.Job[0].json).toMatchObject({ jobId: first.outputs.Job[0].json.jobId, batch: { foundExisting: true } });
	expect(requestsTo(prefix).filter((entry) => entry.method === 'POST')).toHaveLength(2);
	const other = await runWorkflow(workflow, { credentials: sim.credentials, input: rows(3), executionId: 'execution-2' });
	expect(other.outputs.Job[0].json.jobId).not.toBe(first.outputs.Job[0].json.jobId);
	// The same execution ID and node ID in another workflow (a copy of it, or another n8n instance's numbering) is another run.
	const copy = await runWorkflow({ ...workflow, id: 'aCopyOfTheWorkflow' }, { credentials: sim.credentials, input: rows(3), executionId: 'execution-1' });
	expect(copy.outputs.Job[0].json.jobId).not.toBe(first.outputs.Job[0].json.jobId);
});

test('an item whose prompt is empty stops the run before anything is sent, naming the item', async () => {
	const result = await runWorkflow(singleNodeWorkflow('llmBatch', createParameters('openAi', 'gpt-4o-mini')), { credentials: sim.credentials, input: [{ review: 'fine' }, { review: '' }] });
	expect(result.error?.message).toMatch(/"Prompt" of item 1 is empty/);
	expect(requestsTo('/openai')).toHaveLength(0);
});

test('Messages input: each item\'s own list of messages', async () => {
	const messages = '={{ [{ "role": "user", "content": "Summarise: " + $json.review }] }}';
	const result = await runWorkflow(batchWorkflow('anthropic', 'claude-sonnet-4-5', { input: 'messages', messages }), { credentials: sim.credentials, input: rows(2) });
	expect(result.error).toBeUndefined();
	expect(result.outputs.Results.map((item) => item.json.text)).toEqual(['Answer to: Summarise: review 0', 'Answer to: Summarise: review 1']);
});

test('Get Batch Results of a batch still running says to wait first', async () => {
	sim.openAiBatch.book.runMs = 60_000;
	const created = await runWorkflow(singleNodeWorkflow('llmBatch', createParameters('openAi', 'gpt-4o-mini')), { credentials: sim.credentials, input: rows(2) });
	const result = await runWorkflow(singleNodeWorkflow('llmBatch', { vendor: 'openAi', operation: 'getBatchResults' }), { credentials: sim.credentials, input: [{ jobId: created.outputs.Job[0].json.jobId }] });
	expect(result.error?.message).toMatch(/is still "(validating|in_progress)": its results are not ready/);
});

test.each(['openAiBatchApi', 'anthropicBatchApi', 'mistralBatchApi'])('%s: the credential test lists one batch; a wrong key fails it', async (type) => {
	expect(await testCredential(type, sim.credentials[type])).toMatchObject({ status: 'OK' });
	expect(await testCredential(type, { ...sim.credentials[type], apiKey: 'wrong-key' })).toMatchObject({ status: 'Error' });
});

test('10,000 items: one batch, three requests to create it, 10,000 results in the items\' order', async () => {
	sim.openAiBatch.book.validateMs = 0;
	sim.openAiBatch.book.runMs = 0;
	const result = await runWorkflow(
		chainWorkflow([
			{ name: 'Create', nodeType: 'llmBatch', parameters: createParameters('openAi', 'gpt-4o-mini') },
			{ name: 'Results', nodeType: 'llmBatch', parameters: { vendor: 'openAi', operation: 'getBatchResults' } },
		]),
		{ credentials: sim.credentials, input: rows(10_000) },
	);
	expect(result.error).toBeUndefined();
	expect(requestsTo('/openai').map((entry) => `${entry.method} ${entry.path}`)).toEqual([
		'GET /v1/batches',
		'POST /v1/files',
		'POST /v1/batches',
		expect.stringMatching(/^GET \/v1\/batches\/batch_/),
		expect.stringMatching(/^GET \/v1\/files\/file-\d+\/content$/),
	]);
	// The upload went out in chunks, its size unknown beforehand: made while it was sent.
	expect(requestsTo('/openai')[1].headers['transfer-encoding']).toBe('chunked');
	const items = result.outputs.Results;
	expect(items).toHaveLength(10_000);
	expect(items.every((item, index) => item.json.itemIndex === index && item.json.text === `Answer to: review ${index}`)).toBe(true);
}, 120_000);
