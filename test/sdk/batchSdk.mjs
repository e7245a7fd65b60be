// Runs one vendor's official SDK through a whole batch against the simulator: upload, create,
// poll, results, list (the SDK's own paging) and cancel. A child process, as the Mistral SDK is
// ESM only. Usage: node test/sdk/batchSdk.mjs <openai|anthropic|mistral> <baseUrl> <apiKey>
// Prints one JSON line of what the SDK read; the test compares it with what was sent.

const [vendor, baseUrl, apiKey] = process.argv.slice(2);
const PROMPTS = ['first row', 'second row', 'third row'];

async function until(read, done) {
	const seen = [];
	for (let tries = 0; tries < 400; tries++) {
		const value = await read();
		seen.push(value);
		if (done(value)) return seen;
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	throw new Error(`no final status after 400 checks: ${JSON.stringify(seen.at(-1))}`);
}

const runs = {
	async openai() {
		const { default: OpenAI, toFile } = await import('openai');
		const client = new OpenAI({ apiKey, baseURL: baseUrl, maxRetries: 0 });
		const jsonl = PROMPTS.map((prompt, index) =>
			JSON.stringify({ custom_id: `row-${index}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], max_completion_tokens: 50 } }),
		).join('\n');
		const file = await client.files.create({ file: await toFile(Buffer.from(jsonl), 'requests.jsonl'), purpose: 'batch' });
		const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { sheet: 'reviews' } });
		const seen = await until(() => client.batches.retrieve(created.id), (batch) => ['completed', 'failed', 'expired', 'cancelled'].includes(batch.status));
		const done = seen.at(-1);
		const text = await (await client.files.content(done.output_file_id)).text();
		const second = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
		const canceled = await client.batches.cancel(second.id);
		const listed = [];
		for await (const batch of client.batches.list({ limit: 1 })) listed.push(batch.id);
		return {
			statuses: [...new Set([created, ...seen].map((batch) => batch.status))],
			counts: done.request_counts,
			metadata: done.metadata,
			errorFile: done.error_file_id ?? null,
			results: text.trim().split('\n').map((line) => JSON.parse(line)).map((line) => ({ id: line.custom_id, text: line.response.body.choices[0].message.content })),
			canceledStatus: canceled.status,
			listed,
			created: [created.id, second.id],
		};
	},

	async anthropic() {
		const { default: Anthropic } = await import('@anthropic-ai/sdk');
		const client = new Anthropic({ apiKey, baseURL: baseUrl, maxRetries: 0 });
		const requests = PROMPTS.map((prompt, index) => ({ custom_id: `row-${index}`, params: { model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: prompt }] } }));
		const created = await client.messages.batches.create({ requests });
		const seen = await until(() => client.messages.batches.retrieve(created.id), (batch) => batch.processing_status === 'ended');
		const results = [];
		for await (const line of await client.messages.batches.results(created.id)) results.push({ id: line.custom_id, text: line.result.type === 'succeeded' ? line.result.message.content[0].text : line.result.type });
		const second = await client.messages.batches.create({ requests });
		const canceled = await client.messages.batches.cancel(second.id);
		const listed = [];
		for await (const batch of client.messages.batches.list({ limit: 1 })) listed.push(batch.id);
		return {
			statuses: [...new Set([created, ...seen].map((batch) => batch.processing_status))],
			processingWhileRunning: seen.slice(0, -1).map((batch) => batch.request_counts.processing),
			counts: seen.at(-1).request_counts,
			results,
			canceledStatus: canceled.processing_status,
			listed,
			created: [created.id, second.id],
		};
	},

	async mistral() {
		const { Mistral } = await import('@mistralai/mistralai');
		const client = new Mistral({ apiKey, serverURL: baseUrl, retryConfig: { strategy: 'none' } });
		const jsonl = PROMPTS.map((prompt, index) => JSON.stringify({ custom_id: `row-${index}`, body: { messages: [{ role: 'user', content: prompt }], max_tokens: 50 } })).join('\n');
		const file = await client.files.upload({ file: { fileName: 'requests.jsonl', content: Buffer.from(jsonl) }, purpose: 'batch' });
		const created = await client.batch.jobs.create({ inputFiles: [file.id], endpoint: '/v1/chat/completions', model: 'mistral-small-latest', metadata: { sheet: 'reviews' } });
		const seen = await until(() => client.batch.jobs.get({ jobId: created.id }), (job) => ['SUCCESS', 'FAILED', 'TIMEOUT_EXCEEDED', 'CANCELLED'].includes(job.status));
		const done = seen.at(-1);
		const text = await new Response(await client.files.download({ fileId: done.outputFile })).text();
		const second = await client.batch.jobs.create({ inputFiles: [file.id], endpoint: '/v1/chat/completions', model: 'mistral-small-latest' });
		const canceled = await client.batch.jobs.cancel({ jobId: second.id });
		const listed = await client.batch.jobs.list({ page: 0, pageSize: 1 });
		return {
			statuses: [...new Set([created, ...seen].map((job) => job.status))],
			counts: { total: done.totalRequests, succeeded: done.succeededRequests, failed: done.failedRequests },
			metadata: done.metadata,
			results: text.trim().split('\n').map((line) => JSON.parse(line)).map((line) => ({ id: line.custom_id, text: line.response.body.choices[0].message.content })),
			canceledStatus: canceled.status,
			listed: { ids: listed.data.map((job) => job.id), total: listed.total },
			created: [created.id, second.id],
		};
	},
};

try {
	const result = await runs[vendor]();
	process.stdout.write(JSON.stringify(result) + '\n');
} catch (error) {
	process.stdout.write(JSON.stringify({ error: String(error?.stack ?? error) }) + '\n');
	process.exitCode = 1;
}
