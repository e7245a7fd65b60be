import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import type { JobError, JobStatus, LinkOutput } from '../shared/JobItem';
import { formatFromUrl, toIsoTime } from '../shared/JobItem';
import type { JobProvider, ProviderErrorInfo } from '../shared/JobProvider';
import { checkedText, invalidValue } from '../shared/parameters';
import { credentialAdvice, credentialProblem, tamsBaseUrl } from './tamsAuth';

/**
 * Tensor.Art TAMS (seeds 000/001). Ids, queue numbers and expiry times are 64-bit integers sent
 * as JSON strings: they stay strings here, so no digit is lost above 2^53.
 */

/** A 64-bit id: text, or a JSON number only while it is still exact. */
const idSchema = z.union([
	z.string(),
	z.number().int().refine(Number.isSafeInteger, 'is a number too large to keep all its digits'),
]).transform(String);

/** int64 fields come as strings, int32 fields as numbers; both are read as numbers. */
const countSchema = z.union([z.string(), z.number()]).transform((value) => {
	const number = Number(value);
	return value === '' || !Number.isFinite(number) ? null : number;
});

const resourceSchema = z.object({
	id: z.string().nullish(),
	url: z.string().nullish(),
	expiredIn: countSchema.nullish(),
	meta: z
		.object({
			image: z
				.object({ format: z.string().nullish(), width: countSchema.nullish(), height: countSchema.nullish() })
				.nullish(),
		})
		.nullish(),
});
type TamsResource = z.infer<typeof resourceSchema>;

const processingImagesSchema = z.array(z.object({ resourceImage: resourceSchema.nullish(), progress: countSchema.nullish() })).nullish();

const finishItemSchema = z.object({
	status: z.string().nullish(),
	progress: countSchema.nullish(),
	ctime: z.union([z.string(), z.number()]).nullish(),
	mtime: z.union([z.string(), z.number()]).nullish(),
	nodes: z.record(z.object({ outputUi: z.object({ images: z.array(resourceSchema).nullish() }).nullish() }).nullish()).nullish(),
});

/** Responses of 2023 carried `stages[]` in the running, success and failed info. */
const stagesSchema = z.array(z.object({ processingImages: processingImagesSchema })).nullish();

const jobSchema = z.object({
	id: idSchema,
	status: z.string(),
	credits: countSchema.nullish(),
	waitingInfo: z.object({ queueRank: countSchema.nullish(), queueLen: countSchema.nullish() }).nullish(),
	failedInfo: z.object({ reason: z.string().nullish(), code: z.string().nullish() }).nullish(),
	runningInfo: z
		.object({ processingImages: processingImagesSchema, workflowFinishItem: finishItemSchema.nullish(), stages: stagesSchema })
		.nullish(),
	successInfo: z
		.object({
			images: z.array(resourceSchema).nullish(),
			videos: z.array(resourceSchema).nullish(),
			workflowFinishItem: finishItemSchema.nullish(),
			stages: stagesSchema,
		})
		.nullish(),
});
type TamsJob = z.infer<typeof jobSchema>;

const jobReplySchema = z.object({ job: jobSchema });

const STATUSES: Record<string, JobStatus> = {
	DEFAULT: 'queued',
	CREATED: 'queued',
	PENDING: 'queued',
	WAITING: 'queued',
	RUNNING: 'running',
	SUCCESS: 'succeeded',
	FAILED: 'failed',
	CANCELED: 'canceled',
};

/** The rules behind TAMS's named 400 errors (seed 001), said so the user can fix the params. */
const NAMED_ERRORS: Record<string, string> = {
	invalid_height_or_width:
		'Width and height must be multiples of 64 (e.g. 512, 576, 640 … 1024): change the width and height inputs in the params.',
	invalid_samples: 'The number of images to make (sample count, e.g. batch_size) must be at least 1.',
};

/** TAMS's own codes for a refused credential, sent with HTTP 404 (seen in clients). */
const CREDENTIAL_CODES = new Set(['100001', '100002', '16', '7']);

const errorBodySchema = z.object({
	code: z.union([z.number(), z.string()]).nullish(),
	message: z.string().nullish(),
	tips: z.string().nullish(),
	details: z.array(z.record(z.unknown())).nullish(),
});

export const tensorArtProvider: JobProvider = {
	name: 'tensorArt',
	displayName: 'Tensor.Art',
	credentialType: 'tensorArtApi',
	secretFields: ['apiKey', 'privateKey'],
	baseUrl: tamsBaseUrl,
	credentialProblem,
	credentialAdvice,
	// Official clients poll every 5 s for up to 10–20 min. TAMS allows 5 requests per second per
	// app; 4 leaves room for other calls with the same app.
	waitDefaults: { pollIntervalSeconds: 3, maxIntervalSeconds: 30, timeoutMinutes: 20, requestsPerSecond: 4 },

	getJobRequest: ({ jobId }) => ({ method: 'GET', path: `/v1/jobs/${encodeURIComponent(jobId)}`, purpose: `get job ${jobId}` }),

	readJob(body) {
		const { job } = jobReplySchema.parse(body);
		const status = STATUSES[job.status.toUpperCase()];
		const finishItem = job.successInfo?.workflowFinishItem ?? job.runningInfo?.workflowFinishItem;
		const queue = job.waitingInfo ? { position: job.waitingInfo.queueRank ?? null, length: job.waitingInfo.queueLen ?? null } : null;
		return {
			jobId: job.id,
			providerStatus: job.status,
			progress: progressOf(job, status),
			queue,
			outputs: status === 'succeeded' ? outputsOf(job) : [],
			error: status === 'failed' ? errorOf(job) : null,
			// Failed jobs cost nothing (TAMS docs), whether or not `credits` says so.
			cost: status === 'failed' ? 0 : (job.credits ?? null),
			createdAt: toIsoTime(finishItem?.ctime),
			updatedAt: toIsoTime(finishItem?.mtime),
			finishedAt: status === 'succeeded' || status === 'failed' ? toIsoTime(finishItem?.mtime) : null,
			// TAMS gives a queue position but no durations, so no time left is guessed.
			estimatedSecondsLeft: null,
		};
	},

	// TAMS calls runningNotifyUrl as the job runs and when it ends (PROVIDERS.md §1; its body is undocumented).
	withNotifyUrl: (request, url) => ({ ...request, body: { ...request.body, runningNotifyUrl: url } }),
	callbackKeyFields: ['apiKey', 'privateKey'],

	mapStatus: (providerStatus) => STATUSES[providerStatus.toUpperCase()],

	readError(statusCode, body): ProviderErrorInfo {
		const parsed = errorBodySchema.safeParse(body);
		const { code, message, tips, details } = parsed.success ? parsed.data : {};
		const text = message || `HTTP ${statusCode}`;
		const codeText = code === undefined || code === null ? undefined : String(code);
		const withCode = (info: ProviderErrorInfo): ProviderErrorInfo => (codeText ? { ...info, code: codeText } : info);

		const named = Object.keys(NAMED_ERRORS).find((name) => `${text} ${JSON.stringify(details ?? [])}`.includes(name));
		if (named) return withCode({ message: `${named}: ${NAMED_ERRORS[named]}`, problem: 'invalidInput' });
		if (
			statusCode === 401 ||
			statusCode === 403 ||
			(codeText !== undefined && CREDENTIAL_CODES.has(codeText)) ||
			(statusCode === 404 && /unauthori[sz]ed|app not found|authorization/i.test(`${text} ${tips ?? ''}`))
		) {
			return withCode({
				message: `the credential was refused (${[text, tips].filter(Boolean).join(': ')})`,
				problem: 'credentials',
				description:
					'TAMS answers "app not found" when it does not know the app at this endpoint (the International and China endpoints have separate apps).',
			});
		}
		if (statusCode === 429 || codeText === '8') {
			return withCode({
				message: text,
				problem: 'rateLimited',
				description: 'TAMS allows 5 requests per second per app: lower "Max Requests per Second" in the options if other workflows use the same app.',
			});
		}
		if (statusCode === 404) {
			return withCode({
				message: text,
				problem: 'notFound',
				description: 'Check the ID: TAMS finds jobs and templates only for the app (and endpoint) that owns them, e.g. the "jobId" that Create Job output.',
			});
		}
		if (statusCode >= 500) return withCode({ message: text, problem: 'unavailable' });
		return withCode({ message: text, problem: 'invalidInput' });
	},
};

/**
 * Reads a 64-bit TAMS id (job, template). A JSON number above 2^53 has already lost digits, so
 * it is refused with that reason rather than sent as a different id.
 */
export function readTamsId(fn: IExecuteFunctions, name: string, itemIndex: number, displayName: string): string {
	const value = fn.getNodeParameter(name, itemIndex, '') as unknown;
	if (typeof value === 'number' && !Number.isSafeInteger(value)) {
		throw new NodeOperationError(fn.getNode(), `The ${displayName} ${value} of item ${itemIndex} is not a Tensor.Art ID`, {
			itemIndex,
			description:
				'This number is too large for JavaScript to keep exact, so its last digits are already wrong. Pass the ID as text, as Tensor.Art sends it (e.g. {{ $json.jobId }} from the node that created the job).',
		});
	}
	const text = checkedText(fn.getNode(), value, displayName, itemIndex);
	if (!/^\d{1,20}$/.test(text)) {
		throw invalidValue(fn.getNode(), itemIndex, displayName, `must be a Tensor.Art ID (digits only), not "${text.slice(0, 60)}"`, 'Tensor.Art IDs are digits only, such as 881417947308949275.');
	}
	return text;
}

function progressOf(job: TamsJob, status: JobStatus | undefined): number | null {
	if (status === 'succeeded') return 100;
	const running = job.runningInfo;
	if (!running) return null;
	const images = running.processingImages ?? running.stages?.at(-1)?.processingImages ?? [];
	const perImage = images.map((image) => image.progress).filter((value): value is number => typeof value === 'number');
	const progress =
		running.workflowFinishItem?.progress ?? (perImage.length > 0 ? perImage.reduce((sum, value) => sum + value, 0) / perImage.length : null);
	return progress === null ? null : Math.min(100, Math.max(0, Math.round(progress)));
}

/**
 * Final images and videos; where both lists are empty, the images the workflow's nodes show
 * (`workflowFinishItem.nodes[*].outputUi.images`), then those of 2023's `stages[]`.
 */
function outputsOf(job: TamsJob): LinkOutput[] {
	const success = job.successInfo;
	const listed = [
		...(success?.images ?? []).map((resource) => toOutput(resource, 'image')),
		...(success?.videos ?? []).map((resource) => toOutput(resource, 'video')),
	];
	const fromNodes = Object.values(success?.workflowFinishItem?.nodes ?? {}).flatMap((node) =>
		(node?.outputUi?.images ?? []).map((resource) => toOutput(resource, 'image')),
	);
	const fromStages = (success?.stages ?? []).flatMap((stage) =>
		(stage.processingImages ?? []).map((image) => toOutput(image.resourceImage ?? {}, 'image')),
	);
	const sources = [listed, fromNodes, fromStages].map((list) => list.filter((output): output is LinkOutput => output !== undefined));
	return sources.find((list) => list.length > 0) ?? [];
}

function toOutput(resource: TamsResource, kind: LinkOutput['kind']): LinkOutput | undefined {
	if (!resource.url) return undefined;
	const image = resource.meta?.image;
	const format = image?.format?.toLowerCase() || formatFromUrl(resource.url);
	const output: LinkOutput = { url: resource.url, kind };
	if (format) output.format = format;
	if (image?.width) output.width = image.width;
	if (image?.height) output.height = image.height;
	const expiresAt = expiryOf(resource.expiredIn);
	if (expiresAt) output.expiresAt = expiresAt;
	return output;
}

/**
 * `expiredIn` is undocumented beyond "int64": read as an epoch time (seconds or milliseconds),
 * and a number too small to be a date after 2001 as seconds from now.
 */
function expiryOf(expiredIn: number | null | undefined): string | null {
	if (!expiredIn || expiredIn <= 0) return null;
	if (expiredIn < 1e9) return new Date(Date.now() + expiredIn * 1000).toISOString();
	return toIsoTime(expiredIn);
}

function errorOf(job: TamsJob): JobError {
	const { reason, code } = job.failedInfo ?? {};
	const error: JobError = {
		message: reason || 'Tensor.Art gave no reason for the failure',
		// TRANSITORY_ERROR: the same job may succeed when run again; FATAL_ERROR and DEFAULT: not known to.
		retryable: code === 'TRANSITORY_ERROR',
	};
	if (code) error.code = code;
	return error;
}
