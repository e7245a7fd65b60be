import type { IDataObject, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { NormalizedJob } from '../../shared/JobItem';
import type { JobOperation, JobRefReader } from '../../shared/operations';
import type { ProviderClient } from '../../shared/ProviderClient';
import { readJsonLines } from '../../shared/jsonLines';
import { checkedParameter } from '../../shared/parameters';
import type { BatchVendor, RequestResult } from '../batchVendor';
import { customIdOf, parseCustomId } from '../batchVendor';

export const GET_BATCH_RESULTS = 'getBatchResults';

export const jsonAnswersProperty: INodeProperties = {
	displayName: 'JSON Answers',
	name: 'jsonAnswers',
	type: 'boolean',
	default: false,
	description: 'Whether the answers are JSON (a JSON Output Schema was set): each is parsed, and one that does not parse is an error of its item',
	displayOptions: { show: { operation: [GET_BATCH_RESULTS] } },
};

/** What the results files told, by the index of each request's item in the run's input. */
interface Collected {
	results: Map<number, RequestResult>;
	firstItem?: number;
	runTag?: string;
	/** Why some requests may have no result: lines that name no request, a download that broke off. */
	notes: string[];
}

/**
 * Get Batch Results: one item per request of a finished batch, in the order of the run's items,
 * whatever order the vendor wrote them in; a request the files do not answer still gets its item,
 * saying why. The files are read line by line as they arrive.
 */
export function getBatchResults(readRef: JobRefReader): JobOperation {
	return async ({ fn, client }, itemIndex) => {
		const vendor = client.provider as BatchVendor;
		const ref = readRef(fn, itemIndex);
		const { body: batch } = await client.request(vendor.getJobRequest(ref), { itemIndex });
		const { job } = client.toNormalizedJob(batch, ref, { itemIndex });
		if (!job.done) {
			throw new NodeOperationError(fn.getNode(), `Batch ${job.jobId} is still "${job.providerStatus}": its results are not ready`, {
				itemIndex,
				description: 'Wait for it first: Wait For Batch, or Get Batch in a loop with n8n\'s Wait node until "done" is true.',
			});
		}
		const jsonAnswers = checkedParameter<boolean>(fn, jsonAnswersProperty, itemIndex);
		const collected = await collectResults(client, vendor, batch, itemIndex);
		const range = vendor.batchRange(batch);
		const firstItem = range.firstItem ?? collected.firstItem;
		if (firstItem === undefined) {
			if (range.count === 0) return [];
			throw new NodeOperationError(fn.getNode(), `The results of batch ${job.jobId} name none of its ${range.count} requests`, {
				itemIndex,
				description: collected.notes.join('; ') || 'The vendor gave no results file.',
			});
		}
		for (const { line, message, code } of vendor.lineErrors?.(batch) ?? []) {
			collected.results.set(firstItem + line - 1, { customId: '', outcome: 'errored', error: { message: `Line ${line} of the input file was refused: ${message}`, code } });
		}
		const items: INodeExecutionData[] = [];
		for (let index = firstItem; index < firstItem + range.count; index++) {
			const customId = collected.runTag ? customIdOf({ runTag: collected.runTag, firstItem }, index) : '';
			const result = collected.results.get(index);
			items.push({ json: resultJson(job, index, result ? { ...result, customId: result.customId || customId } : missing(job, customId, collected.notes), jsonAnswers) });
		}
		return items;
	};
}

async function collectResults(client: ProviderClient, vendor: BatchVendor, batch: unknown, itemIndex: number): Promise<Collected> {
	const collected: Collected = { results: new Map(), notes: [] };
	for (const file of vendor.resultFiles(batch)) {
		const { body } = await client.request(file, { itemIndex });
		let lastLine = 0;
		try {
			for await (const line of readJsonLines(body as AsyncIterable<Uint8Array>)) {
				lastLine = line.lineNumber;
				record(collected, vendor, line, file.purpose);
			}
		} catch (error) {
			collected.notes.push(`the ${file.purpose} broke off after line ${lastLine} (${(error as Error).message})`);
		}
	}
	return collected;
}

/** One line of a results file: a request's result, or (unreadable) an error of the request it names. */
function record(collected: Collected, vendor: BatchVendor, line: { lineNumber: number; value?: unknown; unreadable?: string }, file: string): void {
	let result: RequestResult | undefined;
	let problem = 'it is cut off or not JSON';
	if (line.unreadable === undefined) {
		try {
			result = vendor.readResultLine(line.value);
		} catch (error) {
			problem = `it is not a result as ${vendor.displayName} writes them (${(error as Error).message.slice(0, 200)})`;
		}
	}
	const customId = result?.customId ?? customIdIn(line.unreadable ?? JSON.stringify(line.value));
	const named = customId === undefined ? undefined : parseCustomId(customId);
	if (!named) {
		collected.notes.push(`line ${line.lineNumber} of the ${file} names no request of this node (${problem})`);
		return;
	}
	collected.firstItem ??= named.firstItem;
	collected.runTag ??= named.runTag;
	collected.results.set(
		named.itemIndex,
		result ?? { customId: customId!, outcome: 'errored', error: { message: `Line ${line.lineNumber} of the ${file}, this request's result, cannot be read: ${problem}`, code: 'unreadable_result' } },
	);
}

/** The custom ID a line cut off mid-way still shows. */
function customIdIn(text: string): string | undefined {
	return /"custom_id"\s*:\s*"([^"]+)"/.exec(text)?.[1];
}

function missing(job: NormalizedJob, customId: string, notes: string[]): RequestResult {
	const why = job.status === 'succeeded'
		? `The batch's results files have no result for this request${notes.length ? ` (${notes.slice(0, 3).join('; ')})` : ''}`
		: `Not run: the batch is "${job.providerStatus}"${job.error ? ` (${job.error.message})` : ''}`;
	return { customId, outcome: 'missing', error: { message: why, code: 'no_result' } };
}

function resultJson(job: NormalizedJob, itemIndex: number, result: RequestResult, jsonAnswers: boolean): IDataObject {
	const json: IDataObject = {
		provider: job.provider,
		batchId: job.jobId,
		itemIndex,
		customId: result.customId || null,
		status: result.outcome,
		text: result.text ?? null,
		usage: result.usage ?? null,
		error: result.error ? withoutEmptyCode(result.error) : null,
	};
	if (jsonAnswers) {
		json.json = null;
		if (result.outcome === 'succeeded' && result.text !== undefined) {
			try {
				json.json = JSON.parse(result.text) as IDataObject;
			} catch {
				json.error = { message: 'The answer is not the JSON its schema asked for', code: 'invalid_json' };
			}
		}
	}
	return json;
}

function withoutEmptyCode({ message, code }: { message: string; code?: string }): IDataObject {
	return code === undefined ? { message } : { message, code };
}
