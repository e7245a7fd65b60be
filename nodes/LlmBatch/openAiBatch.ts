import { z } from 'zod';

import { toIsoTime } from '../shared/JobItem';
import type { ProviderClient } from '../shared/ProviderClient';
import { trimmedBaseUrl } from '../shared/parameters';
import type { BatchPart, BatchVendor } from './batchVendor';
import { BATCH_WAIT_DEFAULTS, isBatchOf, partMetadata, rangeFromMetadata, readVendorError, recentEnough } from './batchVendor';
import { chatCompletionBody, readChatResultLine, uploadRequestsFile } from './chatCompletions';

/** A batch as `openai` (resources/batches.ts) types it: the file IDs, counts and times are optional. */
const batchSchema = z.object({
	id: z.string(),
	status: z.string(),
	created_at: z.number(),
	output_file_id: z.string().nullish(),
	error_file_id: z.string().nullish(),
	errors: z
		.object({ data: z.array(z.object({ code: z.string().nullish(), line: z.number().nullish(), message: z.string().nullish() }).passthrough()).nullish() })
		.passthrough()
		.nullish(),
	request_counts: z.object({ total: z.number(), completed: z.number(), failed: z.number() }).nullish(),
	metadata: z.record(z.string(), z.unknown()).nullish(),
	in_progress_at: z.number().nullish(),
	completed_at: z.number().nullish(),
	failed_at: z.number().nullish(),
	expired_at: z.number().nullish(),
	cancelled_at: z.number().nullish(),
});

const listSchema = z.object({ data: z.array(batchSchema.passthrough()), has_more: z.boolean().optional() });

const STATUSES = {
	validating: 'queued',
	in_progress: 'running',
	finalizing: 'running',
	cancelling: 'running',
	completed: 'succeeded',
	failed: 'failed',
	expired: 'failed',
	cancelled: 'canceled',
} as const;

/** Batches that may still answer, and so are the same batch when the run creates it again. */
const REUSABLE = new Set(['validating', 'in_progress', 'finalizing', 'completed']);

export const openAiBatch: BatchVendor = {
	name: 'openAi',
	displayName: 'OpenAI',
	credentialType: 'openAiBatchApi',
	secretFields: ['apiKey'],
	baseUrl: (credentials) => trimmedBaseUrl(credentials.baseUrl, 'https://api.openai.com/v1'),
	waitDefaults: BATCH_WAIT_DEFAULTS,
	maxRequestsPerBatch: 50_000,

	requestEntry: (request) => ({
		custom_id: request.customId,
		method: 'POST',
		url: '/v1/chat/completions',
		body: { model: request.model, ...chatCompletionBody(request), max_completion_tokens: request.maxTokens },
	}),

	async startBatch(client, part, entries) {
		const inputFileId = await uploadRequestsFile(client, '/files', entries);
		const { body } = await client.request({
			method: 'POST',
			path: '/batches',
			body: { input_file_id: inputFileId, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: partMetadata(part) },
			purpose: 'create the batch',
			uncertainOutcomeHint: 'Run Create Batch again in the same execution: it finds the batch by its metadata rather than creating a second one.',
		});
		return body;
	},

	async findBatch(client: ProviderClient, part: BatchPart) {
		// The list is newest first, a cursor page at a time; a batch of this run is at most a day or two old.
		let after: string | undefined;
		for (let page = 0; page < 20; page++) {
			const { body } = await client.request({ method: 'GET', path: '/batches', qs: { limit: 100, ...(after ? { after } : {}) }, purpose: 'list batches' });
			const { data, has_more } = listSchema.parse(body);
			const found = data.find((batch) => REUSABLE.has(batch.status) && isBatchOf(batch.metadata, part));
			if (found) return found;
			if (!has_more || data.length === 0 || !recentEnough(data[data.length - 1].created_at)) return undefined;
			after = data[data.length - 1].id;
		}
		return undefined;
	},

	getJobRequest: ({ jobId }) => ({ method: 'GET', path: `/batches/${encodeURIComponent(jobId)}`, purpose: `get batch ${jobId}` }),
	cancelRequest: ({ jobId }) => ({ method: 'POST', path: `/batches/${encodeURIComponent(jobId)}/cancel`, replayable: true, purpose: `cancel batch ${jobId}` }),

	readJob(body) {
		const batch = batchSchema.parse(body);
		const counts = batch.request_counts;
		const finishedAt = batch.completed_at ?? batch.failed_at ?? batch.expired_at ?? batch.cancelled_at;
		return {
			jobId: batch.id,
			providerStatus: batch.status,
			progress: batch.status === 'completed' ? 100 : counts && counts.total > 0 ? Math.floor(((counts.completed + counts.failed) / counts.total) * 100) : null,
			error: batchError(batch),
			createdAt: toIsoTime(batch.created_at),
			updatedAt: toIsoTime(finishedAt ?? batch.in_progress_at),
			finishedAt: toIsoTime(finishedAt),
		};
	},

	mapStatus: (status) => STATUSES[status as keyof typeof STATUSES],

	resultFiles(body) {
		const batch = batchSchema.parse(body);
		// Either may be null: no request succeeded, or none failed. Expired and canceled requests are only in the error file.
		return [batch.output_file_id, batch.error_file_id]
			.filter((id): id is string => typeof id === 'string' && id !== '')
			.map((id) => ({ method: 'GET', path: `/files/${encodeURIComponent(id)}/content`, streamReply: true, purpose: `download results file ${id}` }));
	},

	readResultLine: readChatResultLine,

	lineErrors(body) {
		const errors = batchSchema.parse(body).errors?.data ?? [];
		return errors
			.filter((error) => typeof error.line === 'number')
			.map((error) => ({ line: error.line!, message: error.message ?? 'refused', code: error.code ?? undefined }));
	},

	batchRange(body) {
		const batch = batchSchema.parse(body);
		return rangeFromMetadata(batch.metadata) ?? { count: batch.request_counts?.total ?? 0 };
	},

	readError: (statusCode, body) => readVendorError(statusCode, body, 'Check the batch ID: it must be a batch of this API key\'s project ("batch_…").'),
};

function batchError(batch: z.infer<typeof batchSchema>) {
	if (batch.status === 'failed') {
		const errors = batch.errors?.data ?? [];
		const listed = errors.slice(0, 3).map((error) => (error.line ? `line ${error.line}: ${error.message}` : error.message)).join('; ');
		return { message: `OpenAI refused the batch${errors.length ? ` (${errors.length} error${errors.length > 1 ? 's' : ''}): ${listed}` : ''}`, code: errors[0]?.code ?? undefined, retryable: false };
	}
	if (batch.status === 'expired') {
		return { message: 'The batch did not finish within its 24 h window: finished requests have results, the others are listed as expired', code: 'batch_expired', retryable: true };
	}
	return null;
}
