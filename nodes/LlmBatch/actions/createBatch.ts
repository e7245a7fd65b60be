import { createHash } from 'crypto';

import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ProviderClient } from '../../shared/ProviderClient';
import { checkedCollection, requiredString } from '../../shared/parameters';
import { errorJson } from '../../shared/runItems';
import type { BatchPart, BatchVendor } from '../batchVendor';
import { customIdOf } from '../batchVendor';
import { CREATE_BATCH, readChatRequest } from './chatRequest';

export const batchOptionsProperty: INodeProperties = {
	displayName: 'Batch Options',
	name: 'batchOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { operation: [CREATE_BATCH] } },
	options: [
		{
			displayName: 'Max Requests per Batch',
			name: 'maxRequestsPerBatch',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50000,
			description: "A run with more items becomes several batches, one output item each. The vendor's own limit (OpenAI 50,000, Anthropic 100,000, Mistral 1,000,000) applies whatever is set here.",
		},
	],
};

/**
 * The tag of this node's run in this execution: in every custom ID and in the batches' metadata.
 * Execution IDs repeat across n8n instances and node IDs across copies of a workflow, and a node
 * may run more than once in an execution: the instance, the workflow and the run index keep one
 * run from taking another's batch for its own.
 */
export function runTagOf(fn: IExecuteFunctions): string {
	const node = fn.getNode();
	const runIndex = fn.getWorkflowDataProxy(0).$thisRunIndex;
	const key = [fn.getInstanceId(), fn.getWorkflow().id, fn.getExecutionId(), node.id ?? node.name, runIndex].join('\n');
	return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * Create Batch: every input item of the run becomes one request, all of them one batch (or
 * several, a run larger than the vendor allows in one). Every item is checked before anything
 * is sent; each batch's requests are then made again item by item while they are uploaded, so
 * they are never all held at once.
 */
export async function createBatches(fn: IExecuteFunctions, vendor: BatchVendor, client: ProviderClient): Promise<INodeExecutionData[]> {
	const itemCount = fn.getInputData().length;
	if (itemCount === 0) return [];
	const model = requiredString(fn, 'model', 0, 'Model');
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) readChatRequest(fn, itemIndex);
	const { maxRequestsPerBatch } = checkedCollection(fn, 'batchOptions', 0, 'Batch Options', batchOptionsProperty.options as INodeProperties[]);
	const perBatch = Math.min(vendor.maxRequestsPerBatch, (maxRequestsPerBatch as number | undefined) ?? vendor.maxRequestsPerBatch);
	const runTag = runTagOf(fn);
	const parts = Math.ceil(itemCount / perBatch);
	const output: INodeExecutionData[] = [];
	for (let index = 0; index < parts; index++) {
		const firstItem = index * perBatch;
		const part: BatchPart = { runTag, part: index + 1, parts, firstItem, requestCount: Math.min(perBatch, itemCount - firstItem) };
		const pairedItem = Array.from({ length: part.requestCount }, (_, offset) => ({ item: firstItem + offset }));
		let failure: unknown;
		try {
			output.push({ json: await createPart(fn, vendor, client, part, model), pairedItem });
		} catch (error) {
			failure = error;
		}
		// The client's errors are n8n's own (NodeApiError, NodeOperationError) and go out as they are.
		if (failure !== undefined && !fn.continueOnFail()) throw failure;
		if (failure !== undefined) output.push({ json: errorJson(failure), pairedItem });
	}
	return output;
}

async function createPart(fn: IExecuteFunctions, vendor: BatchVendor, client: ProviderClient, part: BatchPart, model: string): Promise<IDataObject> {
	function* entries() {
		for (let itemIndex = part.firstItem; itemIndex < part.firstItem + part.requestCount; itemIndex++) {
			yield vendor.requestEntry({ customId: customIdOf(part, itemIndex), model, ...readChatRequest(fn, itemIndex) });
		}
	}
	// The same run creating its batches again (a lost answer, a re-run) finds them instead of paying twice.
	const found = await vendor.findBatch?.(client, part);
	const body = found ?? (await vendor.startBatch(client, part, entries, model));
	const { job } = client.toNormalizedJob(body, undefined, { itemIndex: part.firstItem });
	return { ...job, batch: { ...part, foundExisting: found !== undefined } } as unknown as IDataObject;
}
