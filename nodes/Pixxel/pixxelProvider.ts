import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import type { JobError, JobSnapshot, JobStatus } from '../shared/JobItem';
import { isFinalStatus, toIsoTime } from '../shared/JobItem';
import type { JobProvider, JobRef, ProviderErrorInfo } from '../shared/JobProvider';
import { checkedText, invalidValue, trimmedBaseUrl } from '../shared/parameters';
import { withDecodedByteFields } from './byteFields';

/** A task of a job (seed 002): its own status, progress 0–100 and failure. */
const taskSchema = z
	.object({
		id: z.string().nullish(),
		name: z.string().nullish(),
		status: z.string().nullish(),
		progress: z.number().nullish(),
		estimated_time_duration: z.number().nullish(),
		err_msg: z.string().nullish(),
		failure_type: z.string().nullish(),
	})
	.passthrough();

const validationErrorSchema = z
	.object({
		from: z.string().nullish(),
		to: z.string().nullish(),
		err: z.string().nullish(),
		reason: z.string().nullish(),
		component_name: z.string().nullish(),
	})
	.passthrough();

/** A job (seeds 002, 003) or a job summary of the job list (no tasks, no spec). */
const jobSchema = z
	.object({
		id: z.string().min(1),
		status: z.string(),
		workflow_id: z.string().nullish(),
		progress: z.union([z.string(), z.number()]).nullish(),
		estimated_duration: z.number().nullish(),
		cost: z.number().nullish(),
		tasks: z.array(taskSchema).nullish(),
		val_errors: z.array(validationErrorSchema).nullish(),
		created_at: z.string().nullish(),
		updated_at: z.string().nullish(),
		finished_at: z.string().nullish(),
	})
	.passthrough();

type PixxelJob = z.infer<typeof jobSchema>;
type PixxelTask = z.infer<typeof taskSchema>;

export const jobListSchema = z.object({ jobs: z.array(z.unknown()).nullish() });

export const workflowListSchema = z.object({
	workflows: z
		.array(z.object({ id: z.string(), project_id: z.string().nullish(), name: z.string().nullish(), description: z.string().nullish() }).passthrough())
		.nullish(),
	pagination: z.object({ total: z.number().nullish() }).passthrough().nullish(),
});

/** PUT …/download: a ZIP of the job's inputs and outputs, `pending` until `ready`. */
export const downloadSchema = z.object({
	id: z.string().nullish(),
	status: z.string(),
	signed_url: z.string().nullish(),
});

/**
 * Pixxel never lists its status words (the docs say "e.g. running, completed, failed"), so
 * they are matched case-insensitively, with the raw word kept in `providerStatus`.
 */
const STATUS_WORDS: Record<string, JobStatus> = {
	completed: 'succeeded',
	complete: 'succeeded',
	success: 'succeeded',
	successful: 'succeeded',
	succeeded: 'succeeded',
	failed: 'failed',
	failure: 'failed',
	error: 'failed',
	errored: 'failed',
	queued: 'queued',
	pending: 'queued',
	created: 'queued',
	submitted: 'queued',
	scheduled: 'queued',
	waiting: 'queued',
	running: 'running',
	in_progress: 'running',
	inprogress: 'running',
	processing: 'running',
	started: 'running',
	executing: 'running',
};

/** Go writes an unset time as year 1; no job of this API is older than this. */
const EARLIEST_REAL_TIME = Date.UTC(2000, 0, 1);

export function mapPixxelStatus(providerStatus: string): JobStatus | undefined {
	const word = providerStatus.trim().toLowerCase().replace(/[\s-]+/g, '_');
	if (word.startsWith('cancel')) return 'canceled';
	return STATUS_WORDS[word];
}

export const pixxelProvider: JobProvider = {
	name: 'pixxel',
	displayName: 'Pixxel',
	credentialType: 'pixxelApi',
	secretFields: ['apiKey'],
	baseUrl: (credentials) => trimmedBaseUrl(credentials.baseUrl, 'https://api.pixxel.space'),
	credentialProblem: (credentials) => (String(credentials.apiKey ?? '').trim() === '' ? 'the API key is empty' : undefined),
	// Satellite analytics run for minutes to hours: a first look after 30 s, then at most every
	// 10 min, for up to 2 h (longer jobs: Get Job after n8n's Wait node, so no worker is held).
	waitDefaults: { pollIntervalSeconds: 30, maxIntervalSeconds: 600, timeoutMinutes: 120, requestsPerSecond: 5 },

	getJobRequest: (ref) => ({
		method: 'GET',
		path: jobPath(ref),
		purpose: `get job ${ref.jobId} of workflow ${ref.address?.workflowId}`,
	}),

	readJob(body, ref) {
		return toSnapshot(jobSchema.parse(body), ref);
	},

	readableRaw: withDecodedByteFields,

	mapStatus: mapPixxelStatus,

	readError(statusCode, body): ProviderErrorInfo {
		const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
		const code = typeof error?.code === 'string' && error.code !== '' ? error.code : undefined;
		const message = typeof error?.message === 'string' && error.message !== '' ? error.message : `HTTP ${statusCode}`;
		const details = describeDetails(error?.details);
		const full = details ? `${message} (${details})` : message;
		if (statusCode === 401 || statusCode === 403) {
			return {
				message: full,
				code,
				problem: 'credentials',
				description: 'Pixxel answers 403 both to a wrong key and to a key whose project cannot see this workflow or job.',
			};
		}
		if (statusCode === 404) {
			return { message: full, code, problem: 'notFound', description: 'Check the IDs: the workflow must belong to the project, and the job to the workflow.' };
		}
		if (statusCode === 429) return { message: full, code, problem: 'rateLimited' };
		if (statusCode >= 500) return { message: full, code, problem: 'unavailable' };
		return { message: full, code, problem: 'invalidInput' };
	},
};

function toSnapshot(job: PixxelJob, ref: JobRef | undefined): JobSnapshot {
	const status = mapPixxelStatus(job.status);
	const finished = status !== undefined && isFinalStatus(status);
	const progress = status === 'succeeded' ? 100 : (percentage(job.progress) ?? tasksProgress(job.tasks));
	const createdAt = pixxelTime(job.created_at);
	return {
		jobId: job.id,
		providerStatus: job.status,
		workflowId: job.workflow_id || ref?.address?.workflowId,
		progress,
		error: status === 'failed' ? failureOf(job) : null,
		cost: job.cost ?? null,
		createdAt,
		updatedAt: pixxelTime(job.updated_at),
		finishedAt: finished ? pixxelTime(job.finished_at) : null,
		estimatedSecondsLeft: finished ? 0 : secondsLeft(job.estimated_duration, progress, createdAt),
	};
}

/** The job's own percentage string ("42", "42.5%"), clamped to 0–100. */
function percentage(value: string | number | null | undefined): number | null {
	const number = typeof value === 'number' ? value : Number.parseFloat(String(value ?? '').replace('%', ''));
	return Number.isFinite(number) ? Math.min(100, Math.max(0, number)) : null;
}

/** Progress of the tasks together, each weighted by its estimated duration where all have one. */
function tasksProgress(tasks: PixxelTask[] | null | undefined): number | null {
	const counted = (tasks ?? []).filter((task) => typeof task.progress === 'number');
	if (counted.length === 0) return null;
	const weights = counted.map((task) => task.estimated_time_duration ?? 0);
	const weighted = weights.every((weight) => weight > 0);
	let done = 0;
	let total = 0;
	counted.forEach((task, index) => {
		const weight = weighted ? weights[index] : 1;
		done += weight * Math.min(100, Math.max(0, task.progress ?? 0));
		total += weight;
	});
	return Math.round((done / total) * 10) / 10;
}

/**
 * Time left from `estimated_duration` (seconds for the whole job): the share not yet done
 * where progress is known, else the estimate minus the time since the job was created.
 */
function secondsLeft(estimatedDuration: number | null | undefined, progress: number | null, createdAt: string | null): number | null {
	if (!estimatedDuration || estimatedDuration <= 0) return null;
	if (progress !== null && progress > 0) return Math.round(estimatedDuration * (1 - progress / 100));
	if (!createdAt) return estimatedDuration;
	return Math.max(0, Math.round(estimatedDuration - (Date.now() - Date.parse(createdAt)) / 1000));
}

/** Why a job failed: its failing task's message and failure type, and any validation errors. */
function failureOf(job: PixxelJob): JobError {
	const failedTask = (job.tasks ?? []).find((task) => task.err_msg || (task.status && mapPixxelStatus(task.status) === 'failed'));
	const parts: string[] = [];
	if (failedTask) {
		const name = failedTask.name || failedTask.id || 'a task';
		parts.push(`Task "${name}" failed: ${failedTask.err_msg || `status ${failedTask.status ?? 'unknown'}`}`);
	}
	const validation = (job.val_errors ?? []).map(validationMessage);
	if (validation.length > 0) parts.push(`Validation errors: ${validation.join('; ')}`);
	const message = parts.length > 0 ? parts.join('. ') : `Pixxel reported "${job.status}" without a reason`;
	const code = failedTask?.failure_type || (validation.length > 0 ? 'VALIDATION' : undefined);
	// Failure types are not documented; only those that name a passing fault are worth a rerun.
	return { message, code, retryable: /transient|timeout|temporar|retry/i.test(failedTask?.failure_type ?? '') };
}

function validationMessage(error: z.infer<typeof validationErrorSchema>): string {
	const where = error.component_name || [error.from, error.to].filter(Boolean).join(' → ');
	const what = [error.err, error.reason].filter(Boolean).join(': ') || 'invalid';
	return where ? `${where}: ${what}` : what;
}

function describeDetails(details: unknown): string | undefined {
	if (details === null || details === undefined || details === '') return undefined;
	if (typeof details === 'string') return details;
	const text = JSON.stringify(details);
	return text === '{}' || text === '[]' ? undefined : text.slice(0, 300);
}

/** A Pixxel timestamp as ISO text; Go's zero time (an unset `finished_at`) is null. */
export function pixxelTime(value: string | null | undefined): string | null {
	const iso = toIsoTime(value);
	return iso !== null && Date.parse(iso) >= EARLIEST_REAL_TIME ? iso : null;
}

export function jobsPath(workflowId: string | undefined): string {
	return `/v0/workflows/${encodeURIComponent(workflowId ?? '')}/jobs`;
}

/** A job lives under its workflow, which its ref's address names. */
export function jobPath({ jobId, address }: JobRef): string {
	return `${jobsPath(address?.workflowId)}/${encodeURIComponent(jobId)}`;
}

/** The workflow of the resource locator (picked from the list, or an ID or expression). */
export function readWorkflowId(fn: IExecuteFunctions, itemIndex: number): string {
	return checkedWorkflowId(fn.getNodeParameter('workflow', itemIndex, '', { extractValue: true }), fn.getNode(), itemIndex);
}

export function checkedWorkflowId(value: unknown, node: INode, itemIndex?: number): string {
	if (value === undefined || value === null || value === '') {
		throw invalidValue(node, itemIndex, 'Workflow', 'is empty', 'Pick a workflow from the list, or give its ID (e.g. {{ $json.workflowId }} after Create Job).');
	}
	return checkedText(node, value, 'Workflow', itemIndex);
}

/** Reads a reply that is not a job (a list, a download package) with its schema. */
export function parseReply<T extends z.ZodTypeAny>(node: INode, schema: T, body: unknown, what: string, itemIndex?: number): z.infer<T> {
	const parsed = schema.safeParse(body);
	if (parsed.success) return parsed.data;
	const issue = parsed.error.issues[0];
	throw new NodeOperationError(node, `Pixxel answered with ${what} this node cannot read: field "${issue.path.join('.') || '(root)'}" ${issue.message.toLowerCase()}`, {
		itemIndex,
		description: 'The API may have changed, or the Base URL in the Pixxel credential may point at something that is not the Pixxel API.',
	});
}
