import { randomUUID } from 'node:crypto';

import type { SimJob } from './jobs';
import { JobBook, PNG_BYTES, finishedAt, outcomeOf, phaseOf, progressOf, untilFinished } from './jobs';
import type { ProviderSimulator, SimReply, SimRequest, SimulatorServer } from './server';

/**
 * A Replicate-like predictions API, from Replicate's public HTTP API docs: Bearer tokens,
 * `POST /v1/predictions` (a model version) or `POST /v1/models/{owner}/{name}/predictions`
 * (an official model) answering 201 with the whole prediction, `GET /v1/predictions/{id}`,
 * `POST /v1/predictions/{id}/cancel`. Statuses `starting` → `processing` → `succeeded` /
 * `failed` / `canceled` / `aborted` (the prediction passed its deadline before it started);
 * `output` is what the model returns: one URL, a list of URLs, text, or an object (a speech
 * model's transcript with its segments). A create with `Prefer: wait` or `wait=n` (n seconds,
 * 60 at most) is answered once the prediction has finished, or when that time is up, as the
 * `replicate` client's `wait` option sends it.
 * Errors are problem details (`{title, detail, status}`). Progress shows only in `logs`, as
 * tqdm lines the client's `parseProgressFromLogs` reads (`76%|███   | 76/100 [...]`).
 */

export type ReplicateOutputShape = 'url' | 'list' | 'text' | 'transcript';

export interface ReplicatePredictionExtra {
	model: string;
	version: string;
	input: Record<string, unknown>;
	shape: ReplicateOutputShape;
	outputUrls: string[];
	/** The idempotency key it was created with, when the simulator honours one. */
	idempotencyKey?: string;
}

/** The models this simulator runs by name, and what each returns. */
const MODELS: Record<string, ReplicateOutputShape> = {
	'black-forest-labs/flux-schnell': 'list',
	'stability-ai/sdxl-upscale': 'url',
	'meta/meta-llama-3-8b-instruct': 'text',
	'openai/whisper': 'transcript',
};

const VERSION = /^[0-9a-f]{64}$/;

const problem = (status: number, title: string, detail: string, extra: Record<string, unknown> = {}): SimReply => ({
	status,
	body: { title, detail, status, ...extra },
});

export class ReplicateSimulator implements ProviderSimulator {
	readonly prefix = '/replicate';

	readonly jobs = new JobBook<ReplicatePredictionExtra>();

	readonly apiTokens = new Set(['r8_test-token-0123456789']);

	/**
	 * Not in Replicate's docs: a header whose value de-duplicates creates (as Stripe's
	 * Idempotency-Key does), for tests of the node's idempotency header. Off by default.
	 */
	idempotencyHeader?: string;

	/** The longest a `Prefer: wait` create is held (simulator ms), 60 s as at Replicate; tests of long jobs lower it. */
	longestHoldMs = 60_000;

	constructor(private readonly server: SimulatorServer) {}

	reset(): void {
		this.jobs.nextScripts.length = 0;
		this.idempotencyHeader = undefined;
		this.longestHoldMs = 60_000;
	}

	handle(request: SimRequest): SimReply | Promise<SimReply> {
		const token = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
		if (!token || !this.apiTokens.has(token)) {
			return problem(401, 'Unauthenticated', 'You did not pass a valid authentication token');
		}
		const predictionMatch = /^\/v1\/predictions\/([^/]+)(\/cancel)?$/.exec(request.path);
		if (predictionMatch) {
			const [, id, cancel] = predictionMatch;
			if (cancel ? request.method !== 'POST' : request.method !== 'GET') return problem(405, 'Method not allowed', 'Method not allowed');
			return cancel ? this.cancel(decodeURIComponent(id), request.at) : this.getPrediction(decodeURIComponent(id), request.at);
		}
		if (request.method !== 'POST') return problem(404, 'Not found', 'Not found.');
		if (request.path === '/v1/predictions') return this.create(request, undefined);
		const modelMatch = /^\/v1\/models\/([^/]+\/[^/]+)\/predictions$/.exec(request.path);
		if (modelMatch) return this.create(request, modelMatch[1]);
		return problem(404, 'Not found', 'Not found.');
	}

	private async create(request: SimRequest, model: string | undefined): Promise<SimReply> {
		let body: { version?: unknown; input?: unknown };
		try {
			body = JSON.parse(request.rawBody.toString('utf8')) as typeof body;
		} catch {
			return problem(400, 'Bad request', 'The request body is not valid JSON');
		}
		if (model !== undefined && MODELS[model] === undefined) return problem(404, 'Model not found', `Model ${model} does not exist`);
		if (model === undefined && (typeof body.version !== 'string' || !VERSION.test(body.version))) {
			return problem(422, 'Input validation failed', 'version is required: a 64-character model version id', {
				invalid_fields: [{ type: 'required', field: 'version', description: 'version is required' }],
			});
		}
		if (typeof body.input !== 'object' || body.input === null || Array.isArray(body.input)) {
			return problem(422, 'Input validation failed', 'input is required: an object of the model inputs', {
				invalid_fields: [{ type: 'required', field: 'input', description: 'input is required' }],
			});
		}
		const key = this.idempotencyHeader ? request.headers[this.idempotencyHeader.toLowerCase()] : undefined;
		if (typeof key === 'string') {
			const earlier = [...this.jobs.jobs.values()].find((job) => job.extra.idempotencyKey === key);
			if (earlier) return { status: 201, body: this.predictionBody(earlier, request.at) };
		}
		const version = model === undefined ? (body.version as string) : `${'0'.repeat(56)}${model.length.toString(16).padStart(8, '0')}`;
		const job = this.jobs.create(randomUUID().replace(/-/g, '').slice(0, 26), request.at, {
			model: model ?? 'replicate/hello-world',
			version,
			input: body.input as Record<string, unknown>,
			shape: model ? MODELS[model] : 'url',
			outputUrls: [],
			idempotencyKey: typeof key === 'string' ? key : undefined,
		});
		const wait = /^wait(?:=(\d+))?$/.exec(String(request.headers.prefer ?? '').trim());
		if (wait) {
			await untilFinished(job, this.server.clock, Math.min(this.longestHoldMs, Number(wait[1] ?? 60) * 1000));
			return { status: 201, body: this.predictionBody(job, this.server.clock.now()) };
		}
		return { status: 201, body: this.predictionBody(job, request.at) };
	}

	private getPrediction(id: string, now: number): SimReply {
		const job = this.jobs.get(id, now);
		if (!job) return problem(404, 'Not found', 'Not found.');
		return { status: 200, body: this.predictionBody(job, now) };
	}

	private cancel(id: string, now: number): SimReply {
		const job = this.jobs.get(id, now);
		if (!job) return problem(404, 'Not found', 'Not found.');
		if (phaseOf(job, now) !== 'finished') job.canceledAt = now;
		return { status: 200, body: this.predictionBody(job, now) };
	}

	private predictionBody(job: SimJob<ReplicatePredictionExtra>, now: number) {
		const phase = phaseOf(job, now);
		const base = `${this.server.baseUrl(this)}/v1/predictions/${job.id}`;
		const iso = (ms: number) => new Date(ms).toISOString();
		const startedAt = job.createdAt + job.script.queueMs;
		const outcome = phase === 'finished' ? outcomeOf(job) : undefined;
		const status = outcome ? (job.script.finalWord ?? outcome) : job.script.unknownStatus || (phase === 'queued' ? 'starting' : 'processing');
		return {
			id: job.id,
			model: job.extra.model,
			version: job.extra.version,
			input: job.extra.input,
			logs: phase === 'queued' ? '' : tqdmLine(progressOf(job, now)),
			output: outcome === 'succeeded' ? this.output(job) : null,
			data_removed: false,
			error: outcome === 'failed' && !job.script.finalWord ? (job.script.failure?.reason ?? 'Prediction failed') : null,
			status,
			source: 'api',
			created_at: iso(job.createdAt),
			started_at: phase === 'queued' ? null : iso(startedAt),
			completed_at: outcome ? iso(finishedAt(job)) : null,
			urls: { get: base, cancel: `${base}/cancel`, web: `https://replicate.com/p/${job.id}` },
			metrics: outcome === 'succeeded' ? { predict_time: job.script.runMs / 1000 } : {},
		};
	}

	private output(job: SimJob<ReplicatePredictionExtra>): string | string[] | Record<string, unknown> {
		const { extra } = job;
		if (extra.shape === 'text') return `A reply to: ${String(extra.input.prompt ?? '')}`;
		if (extra.shape === 'transcript') {
			const segments = [
				{ id: 0, start: 0, end: 1.5, text: 'A reading' },
				{ id: 1, start: 1.5, end: 3, text: `of ${String(extra.input.audio ?? '')}` },
			];
			return { detected_language: 'english', transcription: segments.map((segment) => segment.text).join(' '), segments };
		}
		if (extra.outputUrls.length === 0) {
			const count = extra.shape === 'list' ? (job.script.outputCount ?? 1) : 1;
			for (let index = 0; index < count; index++) {
				extra.outputUrls.push(this.server.addFile(`out-${index}.png`, PNG_BYTES, 'image/png'));
			}
		}
		return extra.shape === 'list' ? extra.outputUrls : extra.outputUrls[0];
	}
}

/** A progress line as tqdm writes it, the form the `replicate` client reads progress from. */
function tqdmLine(percent: number): string {
	const bar = '█'.repeat(Math.floor(percent / 10)).padEnd(10, ' ');
	return `Starting inference\n${percent}%|${bar}| ${percent}/100 [00:01<00:01, 50.00it/s]\n`;
}
