import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { GET_JOB, WAIT_FOR_JOB, jobIdProperty, jobOptionsProperty, labelOf, toolProperties, waitProperties } from '../shared/descriptions';
import type { JobOptions } from '../shared/operations';
import { executeJobOperation, getJob, waitForJob } from '../shared/operations';
import { ProviderClient } from '../shared/ProviderClient';
import { checkedCollection } from '../shared/parameters';
import { GET_BATCH_RESULTS, getBatchResults, jsonAnswersProperty } from './actions/batchResults';
import { CANCEL_BATCH, cancelBatch, readBatchRef } from './actions/cancelBatch';
import { CREATE_BATCH, chatRequestProperties } from './actions/chatRequest';
import { batchOptionsProperty, createBatches } from './actions/createBatch';
import { anthropicBatch } from './anthropicBatch';
import type { BatchVendor } from './batchVendor';
import { BATCH_WAIT_DEFAULTS } from './batchVendor';
import { mistralBatch } from './mistralBatch';
import { openAiBatch } from './openAiBatch';

const VENDORS: Record<string, BatchVendor> = { openAi: openAiBatch, anthropic: anthropicBatch, mistral: mistralBatch };

const OPERATION_NAMES = {
	[CREATE_BATCH]: 'Create Batch',
	[GET_JOB]: 'Get Batch',
	[WAIT_FOR_JOB]: 'Wait For Batch',
	[GET_BATCH_RESULTS]: 'Get Batch Results',
	[CANCEL_BATCH]: 'Cancel Batch',
};

const BATCH_OPERATIONS = [GET_JOB, WAIT_FOR_JOB, GET_BATCH_RESULTS, CANCEL_BATCH];

const RETURNS_BATCH = ' Returns the batch as JSON: jobId, status (queued, running, succeeded, failed or canceled), done, progress (percent of requests done), error, and nextCheckInSeconds while it is not done.';
const TOOL_DESCRIPTIONS = {
	[CREATE_BATCH]: 'Send every input item as one request of a language-model batch (half price, answers within 24 hours).' + RETURNS_BATCH,
	[GET_JOB]: 'Look up a language-model batch by its jobId.' + RETURNS_BATCH,
	[WAIT_FOR_JOB]: 'Wait a short while for a language-model batch (by jobId) to finish; if it is still running (done false), look it up again after nextCheckInSeconds.' + RETURNS_BATCH,
	[GET_BATCH_RESULTS]: 'Get the answers of a finished language-model batch (by jobId): one per request, with text, usage and error.',
	[CANCEL_BATCH]: 'Cancel a language-model batch by its jobId.' + RETURNS_BATCH,
};

/** Job options that mean something for batches: the run's request pace, one request's timeout, the raw reply. */
const BATCH_JOB_OPTIONS = ['includeRaw', 'maxParallel', 'requestsPerSecond', 'requestTimeout'];

function optionsProperty(): INodeProperties {
	const property = jobOptionsProperty(BATCH_WAIT_DEFAULTS, [CREATE_BATCH, ...BATCH_OPERATIONS]);
	return { ...property, options: (property.options as INodeProperties[]).filter((option) => BATCH_JOB_OPTIONS.includes(option.name)) };
}

export class LlmBatch implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'LLM Batch',
		name: 'llmBatch',
		icon: { light: 'file:llmBatch.svg', dark: 'file:llmBatch.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ ${labelOf({ openAi: 'OpenAI', anthropic: 'Anthropic', mistral: 'Mistral' }, 'vendor')} + ": " + ${labelOf(OPERATION_NAMES)} }}`,
		description: "Send a run's items as one language-model batch at OpenAI, Anthropic or Mistral (half price), and get each answer back paired to its item",
		defaults: { name: 'LLM Batch' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'openAiBatchApi', required: true, displayOptions: { show: { vendor: ['openAi'] } } },
			{ name: 'anthropicBatchApi', required: true, displayOptions: { show: { vendor: ['anthropic'] } } },
			{ name: 'mistralBatchApi', required: true, displayOptions: { show: { vendor: ['mistral'] } } },
		],
		properties: [
			{
				displayName: 'Vendor',
				name: 'vendor',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Anthropic', value: 'anthropic', description: 'Message Batches' },
					{ name: 'Mistral', value: 'mistral', description: 'Batch jobs' },
					{ name: 'OpenAI', value: 'openAi', description: 'Batch API' },
				],
				default: 'openAi',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Cancel Batch', value: CANCEL_BATCH, action: 'Cancel a batch', description: 'Stop a batch; finished requests keep their results' },
					{ name: 'Create Batch', value: CREATE_BATCH, action: 'Create a batch', description: 'Send every input item as one request of one batch' },
					{ name: 'Get Batch', value: GET_JOB, action: 'Get a batch', description: 'Look up the status and progress of a batch' },
					{ name: 'Get Batch Results', value: GET_BATCH_RESULTS, action: 'Get the results of a batch', description: "One item per request, in the order of the run's items" },
					{ name: 'Wait For Batch', value: WAIT_FOR_JOB, action: 'Wait for a batch', description: 'Poll a batch until it is done' },
				],
				default: CREATE_BATCH,
			},
			...chatRequestProperties,
			batchOptionsProperty,
			{ ...jobIdProperty('batch_abc123', 'The batch ID, as Create Batch outputs it in "jobId"', BATCH_OPERATIONS), displayName: 'Batch ID' },
			jsonAnswersProperty,
			// Wait settings for Wait For Batch, the next-check intervals for Get Batch; no create waits.
			...waitProperties(BATCH_WAIT_DEFAULTS, []).filter((property) => property.displayOptions?.show?.operation?.length),
			optionsProperty(),
			...toolProperties(TOOL_DESCRIPTIONS, [WAIT_FOR_JOB]),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const vendorName = this.getNodeParameter('vendor', 0) as string;
		const vendor = VENDORS[vendorName];
		if (!vendor) throw new NodeOperationError(this.getNode(), `The vendor "${vendorName}" is not supported`, { description: `Choose one of ${Object.keys(VENDORS).join(', ')}.` });
		if (this.getNodeParameter('operation', 0) !== CREATE_BATCH) {
			return await executeJobOperation.call(this, vendor, {
				[GET_JOB]: getJob(readBatchRef),
				[WAIT_FOR_JOB]: waitForJob(readBatchRef),
				[GET_BATCH_RESULTS]: getBatchResults(readBatchRef),
				[CANCEL_BATCH]: cancelBatch,
			});
		}
		// One batch for all items, so Create Batch runs once for the run rather than per item.
		const options = checkedCollection(this, 'options', 0, 'Options', optionsProperty().options as INodeProperties[]) as JobOptions;
		const client = new ProviderClient(this, vendor, {
			signal: this.getExecutionCancelSignal(),
			requestsPerSecond: options.requestsPerSecond,
			requestTimeoutMs: options.requestTimeout !== undefined ? options.requestTimeout * 1000 : undefined,
		});
		return [await createBatches(this, vendor, client)];
	}
}
