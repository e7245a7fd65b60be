import { randomUUID } from 'node:crypto';

import type { SimJob } from './jobs';
import { JobBook, MP4_BYTES, outcomeOf, phaseOf, progressOf } from './jobs';
import type { ProviderSimulator, SimReply, SimRequest, SimulatorServer } from './server';

/**
 * Runway's API, as `@runwayml/sdk` (4.x) speaks it: Bearer keys and the `X-Runway-Version`
 * header; `POST /v1/image_to_video` and `POST /v1/text_to_video` answering `{id, estimatedCost}`;
 * `GET /v1/tasks/{id}` with `status` `PENDING` or `THROTTLED` (waiting for the account's
 * concurrency), `RUNNING` (`progress` 0–1), then `SUCCEEDED` (`output`: video URLs, fetched
 * without the key), `FAILED` (`failure`, `failureCode`) or `CANCELLED`; `DELETE /v1/tasks/{id}`
 * (204) cancels a task that has not ended and deletes one that has. Errors are `{error}`, with
 * the failed checks in `issues` for a refused body.
 */

export interface RunwayTaskExtra {
	endpoint: string;
	model: string;
	credits: number;
	outputUrls: string[];
	deleted?: boolean;
}

export const RUNWAY_VERSION = '2024-11-06';

/** The models each create endpoint takes here, each with the fields it requires (as the SDK's types have them). */
const ENDPOINTS: Record<string, Record<string, string[]>> = {
	'/v1/image_to_video': {
		'gen4.5': ['promptImage', 'promptText', 'ratio', 'duration'],
		gen4_turbo: ['promptImage', 'ratio'],
		'veo3.1': ['promptImage', 'ratio'],
		'veo3.1_fast': ['promptImage', 'ratio'],
	},
	'/v1/text_to_video': {
		'gen4.5': ['promptText', 'ratio', 'duration'],
		'veo3.1': ['promptText', 'ratio'],
		'veo3.1_fast': ['promptText', 'ratio'],
	},
};

const runwayError = (status: number, error: string, issues?: unknown[]): SimReply => ({ status, body: { error, ...(issues ? { issues } : {}) } });

export class RunwaySimulator implements ProviderSimulator {
	readonly prefix = '/runway';

	readonly jobs = new JobBook<RunwayTaskExtra>();

	readonly apiKeys = new Set(['key_test-runway-0123456789']);

	/** What a task waiting to run reports: `THROTTLED` plays an account at its concurrency limit. */
	waitingWord: 'PENDING' | 'THROTTLED' = 'PENDING';

	constructor(private readonly server: SimulatorServer) {}

	reset(): void {
		this.jobs.nextScripts.length = 0;
		this.waitingWord = 'PENDING';
	}

	handle(request: SimRequest): SimReply {
		const key = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
		if (!key || !this.apiKeys.has(key)) return runwayError(401, 'Invalid API key');
		if (request.headers['x-runway-version'] !== RUNWAY_VERSION) {
			return runwayError(400, `The X-Runway-Version header is required and must be ${RUNWAY_VERSION}`);
		}
		const endpoint = ENDPOINTS[request.path];
		if (endpoint && request.method === 'POST') return this.create(request, endpoint);
		const task = /^\/v1\/tasks\/([^/]+)$/.exec(request.path);
		if (!task) return runwayError(404, 'Not found');
		const job = this.jobs.get(decodeURIComponent(task[1]), request.at);
		if (!job || job.extra.deleted) return runwayError(404, 'Task not found');
		if (request.method === 'GET') return { status: 200, body: this.taskBody(job, request.at) };
		if (request.method === 'DELETE') {
			if (phaseOf(job, request.at) === 'finished') job.extra.deleted = true;
			else job.canceledAt = request.at;
			return { status: 204, rawBody: '' };
		}
		return runwayError(405, 'Method not allowed');
	}

	private create(request: SimRequest, endpoint: (typeof ENDPOINTS)[string]): SimReply {
		let body: Record<string, unknown>;
		try {
			body = JSON.parse(request.rawBody.toString('utf8')) as Record<string, unknown>;
		} catch {
			return runwayError(400, 'Invalid JSON body');
		}
		const required = endpoint[String(body.model)];
		const issues = required
			? required.filter((field) => body[field] === undefined || body[field] === '').map((field) => ({ path: [field], message: 'Required' }))
			: [{ path: ['model'], message: `Invalid model: expected one of ${Object.keys(endpoint).join(', ')}` }];
		if (issues.length > 0) return runwayError(400, 'Validation of body failed', issues);
		const duration = typeof body.duration === 'number' ? body.duration : 5;
		const job = this.jobs.create(randomUUID(), request.at, { endpoint: request.path, model: String(body.model), credits: duration * 12, outputUrls: [] });
		return { status: 200, body: { id: job.id, estimatedCost: { credits: job.extra.credits } } };
	}

	private taskBody(job: SimJob<RunwayTaskExtra>, now: number) {
		const phase = phaseOf(job, now);
		const common = { id: job.id, createdAt: new Date(job.createdAt).toISOString() };
		const estimatedCost = { credits: job.extra.credits };
		if (phase === 'queued') return { ...common, status: job.script.unknownStatus ?? this.waitingWord, estimatedCost };
		if (phase === 'running') return { ...common, status: job.script.unknownStatus ?? 'RUNNING', progress: progressOf(job, now) / 100, estimatedCost };
		const outcome = outcomeOf(job);
		if (outcome === 'canceled') return { ...common, status: 'CANCELLED', cost: { credits: 0 } };
		if (outcome === 'failed') {
			const { reason, code } = job.script.failure ?? {};
			return { ...common, status: 'FAILED', failure: reason ?? 'An unexpected error occurred.', failureCode: code ?? 'INTERNAL.BAD_OUTPUT', cost: { credits: 0 } };
		}
		if (job.extra.outputUrls.length === 0) {
			for (let index = 0; index < (job.script.outputCount ?? 1); index++) job.extra.outputUrls.push(this.server.addFile(`${job.id}-${index}.mp4`, MP4_BYTES, 'video/mp4'));
		}
		return { ...common, status: 'SUCCEEDED', output: job.extra.outputUrls, cost: { credits: job.extra.credits } };
	}
}
