import { z } from 'zod';

import type { JobOutput } from '../shared/JobItem';
import { formatFromUrl, kindFromFormat } from '../shared/JobItem';
import type { JobProvider, ProviderErrorInfo } from '../shared/JobProvider';
import { trimmedBaseUrl } from '../shared/parameters';

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
