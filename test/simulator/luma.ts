import { randomUUID } from 'node:crypto';

import type { SimJob } from './jobs';
import { JobBook, MP4_BYTES, PNG_BYTES, outcomeOf, phaseOf } from './jobs';
import type { ProviderSimulator, SimReply, SimRequest, SimulatorServer } from './server';

/**
 * A Luma Dream Machine-like generations API, from `lumaai` 1.19.1 (resources/generations):
 * `Authorization: Bearer <key>`, base `/dream-machine/v1`; `POST /generations/video` (the
 * client's `generations.create`) or `/generations/image` with `{prompt, model, …}` answers the
 * generation, `GET /generations/{id}` it as it stands, `DELETE /generations/{id}` removes it
 * (there is no cancel). `state` goes `queued` → `dreaming` → `completed` / `failed` (the reason
 * in `failure_reason`); the files are `assets.video` or `assets.image`. Errors are `{detail}`.
 */

export interface LumaExtra {
	kind: 'video' | 'image';
	request: Record<string, unknown>;
	assetUrl?: string;
}

const MODELS = { video: ['ray-2', 'ray-flash-2'], image: ['photon-1', 'photon-flash-1'] };

export class LumaSimulator implements ProviderSimulator {
	readonly prefix = '/luma';

	readonly jobs = new JobBook<LumaExtra>();

	readonly apiKeys = new Set(['luma-test-key-0123456789']);

	constructor(private readonly server: SimulatorServer) {}

	reset(): void {
		this.jobs.nextScripts.length = 0;
	}

	handle(request: SimRequest): SimReply {
		const key = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
		if (!key || !this.apiKeys.has(key)) return { status: 401, body: { detail: 'Invalid API key' } };
		const create = /^\/dream-machine\/v1\/generations\/(video|image)$/.exec(request.path);
		if (create && request.method === 'POST') return this.create(request, create[1] as LumaExtra['kind']);
		const match = /^\/dream-machine\/v1\/generations\/([0-9a-f-]{36})$/.exec(request.path);
		const job = match ? this.jobs.get(match[1], request.at) : undefined;
		if (!job) return { status: 404, body: { detail: 'Generation not found' } };
		if (request.method === 'DELETE') {
			this.jobs.jobs.delete(job.id);
			return { status: 204, rawBody: '' };
		}
		if (request.method !== 'GET') return { status: 405, body: { detail: 'Method Not Allowed' } };
		return { status: 200, body: this.generation(job, request.at) };
	}

	private create(request: SimRequest, kind: LumaExtra['kind']): SimReply {
		let body: Record<string, unknown>;
		try {
			body = JSON.parse(request.rawBody.toString('utf8')) as Record<string, unknown>;
		} catch {
			return { status: 400, body: { detail: 'Invalid JSON' } };
		}
		if (!MODELS[kind].includes(String(body?.model))) {
			return { status: 400, body: { detail: `model: Input should be ${MODELS[kind].map((model) => `'${model}'`).join(' or ')}` } };
		}
		const job = this.jobs.create(randomUUID(), request.at, { kind, request: body });
		return { status: 201, body: this.generation(job, request.at) };
	}

	private generation(job: SimJob<LumaExtra>, now: number) {
		const phase = phaseOf(job, now);
		const outcome = phase === 'finished' ? outcomeOf(job) : undefined;
		// Luma has no cancel: a generation only completes or fails.
		const state = outcome === undefined ? (job.script.unknownStatus ?? (phase === 'queued' ? 'queued' : 'dreaming')) : outcome === 'succeeded' ? 'completed' : 'failed';
		const { kind } = job.extra;
		if (state === 'completed' && !job.extra.assetUrl) {
			job.extra.assetUrl = kind === 'video' ? this.server.addFile(`${job.id}.mp4`, MP4_BYTES, 'video/mp4') : this.server.addFile(`${job.id}.png`, PNG_BYTES, 'image/png');
		}
		return {
			id: job.id,
			generation_type: kind,
			state,
			failure_reason: state === 'failed' ? (job.script.failure?.reason ?? 'The prompt was flagged by moderation') : null,
			created_at: new Date(job.createdAt).toISOString(),
			model: job.extra.request.model,
			assets: state === 'completed' ? { [kind]: job.extra.assetUrl } : null,
			request: { ...job.extra.request, generation_type: kind },
		};
	}
}
