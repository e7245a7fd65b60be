import { z } from 'zod';

/** Normalized statuses: every provider's own status words map onto these five. */
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'canceled']);

export function isFinalStatus(status: JobStatus): boolean {
	return FINAL_STATUSES.has(status);
}

/** A result file at a link (which may expire): "Download Outputs" fetches these. */
export const linkOutputSchema = z
	.object({
		url: z.string(),
		kind: z.enum(['image', 'video', 'audio', 'file']),
		format: z.string().optional(),
		width: z.number().optional(),
		height: z.number().optional(),
		expiresAt: z.string().optional(),
	})
	.strict();
export type LinkOutput = z.infer<typeof linkOutputSchema>;

/** A result given in the reply itself: text (a transcript, an LLM's answer) or any JSON value. */
const valueOutputSchema = z.union([
	z.object({ kind: z.literal('text'), text: z.string() }).strict(),
	z.object({ kind: z.literal('json'), value: z.unknown() }).strict(),
]);

export const jobOutputSchema = z.union([linkOutputSchema, valueOutputSchema]);
export type JobOutput = z.infer<typeof jobOutputSchema>;

export function isLinkOutput(output: JobOutput): output is LinkOutput {
	return 'url' in output;
}

export const jobErrorSchema = z
	.object({
		message: z.string(),
		code: z.string().optional(),
		/** True where running the same job again may succeed (a transient provider fault). */
		retryable: z.boolean(),
	})
	.strict();
export type JobError = z.infer<typeof jobErrorSchema>;

/**
 * The one item shape every job action of every provider outputs, so nodes downstream
 * never need to know which provider ran the job. Strict: a field not listed here (and in
 * the README's table) is a mismatch.
 */
const normalizedJobFields = {
	provider: z.string(),
	jobId: z.string(),
	status: z.enum(JOB_STATUSES),
	done: z.boolean(),
	providerStatus: z.string(),
	progress: z.number().min(0).max(100).nullable(),
	queue: z.object({ position: z.number().nullable(), length: z.number().nullable() }).strict().nullable(),
	outputs: z.array(jobOutputSchema),
	error: jobErrorSchema.nullable(),
	cost: z.number().nullable(),
	createdAt: z.string().nullable(),
	updatedAt: z.string().nullable(),
	finishedAt: z.string().nullable(),
	estimatedSecondsLeft: z.number().nullable(),
	/** When to look at this job again, from the same schedule Wait For Job uses; null once done. */
	nextCheckInSeconds: z.number().nullable(),
	/** The provider workflow or template the job runs, where the provider has one. */
	workflowId: z.string().nullable(),
	raw: z.unknown().optional(),
	};

/** A job's `done` and `nextCheckInSeconds` agree with its status. */
function withJobRules<T extends z.ZodTypeAny>(schema: T) {
	return schema
		.refine((job: NormalizedJob) => job.done === isFinalStatus(job.status), { message: '"done" must be true exactly when the status is final', path: ['done'] })
		.refine((job: NormalizedJob) => !job.done || job.nextCheckInSeconds === null, { message: 'a finished job has no next check', path: ['nextCheckInSeconds'] });
}

export const normalizedJobSchema = withJobRules(z.object(normalizedJobFields).strict());
export type NormalizedJob = z.infer<z.ZodObject<typeof normalizedJobFields>>;

/*
 * Outputs that are not a job. Every action outputs normalized jobs (List Jobs one per job,
 * the Pixxel trigger one per finished job, Get Results the job with its ZIP), except these.
 */

/** With "Continue On Fail", a failed input item's place in the output (any action). */
export const failedItemSchema = z
	.object({ error: z.string(), errorDescription: z.string().optional(), httpCode: z.string().optional() })
	.strict();

/** Tensor.Art Check Params: whether TAMS takes the params and what they cost; a refusal carries its reason. */
export const paramsCheckSchema = z
	.object({ valid: z.boolean(), credits: z.number().nullable(), reason: z.string().optional(), hint: z.string().optional() })
	.strict();

/** Tensor.Art Upload Image: the resource to name in params, and the file it was made from. */
export const uploadedImageSchema = z
	.object({ resourceId: z.string(), fileName: z.string().nullable(), mimeType: z.string(), fileSize: z.number() })
	.strict();

/** Tensor.Art Get Template: the template as TAMS returns it, whose fields this package does not own. */
export const templateSchema = z.record(z.string(), z.unknown());

/** LLM Batch Create Batch: the batch as a job, and which of the run's items it holds (a run larger than the vendor's limit makes several). */
export const createdBatchSchema = withJobRules(
	z
		.object({
			...normalizedJobFields,
			batch: z
				.object({ runTag: z.string(), part: z.number(), parts: z.number(), firstItem: z.number(), requestCount: z.number(), foundExisting: z.boolean() })
				.strict(),
		})
		.strict(),
);

/** LLM Batch Get Batch Results: one item per request of the batch, in the order of the run's items. */
export const batchResultSchema = z
	.object({
		provider: z.string(),
		batchId: z.string(),
		/** The request's item in the input of the run that created the batch. */
		itemIndex: z.number(),
		customId: z.string().nullable(),
		status: z.enum(['succeeded', 'errored', 'expired', 'canceled', 'missing']),
		text: z.string().nullable(),
		/** The answer parsed, with "JSON Answers" on. */
		json: z.unknown().optional(),
		usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }).strict().nullable(),
		error: z.object({ message: z.string(), code: z.string().optional() }).strict().nullable(),
	})
	.strict();

const ACTION_OUTPUT_SCHEMAS: Record<string, z.ZodTypeAny> = {
	createBatch: createdBatchSchema,
	getBatchResults: batchResultSchema,
	checkParams: paramsCheckSchema,
	uploadImage: uploadedImageSchema,
	getTemplate: templateSchema,
};

/**
 * The schema an output item must meet, from its node's action (`operation`) and its JSON: a
 * Continue On Fail item has a text `error`, which a job never has (a job's is an object or null).
 */
export function outputItemSchema(operation: unknown, json: unknown, continueOnFail: boolean): { name: string; schema: z.ZodTypeAny } {
	if (continueOnFail && typeof (json as { error?: unknown } | null)?.error === 'string') {
		return { name: 'failed item (Continue On Fail)', schema: failedItemSchema };
	}
	const actionSchema = typeof operation === 'string' ? ACTION_OUTPUT_SCHEMAS[operation] : undefined;
	return actionSchema ? { name: `${operation} output`, schema: actionSchema } : { name: 'normalized job', schema: normalizedJobSchema };
}

/**
 * What an adapter reads out of one provider response; the engine adds the normalized
 * status, `done`, the poll suggestion and the raw response.
 */
export type JobSnapshot = Pick<NormalizedJob, 'jobId' | 'providerStatus'> &
	Partial<
		Pick<
			NormalizedJob,
			/** Set where the status word alone does not tell (fal.ai's COMPLETED, whose result may be a failure). */
			| 'status'
			| 'progress'
			| 'queue'
			| 'outputs'
			| 'error'
			| 'cost'
			| 'createdAt'
			| 'updatedAt'
			| 'finishedAt'
			| 'estimatedSecondsLeft'
			| 'workflowId'
		>
	>;

/** Turns a provider timestamp (ISO string, or epoch seconds or milliseconds) into an ISO string. */
export function toIsoTime(value: unknown): string | null {
	if (value === null || value === undefined || value === '') return null;
	const asNumber = typeof value === 'number' ? value : /^\d+$/.test(String(value)) ? Number(value) : NaN;
	const date = Number.isFinite(asNumber)
		? new Date(asNumber < 1e12 ? asNumber * 1000 : asNumber)
		: new Date(String(value));
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const EXTENSION_KINDS: Record<string, LinkOutput['kind']> = {
	png: 'image',
	jpg: 'image',
	jpeg: 'image',
	webp: 'image',
	gif: 'image',
	bmp: 'image',
	tif: 'image',
	tiff: 'image',
	mp4: 'video',
	webm: 'video',
	mov: 'video',
	mkv: 'video',
	mp3: 'audio',
	wav: 'audio',
	ogg: 'audio',
	oga: 'audio',
	opus: 'audio',
	flac: 'audio',
	m4a: 'audio',
	aac: 'audio',
};

/** The file extension of a URL's path (lower case, no dot), or undefined. */
export function formatFromUrl(url: string): string | undefined {
	const path = url.split(/[?#]/)[0];
	const match = /\.([a-z0-9]{2,5})$/i.exec(path);
	return match ? match[1].toLowerCase() : undefined;
}

export function kindFromFormat(format: string | undefined): LinkOutput['kind'] {
	return (format && EXTENSION_KINDS[format.toLowerCase()]) || 'file';
}
