import { randomBytes } from 'node:crypto';

import { JobBook, MP4_BYTES, outcomeOf, phaseOf } from './jobs';
import type { ProviderSimulator, SimReply, SimRequest, SimulatorServer } from './server';

/**
 * The Gemini API's long-running video operations (Veo), as `@google/genai` reads them on the
 * Gemini Developer API (below `/v1beta`, as the API's reference writes it, or `/v1`, this SDK's
 * default): the key in `x-goog-api-key` (or `?key=`); `POST /v1beta/models/{model}:predictLongRunning` with `{instances: [{prompt}], parameters}`
 * answering `{name: "models/{model}/operations/{id}"}`; `GET /v1beta/{name}` answering the
 * operation: `done` is absent until the operation ends (proto3 JSON leaves out false), then
 * `true` with either `error` (a google.rpc.Status: `{code, message}`) or
 * `response.generateVideoResponse.generatedSamples[].video.uri`, a file URI below
 * `/v1beta/files/{id}:download?alt=media` that is fetched with the same key. A response
 * whose videos were all held back by the safety filters has no samples, only
 * `raiMediaFilteredCount` and `raiMediaFilteredReasons`. Errors are `{error: {code, message, status}}`.
 */

export interface GeminiOperationExtra {
	model: string;
	prompt: string;
	fileIds: string[];
}

const MODELS = ['veo-3.1-generate-preview', 'veo-3.1-fast-generate-preview', 'veo-3.0-generate-001', 'veo-3.0-fast-generate-001', 'veo-2.0-generate-001'];

/** google.rpc.Code numbers for the failures a script names. */
const RPC_CODES: Record<string, { code: number; status: string }> = {
	canceled: { code: 1, status: 'CANCELLED' },
	failed: { code: 13, status: 'INTERNAL' },
};

/** A script's failure code that makes the safety filters hold the videos back instead of failing the operation. */
export const GEMINI_SAFETY_FILTERED = 'RAI_FILTERED';

const googleError = (code: number, status: string, message: string, details?: unknown[]): SimReply => ({
	status: code,
	body: { error: { code, message, status, ...(details ? { details } : {}) } },
});

export class GeminiSimulator implements ProviderSimulator {
	readonly prefix = '/gemini';

	readonly jobs = new JobBook<GeminiOperationExtra>();

	readonly apiKeys = new Set(['AIza-test-gemini-0123456789']);

	/** The ids of the files the operations made, for download. */
	private readonly fileIds = new Set<string>();

	constructor(private readonly server: SimulatorServer) {}

	reset(): void {
		this.jobs.nextScripts.length = 0;
	}

	handle(request: SimRequest): SimReply {
		const key = request.headers['x-goog-api-key'] ?? request.query.get('key') ?? undefined;
		if (key === undefined) return googleError(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
		if (typeof key !== 'string' || !this.apiKeys.has(key)) {
			return googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
				{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
			]);
		}
		const create = /^\/v1(?:beta)?\/models\/([^/:]+):predictLongRunning$/.exec(request.path);
		if (create && request.method === 'POST') return this.create(request, create[1]);
		const operation = /^\/v1(?:beta)?\/(models\/[^/]+\/operations\/[^/]+)$/.exec(request.path);
		if (operation && request.method === 'GET') return this.operation(operation[1], request.at);
		const file = /^\/v1(?:beta)?\/files\/([a-z0-9]+):download$/.exec(request.path);
		if (file && request.method === 'GET') return this.download(file[1], request);
		return googleError(404, 'NOT_FOUND', `Method not found: ${request.method} ${request.path}`);
	}

	private create(request: SimRequest, model: string): SimReply {
		if (!MODELS.includes(model)) {
			return googleError(404, 'NOT_FOUND', `models/${model} is not found for API version v1beta, or is not supported for predictLongRunning. Call ListModels to see the list of available models and their supported methods.`);
		}
		let body: { instances?: Array<{ prompt?: unknown }>; parameters?: unknown };
		try {
			body = JSON.parse(request.rawBody.toString('utf8')) as typeof body;
		} catch {
			return googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
		}
		const prompt = Array.isArray(body.instances) ? body.instances[0]?.prompt : undefined;
		if (typeof prompt !== 'string' || prompt === '') return googleError(400, 'INVALID_ARGUMENT', 'A prompt is required: instances[0].prompt is empty.');
		// The operation's name is its ID, as clients keep it.
		const job = this.jobs.create(`models/${model}/operations/${randomBytes(6).toString('hex')}`, request.at, { model, prompt, fileIds: [] });
		return { status: 200, body: { name: job.id } };
	}

	private operation(name: string, now: number): SimReply {
		const job = this.jobs.get(name, now);
		if (!job) return googleError(404, 'NOT_FOUND', `Operation ${name} not found.`);
		if (phaseOf(job, now) !== 'finished') return { status: 200, body: { name } };
		const outcome = outcomeOf(job);
		const failure = job.script.failure;
		if (outcome !== 'succeeded' && failure?.code !== GEMINI_SAFETY_FILTERED) {
			const rpc = RPC_CODES[outcome];
			return { status: 200, body: { name, done: true, error: { code: rpc.code, message: failure?.reason ?? (outcome === 'canceled' ? 'Operation was cancelled.' : 'Video generation failed.') } } };
		}
		const response: Record<string, unknown> = { '@type': 'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse' };
		if (outcome === 'succeeded') {
			if (job.extra.fileIds.length === 0) {
				for (let index = 0; index < (job.script.outputCount ?? 1); index++) {
					const fileId = randomBytes(6).toString('hex');
					this.fileIds.add(fileId);
					job.extra.fileIds.push(fileId);
				}
			}
			const base = this.server.baseUrl(this);
			response.generateVideoResponse = { generatedSamples: job.extra.fileIds.map((fileId) => ({ video: { uri: `${base}/v1beta/files/${fileId}:download?alt=media` } })) };
		} else {
			response.generateVideoResponse = { raiMediaFilteredCount: 1, raiMediaFilteredReasons: [failure?.reason ?? 'The video was filtered by the safety settings.'] };
		}
		return { status: 200, body: { name, done: true, response } };
	}

	private download(fileId: string, request: SimRequest): SimReply {
		if (!this.fileIds.has(fileId)) return googleError(404, 'NOT_FOUND', `File ${fileId} not found.`);
		if (request.query.get('alt') !== 'media') return { status: 200, body: { name: `files/${fileId}`, mimeType: 'video/mp4', state: 'ACTIVE' } };
		return { status: 200, rawBody: MP4_BYTES, headers: { 'content-type': 'video/mp4', 'content-length': String(MP4_BYTES.length) } };
	}
}
