import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import type { JobStatus } from '../shared/JobItem';
import { toIsoTime } from '../shared/JobItem';
import { trimmedBaseUrl } from '../shared/parameters';
import type { BatchVendor } from './batchVendor';
import { BATCH_WAIT_DEFAULTS, objectAt, readVendorError, textAt } from './batchVendor';

/** A Message Batch as `@anthropic-ai/sdk` (resources/messages/batches.ts) types it. */
const batchSchema = z.object({
	id: z.string(),
	processing_status: z.string(),
	request_counts: z.object({ processing: z.number(), succeeded: z.number(), errored: z.number(), canceled: z.number(), expired: z.number() }),
	results_url: z.string().nullish(),
	created_at: z.string(),
	ended_at: z.string().nullish(),
	cancel_initiated_at: z.string().nullish(),
});

const STATUSES: Record<string, JobStatus> = { in_progress: 'running', canceling: 'running', ended: 'succeeded' };

export const anthropicBatch: BatchVendor = {
	name: 'anthropic',
	displayName: 'Anthropic',
	credentialType: 'anthropicBatchApi',
	secretFields: ['apiKey'],
	baseUrl: (credentials) => trimmedBaseUrl(credentials.baseUrl, 'https://api.anthropic.com'),
	waitDefaults: BATCH_WAIT_DEFAULTS,
	maxRequestsPerBatch: 100_000,

	requestEntry({ customId, model, system, messages, maxTokens, schema }) {
		const params: IDataObject = { model, max_tokens: maxTokens, messages };
		if (system !== undefined) params.system = system;
		if (schema) params.output_config = { format: { type: 'json_schema', schema } };
		return { custom_id: customId, params };
	},

	async startBatch(client, _part, entries) {
		// The requests go inline in one JSON body, which n8n's HTTP helper sends as one string: the
		// batch's requests are in memory once while it is sent (Max Requests per Batch bounds it).
		const { body } = await client.request({
			method: 'POST',
			path: '/v1/messages/batches',
			body: { requests: [...entries()] },
			purpose: 'create the message batch',
			uncertainOutcomeHint: 'Anthropic keeps no metadata on batches, so a batch made by a request whose answer was lost cannot be found by this node: look in the Anthropic console for a batch created at this time before running again.',
		});
		return body;
	},

	getJobRequest: ({ jobId }) => ({ method: 'GET', path: `/v1/messages/batches/${encodeURIComponent(jobId)}`, purpose: `get message batch ${jobId}` }),
	cancelRequest: ({ jobId }) => ({ method: 'POST', path: `/v1/messages/batches/${encodeURIComponent(jobId)}/cancel`, replayable: true, purpose: `cancel message batch ${jobId}` }),

	readJob(body) {
		const batch = batchSchema.parse(body);
		const ended = batch.processing_status === 'ended';
		return {
			jobId: batch.id,
			providerStatus: batch.processing_status,
			// A batch that was canceled before it ended is canceled, whatever some of its requests got done.
			status: ended && batch.cancel_initiated_at ? 'canceled' : undefined,
			// Every request counts as processing until the batch ends: the counts tell progress only then.
			progress: ended ? 100 : null,
			createdAt: toIsoTime(batch.created_at),
			updatedAt: toIsoTime(batch.ended_at ?? batch.cancel_initiated_at),
			finishedAt: toIsoTime(batch.ended_at),
		};
	},

	mapStatus: (status) => STATUSES[status],

	resultFiles(body) {
		const url = batchSchema.parse(body).results_url;
		// An absolute URL from the reply: the engine sends the key with it only on the API's own origin.
		return url ? [{ method: 'GET', path: url, urlFromReply: 'the results_url of the batch', headers: { Accept: 'application/binary' }, streamReply: true, purpose: 'download the batch results' }] : [];
	},

	readResultLine(value) {
		const line = objectAt(value, 'the line') ?? {};
		const customId = textAt(line, 'custom_id');
		const result = objectAt(line.result, 'result') ?? {};
		switch (result.type) {
			case 'succeeded': {
				const message = objectAt(result.message, 'result.message') ?? {};
				const blocks = Array.isArray(message.content) ? (message.content as Array<{ type?: unknown; text?: unknown }>) : [];
				const text = blocks.map((block) => (block?.type === 'text' && typeof block.text === 'string' ? block.text : '')).join('');
				const usage = objectAt(message.usage, 'result.message.usage');
				const tokens = usage && typeof usage.input_tokens === 'number' && typeof usage.output_tokens === 'number' ? { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens } : undefined;
				return { customId, outcome: 'succeeded', text, usage: tokens };
			}
			case 'errored': {
				const error = objectAt(objectAt(result.error, 'result.error')?.error, 'result.error.error');
				return { customId, outcome: 'errored', error: { message: typeof error?.message === 'string' ? error.message : 'no reason given', code: typeof error?.type === 'string' ? error.type : undefined } };
			}
			case 'expired':
				return { customId, outcome: 'expired', error: { message: 'The batch ended (24 h) before this request ran', code: 'expired' } };
			case 'canceled':
				return { customId, outcome: 'canceled', error: { message: 'The batch was canceled before this request ran', code: 'canceled' } };
			default:
				throw new Error(`result.type ${JSON.stringify(result.type)} is none of succeeded, errored, expired, canceled`);
		}
	},

	batchRange(body) {
		const counts = batchSchema.parse(body).request_counts;
		return { count: counts.processing + counts.succeeded + counts.errored + counts.canceled + counts.expired };
	},

	readError: (statusCode, body) => readVendorError(statusCode, body, 'Check the batch ID: it must be a message batch of this API key\'s workspace ("msgbatch_…").'),
};
