import { randomBytes } from 'node:crypto';

import type { SimJob } from './jobs';
import { JobBook, MP4_BYTES, PNG_BYTES, finishedAt, outcomeOf, phaseOf, progressOf } from './jobs';
import { readForm } from './requestForm';
import type { ProviderSimulator, SimReply, SimRequest } from './server';

/**
 * OpenAI's video generation (Sora), as the `openai` SDK (7.x, `client.videos`) speaks it:
 * Bearer keys; `POST /v1/videos` (the SDK sends multipart/form-data, the API takes JSON too)
 * answering the whole `video` object; `GET /v1/videos/{id}`; `GET /v1/videos/{id}/content`
 * (`?variant=video|thumbnail|spritesheet`), the file itself behind the same key;
 * `DELETE /v1/videos/{id}`. Statuses `queued` → `in_progress` (with `progress` 0–100) →
 * `completed` / `failed` (with `error: {code, message}`); there is no cancel. Errors are
 * `{error: {message, type, param, code}}`.
 */

export interface OpenAiVideoExtra {
	model: string;
	prompt: string;
	seconds: string;
	size: string;
	deleted?: boolean;
}

const MODELS = ['sora-2', 'sora-2-pro', 'sora-2-2025-10-06', 'sora-2-pro-2025-10-06', 'sora-2-2025-12-08'];
const SECONDS = ['4', '8', '12'];
const SIZES = ['720x1280', '1280x720', '1024x1792', '1792x1024'];
const VARIANTS: Record<string, { bytes: Buffer; type: string }> = {
	video: { bytes: MP4_BYTES, type: 'video/mp4' },
	thumbnail: { bytes: PNG_BYTES, type: 'image/webp' },
	spritesheet: { bytes: PNG_BYTES, type: 'image/jpeg' },
};

const openAiError = (status: number, message: string, type: string, code: string | null, param: string | null = null): SimReply => ({
	status,
	body: { error: { message, type, param, code } },
});

const unixSeconds = (ms: number) => Math.floor(ms / 1000);

export class OpenAiSimulator implements ProviderSimulator {
	readonly prefix = '/openai-videos';

	readonly jobs = new JobBook<OpenAiVideoExtra>();

	readonly apiKeys = new Set(['sk-test-openai-0123456789']);

	reset(): void {
		this.jobs.nextScripts.length = 0;
	}

	async handle(request: SimRequest): Promise<SimReply> {
		const key = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
		if (!key || !this.apiKeys.has(key)) {
			return openAiError(401, 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key');
		}
		if (request.path === '/v1/videos' && request.method === 'POST') return await this.create(request);
		const match = /^\/v1\/videos\/([^/]+)(\/content)?$/.exec(request.path);
		if (!match) return openAiError(404, `Invalid URL (${request.method} ${request.path})`, 'invalid_request_error', null);
		const [, id, content] = match;
		const job = this.jobs.get(decodeURIComponent(id), request.at);
		if (!job || job.extra.deleted) return openAiError(404, `Video with id '${id}' not found.`, 'invalid_request_error', 'video_not_found', 'video_id');
		if (content && request.method === 'GET') return this.content(job, request);
		if (!content && request.method === 'GET') return { status: 200, body: this.videoBody(job, request.at) };
		if (!content && request.method === 'DELETE') return this.delete(job, request.at);
		return openAiError(405, `Method ${request.method} not allowed`, 'invalid_request_error', null);
	}

	private async create(request: SimRequest): Promise<SimReply> {
		const form = await readForm(request, { json: true });
		if (!form) return openAiError(400, 'The request body must be JSON or multipart/form-data.', 'invalid_request_error', null);
		const text = (name: string, fallback: string) => (typeof form[name] === 'string' ? form[name] : fallback);
		const prompt = text('prompt', '');
		if (!prompt) return openAiError(400, "Missing required parameter: 'prompt'.", 'invalid_request_error', 'missing_required_parameter', 'prompt');
		const checks: Array<[string, string, string[]]> = [
			['model', text('model', 'sora-2'), MODELS],
			['seconds', text('seconds', '4'), SECONDS],
			['size', text('size', '720x1280'), SIZES],
		];
		for (const [name, value, allowed] of checks) {
			if (!allowed.includes(value)) {
				return openAiError(400, `Invalid value: '${value}'. Supported values are: ${allowed.map((entry) => `'${entry}'`).join(', ')}.`, 'invalid_request_error', 'invalid_value', name);
			}
		}
		const [model, seconds, size] = checks.map(([, value]) => value);
		const job = this.jobs.create(`video_${randomBytes(16).toString('hex')}`, request.at, { model, prompt, seconds, size });
		return { status: 200, body: this.videoBody(job, request.at) };
	}

	private delete(job: SimJob<OpenAiVideoExtra>, now: number): SimReply {
		if (phaseOf(job, now) !== 'finished') return openAiError(400, 'Only completed or failed videos can be deleted.', 'invalid_request_error', 'invalid_video_state');
		job.extra.deleted = true;
		return { status: 200, body: { id: job.id, deleted: true, object: 'video.deleted' } };
	}

	private content(job: SimJob<OpenAiVideoExtra>, request: SimRequest): SimReply {
		const variant = VARIANTS[request.query.get('variant') ?? 'video'];
		if (!variant) return openAiError(400, "Invalid value for 'variant'.", 'invalid_request_error', 'invalid_value', 'variant');
		if (phaseOf(job, request.at) !== 'finished' || outcomeOf(job) !== 'succeeded') {
			return openAiError(404, 'Video is not ready yet, use GET /v1/videos/{video_id} to check status.', 'invalid_request_error', 'video_not_ready');
		}
		return { status: 200, rawBody: variant.bytes, headers: { 'content-type': variant.type, 'content-length': String(variant.bytes.length) } };
	}

	private videoBody(job: SimJob<OpenAiVideoExtra>, now: number) {
		const phase = phaseOf(job, now);
		const outcome = phase === 'finished' ? outcomeOf(job) : undefined;
		const word = phase === 'queued' ? 'queued' : 'in_progress';
		const status = outcome === undefined ? (job.script.unknownStatus ?? word) : outcome === 'succeeded' ? 'completed' : 'failed';
		const failure = job.script.failure;
		return {
			id: job.id,
			object: 'video',
			model: job.extra.model,
			status,
			progress: outcome === 'succeeded' ? 100 : phase === 'running' ? progressOf(job, now) : 0,
			created_at: unixSeconds(job.createdAt),
			completed_at: outcome ? unixSeconds(finishedAt(job)) : null,
			expires_at: outcome === 'succeeded' ? unixSeconds(finishedAt(job)) + 3600 : null,
			prompt: job.extra.prompt,
			remixed_from_video_id: null,
			seconds: job.extra.seconds,
			size: job.extra.size,
			error: status === 'failed' ? { code: failure?.code ?? 'video_generation_failed', message: failure?.reason ?? 'Video generation failed.' } : null,
		};
	}
}
