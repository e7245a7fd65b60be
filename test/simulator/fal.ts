import { randomUUID } from 'node:crypto';

import type { SimJob } from './jobs';
import { JobBook, PNG_BYTES, outcomeOf, phaseOf, queuePositionOf } from './jobs';
import type { ProviderSimulator, SimReply, SimRequest, SimulatorServer } from './server';

/**
 * A fal.ai-like queue API, from fal's public queue docs: `Authorization: Key <key>`; a submit
 * (`POST /{owner}/{app}[/{path}]`) answers the request id with the URLs to use next
 * (`status_url`, `response_url`, `cancel_url`); the status is `IN_QUEUE` (with
 * `queue_position`) or `IN_PROGRESS`, answered 202, then `COMPLETED`, answered 200, whatever
 * the outcome: a failure shows only when the result is fetched from `response_url` (422 with
 * FastAPI-style `detail`). Status, result and cancel URLs
 * name only owner and app. Every status reply holds `request_id` and the three URLs, its logs
 * are `{message, level, source: "USER", timestamp}`, and the result reply names the request in
 * `x-fal-request-id`, as `@fal-ai/client`'s types and response handler read them.
 */

export interface FalRequestExtra {
	/** `owner/app`, as the status and result URLs name it. */
	app: string;
	input: Record<string, unknown>;
	imageUrls: string[];
}

/** The apps this simulator runs, and what each one's result holds. */
const APPS: Record<string, 'images' | 'text'> = {
	'fal-ai/flux': 'images',
	'fal-ai/any-llm': 'text',
};

export class FalSimulator implements ProviderSimulator {
	readonly prefix = '/fal';

	readonly jobs = new JobBook<FalRequestExtra>();

	readonly apiKeys = new Set(['fal-test-key:0123456789abcdef']);

	constructor(private readonly server: SimulatorServer) {}

	reset(): void {
		this.jobs.nextScripts.length = 0;
	}

	handle(request: SimRequest): SimReply {
		const key = /^Key (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
		if (!key || !this.apiKeys.has(key)) return { status: 401, body: { detail: 'Invalid API key' } };

		const requestMatch = /^\/([^/]+\/[^/]+)\/requests\/([^/]+)(\/status|\/cancel)?$/.exec(request.path);
		if (requestMatch) {
			const [, app, id, action] = requestMatch;
			const job = this.jobs.get(decodeURIComponent(id), request.at);
			if (!job || job.extra.app !== app) return { status: 404, body: { detail: `Request ${id} not found` } };
			if (action === '/status' && request.method === 'GET') return this.status(job, request.at, request.query.get('logs') === '1');
			if (action === '/cancel' && request.method === 'PUT') return this.cancel(job, request.at);
			if (action === undefined && request.method === 'GET') return this.result(job, request.at);
			return { status: 405, body: { detail: 'Method Not Allowed' } };
		}
		if (request.method === 'POST') return this.submit(request);
		return { status: 404, body: { detail: 'Not Found' } };
	}

	/** What every queue reply says of the request: its id and the URLs to use next. */
	private urls(job: SimJob<FalRequestExtra>) {
		const base = `${this.server.baseUrl(this)}/${job.extra.app}/requests/${job.id}`;
		return { request_id: job.id, response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` };
	}

	private submit(request: SimRequest): SimReply {
		const app = request.path.split('/').filter(Boolean).slice(0, 2).join('/');
		if (APPS[app] === undefined) return { status: 404, body: { detail: `Application '${app}' not found` } };
		let input: unknown;
		try {
			input = JSON.parse(request.rawBody.toString('utf8'));
		} catch {
			return { status: 422, body: { detail: [{ loc: ['body'], msg: 'Input should be a valid JSON object', type: 'json_invalid' }] } };
		}
		if (typeof input !== 'object' || input === null || Array.isArray(input)) {
			return { status: 422, body: { detail: [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }] } };
		}
		const job = this.jobs.create(randomUUID(), request.at, { app, input: input as Record<string, unknown>, imageUrls: [] });
		return {
			status: 200,
			body: { status: 'IN_QUEUE', ...this.urls(job), queue_position: queuePositionOf(this.jobs, job, request.at).position - 1 },
		};
	}

	private status(job: SimJob<FalRequestExtra>, now: number, withLogs: boolean): SimReply {
		const phase = phaseOf(job, now);
		const logs = withLogs ? [{ message: `request ${job.id} ${phase}`, level: 'INFO', source: 'USER', timestamp: new Date(now).toISOString() }] : undefined;
		if (phase === 'queued') {
			// fal counts the queue from 0: the next request to run is at position 0.
			const position = queuePositionOf(this.jobs, job, now).position - 1;
			return { status: 202, body: { status: job.script.unknownStatus ?? 'IN_QUEUE', queue_position: position, ...this.urls(job) } };
		}
		if (phase === 'running') return { status: 202, body: { status: job.script.unknownStatus ?? 'IN_PROGRESS', logs: logs ?? null, ...this.urls(job) } };
		return { status: 200, body: { status: 'COMPLETED', logs: logs ?? null, metrics: { inference_time: job.script.runMs / 1000 }, ...this.urls(job) } };
	}

	private cancel(job: SimJob<FalRequestExtra>, now: number): SimReply {
		if (phaseOf(job, now) === 'finished') return { status: 400, body: { status: 'ALREADY_COMPLETED' } };
		job.canceledAt = now;
		return { status: 202, body: { status: 'CANCELLATION_REQUESTED' } };
	}

	private result(job: SimJob<FalRequestExtra>, now: number): SimReply {
		return { ...this.resultReply(job, now), headers: { 'x-fal-request-id': job.id } };
	}

	private resultReply(job: SimJob<FalRequestExtra>, now: number): SimReply {
		if (phaseOf(job, now) !== 'finished') return { status: 400, body: { detail: 'Request is still in progress' } };
		const outcome = outcomeOf(job);
		if (outcome === 'canceled') return { status: 400, body: { detail: 'Request was cancelled' } };
		if (outcome === 'failed') {
			const reason = job.script.failure?.reason ?? 'The model could not run on this input';
			return { status: 422, body: { detail: [{ loc: ['body', 'prompt'], msg: reason, type: 'value_error' }] } };
		}
		if (APPS[job.extra.app] === 'text') return { status: 200, body: { output: `A reply to: ${String(job.extra.input.prompt ?? '')}`, partial: false, error: null } };
		if (job.extra.imageUrls.length === 0) {
			for (let index = 0; index < (job.script.outputCount ?? 1); index++) {
				job.extra.imageUrls.push(this.server.addFile(`${job.id.slice(0, 8)}-${index}.png`, PNG_BYTES, 'image/png'));
			}
		}
		return {
			status: 200,
			body: {
				images: job.extra.imageUrls.map((url) => ({ url, width: 1024, height: 768, content_type: 'image/png' })),
				timings: { inference: job.script.runMs / 1000 },
				seed: 42,
				has_nsfw_concepts: job.extra.imageUrls.map(() => false),
				prompt: String(job.extra.input.prompt ?? ''),
			},
		};
	}
}
