import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

/** What one item's work returns: its output items, to which the runner adds `pairedItem`. */
export type ItemResult = INodeExecutionData | INodeExecutionData[];

/**
 * Runs `work` for every input item with at most `maxParallel` at once, so all jobs of a run
 * are waited on side by side. Output keeps input order and pairs each item with its input.
 * With "Continue On Fail" a failed item becomes an error item and the others go on; without
 * it the first failure aborts `stopOthers` (which the items' waits listen to) and is thrown.
 */
export async function runForEachItem(
	fn: IExecuteFunctions,
	{ maxParallel, stopOthers }: { maxParallel: number; stopOthers: AbortController },
	work: (itemIndex: number) => Promise<ItemResult>,
): Promise<INodeExecutionData[]> {
	const itemCount = fn.getInputData().length;
	const cancelSignal = fn.getExecutionCancelSignal();
	const results: INodeExecutionData[][] = new Array(itemCount);
	let firstFailure: unknown;
	let nextItem = 0;

	const worker = async () => {
		while (nextItem < itemCount && firstFailure === undefined) {
			const itemIndex = nextItem++;
			try {
				const result = await work(itemIndex);
				results[itemIndex] = (Array.isArray(result) ? result : [result]).map((item) => ({
					...item,
					pairedItem: { item: itemIndex },
				}));
			} catch (error) {
				if (fn.continueOnFail() && !cancelSignal?.aborted) {
					results[itemIndex] = [{ json: errorJson(error), pairedItem: { item: itemIndex } }];
				} else if (firstFailure === undefined) {
					firstFailure = error;
					stopOthers.abort();
				}
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(maxParallel, itemCount)) }, worker));
	if (firstFailure !== undefined) throw firstFailure;
	return results.flat();
}

/** The item of a failed item with Continue On Fail: the error's message, description and HTTP code. */
export function errorJson(error: unknown): IDataObject {
	const { message, description, httpCode } = error as { message?: string; description?: string; httpCode?: string };
	const json: IDataObject = { error: message ?? String(error) };
	if (description) json.errorDescription = description;
	if (httpCode) json.httpCode = httpCode;
	return json;
}

/** The signal the items' waits listen to: the execution's cancellation, or a failed sibling item. */
export function itemsSignal(fn: IExecuteFunctions, stopOthers: AbortController): AbortSignal {
	const cancelSignal = fn.getExecutionCancelSignal();
	return cancelSignal ? AbortSignal.any([cancelSignal, stopOthers.signal]) : stopOthers.signal;
}
