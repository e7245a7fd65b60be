/**
 * Bench row 7, LLM Batch: 10,000 items as one OpenAI batch against the simulator. The peak growth
 * of the whole process's RSS (simulator included) over Create Batch and one Get Batch Results, the requests Create Batch
 * sent, and the time Get Batch Results takes to output the last of the 10,000 results of the done
 * batch, against reading the same results file with a bare stream (fetch, split, JSON.parse) in
 * the same run. `npm run bench:batch` runs this row alone.
 */
import { runWorkflow } from '../test/harness/engine';
import { singleNodeWorkflow } from '../test/harness/workflows';
import type { ProviderSimulators } from '../test/simulator';
import { startSimulators } from '../test/simulator';

const ITEMS = 10_000;
const MIB = 1024 * 1024;

export interface BatchFigures {
	rssGrowthMb: number;
	requests: number;
	resultsMs: number;
	bareMs: number;
	ratio: number;
}

export async function batchRow(): Promise<BatchFigures> {
	const sim = await startSimulators();
	sim.openAiBatch.book.validateMs = 0;
	sim.openAiBatch.book.runMs = 0;
	try {
		const input = Array.from({ length: ITEMS }, (_, index) => ({ id: index, review: `Review ${index}: the delivery was late but the product works as described.` }));
		const rssBefore = process.memoryUsage().rss;
		let peakRss = rssBefore;
		const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
		const results = await (async () => {
			const created = await runWorkflow(
				singleNodeWorkflow('llmBatch', { vendor: 'openAi', operation: 'createBatch', model: 'gpt-4o-mini', input: 'prompt', prompt: '=Classify: {{ $json.review }}', maxTokens: 50 }),
				{ credentials: sim.credentials, input },
			);
			if (created.error) throw created.error;
			const requests = sim.server.log.length;
			const jobId = created.outputs.Job[0].json.jobId as string;
			const apiKey = sim.credentials.openAiBatchApi.apiKey as string;
			// Each side three times, taking turns, the best kept: the machine's other work only ever adds time.
			const bare: number[] = [];
			const ours: number[] = [];
			for (let round = 0; round < 3; round++) {
				bare.push(await bareRead(sim.server.url, jobId, apiKey));
				ours.push(await resultsRead(sim.credentials, jobId));
				// The memory figure is of one create and one read of the results; the rounds after it are for the time.
				clearInterval(sampler);
			}
			const [bareMs, resultsMs] = [Math.min(...bare), Math.min(...ours)];
			return { requests, bareMs, resultsMs };
		})().finally(() => clearInterval(sampler));
		return { ...results, rssGrowthMb: (peakRss - rssBefore) / MIB, ratio: results.resultsMs / results.bareMs };
	} finally {
		await sim.stop();
	}
}

/** Get Batch Results of the batch in n8n's engine, up to its last output item; checks every result. */
async function resultsRead(credentials: ProviderSimulators['credentials'], jobId: string): Promise<number> {
	const started = Date.now();
	// The run's request budget would space the two requests (batch, file) 200 ms apart: not what is measured here.
	const read = await runWorkflow(singleNodeWorkflow('llmBatch', { vendor: 'openAi', operation: 'getBatchResults', options: { requestsPerSecond: 1_000_000 } }), { credentials, input: [{ jobId }] });
	if (read.error) throw read.error;
	const items = read.outputs.Job;
	if (items.length !== ITEMS || items.some((item, index) => item.json.itemIndex !== index || item.json.status !== 'succeeded')) {
		throw new Error(`row 7: ${items.length} results, not ${ITEMS} succeeded in the items' order`);
	}
	return read.finishedAt - started;
}

/** The batch's output file, fetched and read line by line with nothing but Node: the baseline. */
async function bareRead(serverUrl: string, batchId: string, apiKey: string): Promise<number> {
	const headers = { authorization: `Bearer ${apiKey}` };
	const batch = (await (await fetch(`${serverUrl}/openai/v1/batches/${batchId}`, { headers })).json()) as { output_file_id: string };
	const started = Date.now();
	const response = await fetch(`${serverUrl}/openai/v1/files/${batch.output_file_id}/content`, { headers });
	const decoder = new TextDecoder();
	let partial = '';
	let lines = 0;
	for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
		const parts = (partial + decoder.decode(chunk, { stream: true })).split('\n');
		partial = parts.pop()!;
		for (const line of parts) if (line) lines += JSON.parse(line) ? 1 : 0;
	}
	if (lines !== ITEMS) throw new Error(`row 7: the bare read found ${lines} lines`);
	return Date.now() - started;
}

/** The row's lines of the bench table, and its figures for the JSON line. */
export function batchReport(figures: BatchFigures): { rows: string[][]; json: Record<string, number> } {
	return {
		rows: [
			['7', 'LLM Batch, 10,000 items → one OpenAI batch: peak RSS growth', `${Math.round(figures.rssGrowthMb)} MB`, '', '≤ 128 MB'],
			['7', '  requests Create Batch sent (list, upload, create)', String(figures.requests), 'one request per item: 10,000', 'a handful'],
			['7', '  Get Batch Results of the done batch ÷ a bare stream read of its file', figures.ratio.toFixed(2), `${figures.resultsMs} ms ÷ ${figures.bareMs} ms`, '≤ 2'],
		],
		json: { batch_10k_rss_growth_mb: Math.round(figures.rssGrowthMb), batch_10k_requests: figures.requests, batch_results_ratio: Number(figures.ratio.toFixed(3)) },
	};
}
