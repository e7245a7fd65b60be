import { z } from 'zod';

import { toIsoTime } from '../shared/JobItem';
import { trimmedBaseUrl } from '../shared/parameters';
import type { BatchVendor } from './batchVendor';
import { BATCH_WAIT_DEFAULTS, isBatchOf, partMetadata, rangeFromMetadata, readVendorError, recentEnough } from './batchVendor';
import { chatCompletionBody, readChatResultLine, uploadRequestsFile } from './chatCompletions';

/** A batch job as `@mistralai/mistralai` (models/components/batchjob.ts) reads it. */
const jobSchema = z.object({
	id: z.string(),
	status: z.string(),
	created_at: z.number(),
	metadata: z.record(z.string(), z.unknown()).nullish(),
	output_file: z.string().nullish(),
	error_file: z.string().nullish(),
	errors: z.array(z.object({ message: z.string(), count: z.number().nullish() }).passthrough()),
	total_requests: z.number(),
	completed_requests: z.number(),
	started_at: z.number().nullish(),
	completed_at: z.number().nullish(),
});

const listSchema = z.object({ data: z.array(jobSchema.passthrough()), total: z.number() });

const STATUSES = {
	QUEUED: 'queued',
	RUNNING: 'running',
	CANCELLATION_REQUESTED: 'running',
	SUCCESS: 'succeeded',
	FAILED: 'failed',
	TIMEOUT_EXCEEDED: 'failed',
	CANCELLED: 'canceled',
} as const;

const REUSABLE = new Set(['QUEUED', 'RUNNING', 'SUCCESS']);

const PAGE_SIZE = 100;

export const mistralBatch: BatchVendor = {
	name: 'mistral',
	displayName: 'Mistral',
	credentialType: 'mistralBatchApi',
	secretFields: ['apiKey'],
	baseUrl: (credentials) => trimmedBaseUrl(credentials.baseUrl, 'https://api.mistral.ai'),
	waitDefaults: BATCH_WAIT_DEFAULTS,
	maxRequestsPerBatch: 1_000_000,

	// The model is the job's, not each request's.
	requestEntry: (request) => ({ custom_id: request.customId, body: { ...chatCompletionBody(request), max_tokens: request.maxTokens } }),

	async startBatch(client, part, entries, model) {
		const inputFileId = await uploadRequestsFile(client, '/v1/files', entries);
		const { body } = await client.request({
			method: 'POST',
			path: '/v1/batch/jobs',
			body: { input_files: [inputFileId], endpoint: '/v1/chat/completions', model, metadata: partMetadata(part), timeout_hours: 24 },
			purpose: 'create the batch job',
			uncertainOutcomeHint: 'Run Create Batch again in the same execution: it finds the job by its metadata rather than creating a second one.',
		});
		return body;
	},

	async findBatch(client, part) {
		// Pages are numbered, newest first; a job of this run is at most a day or two old.
		for (let page = 0; page < 20; page++) {
			const { body } = await client.request({ method: 'GET', path: '/v1/batch/jobs', qs: { page, page_size: PAGE_SIZE, order_by: '-created' }, purpose: 'list batch jobs' });
			const { data } = listSchema.parse(body);
			const found = data.find((job) => REUSABLE.has(job.status) && isBatchOf(job.metadata, part));
			if (found) return found;
			if (data.length < PAGE_SIZE || !recentEnough(data[data.length - 1].created_at)) return undefined;
		}
		return undefined;
	},

	getJobRequest: ({ jobId }) => ({ method: 'GET', path: `/v1/batch/jobs/${encodeURIComponent(jobId)}`, purpose: `get batch job ${jobId}` }),
	cancelRequest: ({ jobId }) => ({ method: 'POST', path: `/v1/batch/jobs/${encodeURIComponent(jobId)}/cancel`, replayable: true, purpose: `cancel batch job ${jobId}` }),

	readJob(body) {
		const job = jobSchema.parse(body);
		const failed = job.status === 'FAILED' || job.status === 'TIMEOUT_EXCEEDED';
		const reasons = job.errors.map((error) => error.message).join('; ');
		return {
			jobId: job.id,
			providerStatus: job.status,
			progress: job.status === 'SUCCESS' ? 100 : job.total_requests > 0 ? Math.floor((job.completed_requests / job.total_requests) * 100) : null,
			error: failed ? { message: reasons || (job.status === 'TIMEOUT_EXCEEDED' ? 'The job did not finish within its 24 h' : 'Mistral gave no reason'), retryable: job.status === 'TIMEOUT_EXCEEDED' } : null,
			createdAt: toIsoTime(job.created_at),
			updatedAt: toIsoTime(job.completed_at ?? job.started_at),
			finishedAt: toIsoTime(job.completed_at),
		};
	},

	mapStatus: (status) => STATUSES[status as keyof typeof STATUSES],

	resultFiles(body) {
		const job = jobSchema.parse(body);
		return [job.output_file, job.error_file]
			.filter((id): id is string => typeof id === 'string' && id !== '')
			.map((id) => ({ method: 'GET', path: `/v1/files/${encodeURIComponent(id)}/content`, streamReply: true, purpose: `download results file ${id}` }));
	},

	readResultLine: readChatResultLine,

	batchRange(body) {
		const job = jobSchema.parse(body);
		return rangeFromMetadata(job.metadata) ?? { count: job.total_requests };
	},

	readError: (statusCode, body) => readVendorError(statusCode, body, 'Check the batch job ID: it must be a job of this API key\'s workspace.'),
};
