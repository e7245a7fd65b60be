import { randomUUID } from 'node:crypto';

import type { SimJob } from './jobs';
import { JobBook, PNG_BYTES, finishedAt, outcomeOf, phaseOf } from './jobs';
import type { ProviderSimulator, SimReply, SimRequest, SimulatorServer } from './server';

/**
 * A RunPod-like serverless API, from `runpod-sdk` 1.1.2 (src/index.ts): `Authorization: Bearer
 * <key>`; `POST /v2/{endpointId}/run` with `{input, webhook?, policy?}` answers `{id, status:
 * "IN_QUEUE"}`; `GET /v2/{endpointId}/status/{id}` answers `{id, status, delayTime,
 * executionTime, output | error}`; `POST /v2/{endpointId}/cancel/{id}`. Statuses `IN_QUEUE` →
 * `IN_PROGRESS` → `COMPLETED` / `FAILED` / `CANCELLED` / `TIMED_OUT` (the client's final set).
 * `output` is whatever the worker's handler returns: here the list of image URLs it uploaded.
 */

export interface RunPodJobExtra {
	endpointId: string;
	input: unknown;
	imageUrls: string[];
}

export class RunPodSimulator implements ProviderSimulator {
	readonly prefix = '/runpod';

	readonly jobs = new JobBook<RunPodJobExtra>();

	readonly apiKeys = new Set(['rpa_TESTKEY0123456789']);

	readonly endpointIds = new Set(['sdxl-worker-1a2b3c']);

	constructor(private readonly server: SimulatorServer) {}

	reset(): void {
		this.jobs.nextScripts.length = 0;
	}

	handle(request: SimRequest): SimReply {
		const key = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
		if (!key || !this.apiKeys.has(key)) return { status: 401, body: { error: 'Unauthorized' } };
		const match = /^\/v2\/([^/]+)\/(run|status|cancel)(?:\/([^/]+))?$/.exec(request.path);
		if (!match || !this.endpointIds.has(match[1])) return { status: 404, body: { error: 'endpoint not found' } };
		const [, endpointId, action, id] = match;
		if (action === 'run' && id === undefined && request.method === 'POST') return this.run(request, endpointId);
		if (id === undefined || request.method !== (action === 'status' ? 'GET' : 'POST')) return { status: 405, body: { error: 'method not allowed' } };
		const job = this.jobs.get(decodeURIComponent(id), request.at);
		if (!job || job.extra.endpointId !== endpointId) return { status: 404, body: { error: 'request does not exist' } };
		if (action === 'cancel' && phaseOf(job, request.at) !== 'finished') job.canceledAt = request.at;
		return { status: 200, body: this.statusBody(job, request.at) };
	}

	private run(request: SimRequest, endpointId: string): SimReply {
		let body: { input?: unknown };
		try {
			body = JSON.parse(request.rawBody.toString('utf8')) as typeof body;
		} catch {
			return { status: 400, body: { error: 'invalid JSON body' } };
		}
		if (typeof body !== 'object' || body === null || body.input === undefined) return { status: 400, body: { error: 'input is required' } };
		const job = this.jobs.create(`${randomUUID()}-u1`, request.at, { endpointId, input: body.input, imageUrls: [] });
		return { status: 200, body: { id: job.id, status: 'IN_QUEUE' } };
	}

	private statusBody(job: SimJob<RunPodJobExtra>, now: number) {
		const phase = phaseOf(job, now);
		const { queueMs } = job.script;
		if (phase === 'queued') return { id: job.id, status: job.script.unknownStatus ?? 'IN_QUEUE' };
		const delayTime = Math.round(queueMs);
		if (phase === 'running') return { id: job.id, status: job.script.unknownStatus ?? 'IN_PROGRESS', delayTime, workerId: 'worker-1' };
		const executionTime = Math.max(0, Math.round(finishedAt(job) - job.createdAt - queueMs));
		const outcome = outcomeOf(job);
		const status = job.script.finalWord ?? { succeeded: 'COMPLETED', failed: 'FAILED', canceled: 'CANCELLED' }[outcome];
		const ended = { id: job.id, status, delayTime, executionTime, workerId: 'worker-1' };
		if (status === 'COMPLETED') return { ...ended, output: this.images(job) };
		if (status === 'FAILED') return { ...ended, error: job.script.failure?.reason ?? 'handler raised an exception' };
		return ended;
	}

	private images(job: SimJob<RunPodJobExtra>): string[] {
		if (job.extra.imageUrls.length === 0) {
			for (let index = 0; index < (job.script.outputCount ?? 1); index++) {
				job.extra.imageUrls.push(this.server.addFile(`${job.id.slice(0, 8)}-${index}.png`, PNG_BYTES, 'image/png'));
			}
		}
		return job.extra.imageUrls;
	}
}
