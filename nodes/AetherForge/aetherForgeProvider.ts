import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import type { JobOutput } from '../shared/JobItem';
import { formatFromUrl, kindFromFormat } from '../shared/JobItem';
import type { JobProvider, ProviderErrorInfo, ProviderRequest } from '../shared/JobProvider';
import { describeValue, invalidValue, readImage, requiredString, trimmedBaseUrl } from '../shared/parameters';
import type { CreateType, FormField } from './createTypes';
import { CREATE_TYPES, DEFAULT_REF_IMAGE_LIMIT, REF_IMAGE_LIMITS } from './createTypes';

/** GET /public/v1/job/{job_id}: `image_urls` only on success; a failure reason is not documented. */
const jobSchema = z.object({
	job_id: z.string(),
	status: z.string(),
	image_urls: z
		.array(z.union([z.string(), z.object({ url: z.string() }).passthrough()]))
		.nullish(),
	error_message: z.string().nullish(),
	detail: z.string().nullish(),
});

const createdSchema = z.object({ job_id: z.string() });

const STATUSES = { pending: 'running', succeed: 'succeeded', failed: 'failed' } as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const NO_REASON =
	'AetherForge gave no reason. Failures are most often content moderation or an input image of too low a resolution.';

export const aetherForgeProvider: JobProvider = {
	name: 'aetherForge',
	displayName: 'AetherForge',
	credentialType: 'aetherForgeApi',
	secretFields: ['apiKey'],
	baseUrl: (credentials) => trimmedBaseUrl(credentials.baseUrl, 'https://api.aetherforgeai.com'),
	// The docs advise polling every 1–2 s; sprite and effect jobs run longer than their one minute.
	waitDefaults: { pollIntervalSeconds: 2, maxIntervalSeconds: 15, timeoutMinutes: 10, requestsPerSecond: 5 },

	readJobRef(fn, itemIndex) {
		const jobId = requiredString(fn, 'jobId', itemIndex, 'Job ID');
		if (!UUID.test(jobId)) {
			throw invalidValue(
				fn.getNode(),
				itemIndex,
				'Job ID',
				`must be an AetherForge job ID (a UUID), not "${jobId}"`,
				'AetherForge job IDs are UUIDs such as 550e8400-e29b-41d4-a716-446655440000, as Create Job outputs them in "jobId".',
			);
		}
		return { jobId };
	},

	getJobRequest: ({ jobId }) => ({ method: 'GET', path: `/public/v1/job/${encodeURIComponent(jobId)}`, purpose: `get job ${jobId}` }),

	readJob(body) {
		const job = jobSchema.parse(body);
		const status = STATUSES[job.status.toLowerCase() as keyof typeof STATUSES];
		return {
			jobId: job.job_id,
			providerStatus: job.status,
			progress: status === 'succeeded' ? 100 : null,
			outputs: (job.image_urls ?? []).map(toOutput),
			error: status === 'failed' ? { message: job.error_message ?? job.detail ?? NO_REASON, retryable: false } : null,
		};
	},

	readCreatedJob(body) {
		return { jobId: createdSchema.parse(body).job_id, providerStatus: 'Pending' };
	},

	mapStatus: (providerStatus) => STATUSES[providerStatus.toLowerCase() as keyof typeof STATUSES],

	readError(statusCode, body): ProviderErrorInfo {
		const detail = (body as { detail?: unknown } | undefined)?.detail;
		const message = Array.isArray(detail)
			? detail.map(validationMessage).join('; ')
			: typeof detail === 'string'
				? detail
				: `HTTP ${statusCode}`;
		if (statusCode === 401 || (statusCode === 404 && /user/i.test(message))) {
			return { message, problem: 'credentials' };
		}
		if (statusCode === 404) return { message, problem: 'notFound', description: 'Check the job ID: it must come from a job created with this API key.' };
		if (statusCode === 429) return { message, problem: 'rateLimited' };
		if (statusCode >= 500) return { message, problem: 'unavailable' };
		return { message, problem: 'invalidInput' };
	},
};

function toOutput(entry: string | { url: string }): JobOutput {
	const url = typeof entry === 'string' ? entry : entry.url;
	const format = formatFromUrl(url);
	// The field is `image_urls`: a link without an extension is still an image.
	return format ? { url, kind: kindFromFormat(format), format } : { url, kind: 'image' };
}

function validationMessage(entry: unknown): string {
	const { loc, msg } = (entry ?? {}) as { loc?: unknown[]; msg?: string };
	const field = Array.isArray(loc) ? loc.filter((part) => part !== 'body').join('.') : '';
	return field ? `${field}: ${msg ?? 'invalid'}` : (msg ?? 'invalid value');
}

/** Parameter name of a form field in the node (unique per create type where kinds differ). */
export function parameterName(field: FormField): string {
	return field.kind === 'file' || field.kind === 'files' ? `${field.name}Binary` : field.name;
}

/** Builds the multipart create request of one item, checking every documented limit first. */
export async function buildCreateRequest(fn: IExecuteFunctions, itemIndex: number): Promise<ProviderRequest> {
	const typeValue = fn.getNodeParameter('type', itemIndex) as string;
	const type = CREATE_TYPES.find((candidate) => candidate.value === typeValue);
	if (!type) throw new NodeOperationError(fn.getNode(), `Unknown job type "${typeValue}"`, { itemIndex });
	const form = new FormData();
	for (const field of type.fields) {
		await appendField(fn, form, type, field, itemIndex);
	}
	return {
		method: 'POST',
		path: type.path,
		formData: form,
		purpose: `create the ${type.name} job`,
		uncertainOutcomeHint: 'Check the jobs of your AetherForge account before running this item again.',
	};
}

async function appendField(fn: IExecuteFunctions, form: FormData, type: CreateType, field: FormField, itemIndex: number) {
	const invalid = (rule: string) =>
		new NodeOperationError(fn.getNode(), `Invalid "${field.displayName}" of item ${itemIndex} for ${type.name}: ${rule}`, { itemIndex });
	const value = fn.getNodeParameter(parameterName(field), itemIndex, field.kind === 'boolean' ? false : '') as unknown;

	switch (field.kind) {
		case 'boolean':
			// An expression may give the text "false", which must not count as true.
			if (typeof value !== 'boolean' && value !== 'true' && value !== 'false') throw invalid(`it must be true or false, not ${describeValue(value)}`);
			form.append(field.name, String(value));
			return;
		case 'text':
		case 'options': {
			if (typeof value !== 'string' && typeof value !== 'number') throw invalid(`expected text, got ${describeValue(value)}`);
			const text = String(value).trim();
			if (text === '') {
				if (field.optional) return;
				throw invalid('it is required');
			}
			if (field.values && !field.values.includes(text)) throw invalid(`"${text}" is not one of ${field.values.join(', ')}`);
			form.append(field.name, text);
			return;
		}
		case 'json': {
			const text = typeof value === 'string' ? value : JSON.stringify(value);
			let parsed: unknown;
			try {
				parsed = JSON.parse(text);
			} catch {
				throw invalid('it must be valid JSON');
			}
			if (!Array.isArray(parsed) || parsed.length === 0) throw invalid('it must be a JSON list of rows');
			form.append(field.name, JSON.stringify(parsed));
			return;
		}
		case 'file':
		case 'files': {
			if (typeof value !== 'string') throw invalid(`expected binary property names, got ${describeValue(value)}`);
			const names = value.split(',').map((name) => name.trim()).filter(Boolean);
			const limit = field.name === 'ref_images' ? refImageLimit(fn, itemIndex) : (field.maxFiles ?? 1);
			if (names.length === 0 && !field.optional) throw invalid('name the binary property that holds the image');
			if (names.length < (field.minFiles ?? 0)) throw invalid(`at least ${field.minFiles} image(s) are needed`);
			if (names.length > limit) throw invalid(`at most ${limit} image(s) are allowed here, ${names.length} were given`);
			for (const name of names) {
				const { binary, bytes } = await readImage(fn, itemIndex, name, field.displayName);
				form.append(field.name, new Blob([new Uint8Array(bytes)], { type: binary.mimeType }), binary.fileName ?? `${name}.png`);
			}
			return;
		}
	}
}

function refImageLimit(fn: IExecuteFunctions, itemIndex: number): number {
	const model = fn.getNodeParameter('ai_model', itemIndex, '') as string;
	return REF_IMAGE_LIMITS[model] ?? DEFAULT_REF_IMAGE_LIMIT;
}
