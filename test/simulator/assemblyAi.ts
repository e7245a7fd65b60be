import { randomUUID } from 'node:crypto';

import type { SimJob } from './jobs';
import { JobBook, outcomeOf, phaseOf } from './jobs';
import type { ProviderSimulator, SimReply, SimRequest } from './server';

/**
 * An AssemblyAI-like transcript API, from `assemblyai` 4.41.5 (src/services/base.ts,
 * services/transcripts, types/openapi.generated.ts): the API key alone in `Authorization`;
 * `POST /v2/transcript` with `{audio_url, speech_model?, …}` answers the queued transcript,
 * `GET /v2/transcript/{id}` the transcript as it stands, `DELETE /v2/transcript/{id}` removes
 * its data (there is no cancel). Statuses `queued` → `processing` → `completed` / `error`, the
 * reason in `error`; the text in `text`, with `words` and `confidence`. Errors are `{error}`,
 * which the client throws as its message.
 */

export interface AssemblyAiExtra {
	params: Record<string, unknown>;
	deleted?: boolean;
}

export class AssemblyAiSimulator implements ProviderSimulator {
	readonly prefix = '/assemblyai';

	readonly jobs = new JobBook<AssemblyAiExtra>();

	readonly apiKeys = new Set(['aai-test-key-0123456789abcdef']);

	reset(): void {
		this.jobs.nextScripts.length = 0;
	}

	handle(request: SimRequest): SimReply {
		const key = String(request.headers.authorization ?? '');
		if (!this.apiKeys.has(key)) return { status: 401, body: { error: 'Authentication error, API token missing/invalid' } };
		if (request.path === '/v2/transcript' && request.method === 'POST') return this.submit(request);
		const match = /^\/v2\/transcript\/([^/]+)$/.exec(request.path);
		const job = match ? this.jobs.get(decodeURIComponent(match[1]), request.at) : undefined;
		if (!match) return { status: 404, body: { error: 'Not found' } };
		if (!job) return { status: 400, body: { error: 'Transcript ID not found' } };
		if (request.method === 'DELETE') job.extra.deleted = true;
		else if (request.method !== 'GET') return { status: 405, body: { error: 'Method not allowed' } };
		return { status: 200, body: this.transcript(job, request.at) };
	}

	private submit(request: SimRequest): SimReply {
		let params: Record<string, unknown>;
		try {
			params = JSON.parse(request.rawBody.toString('utf8')) as Record<string, unknown>;
		} catch {
			return { status: 400, body: { error: 'Invalid JSON body' } };
		}
		if (typeof params?.audio_url !== 'string' || !/^https?:\/\//.test(params.audio_url)) {
			return { status: 400, body: { error: 'audio_url: must be a valid URL' } };
		}
		const job = this.jobs.create(randomUUID(), request.at, { params });
		return { status: 200, body: this.transcript(job, request.at) };
	}

	private transcript(job: SimJob<AssemblyAiExtra>, now: number) {
		const phase = phaseOf(job, now);
		const outcome = phase === 'finished' ? outcomeOf(job) : undefined;
		const status = outcome === undefined ? (job.script.unknownStatus ?? (phase === 'queued' ? 'queued' : 'processing')) : outcome === 'succeeded' ? 'completed' : 'error';
		const { params } = job.extra;
		const words = ['A', 'reading', 'of', 'the', 'audio'].map((text, index) => ({ text, start: index * 400, end: index * 400 + 350, confidence: 0.98, speaker: null }));
		const done = status === 'completed' && !job.extra.deleted;
		return {
			id: job.id,
			status,
			audio_url: job.extra.deleted ? 'http://deleted_by_user' : params.audio_url,
			speech_model: params.speech_model ?? null,
			language_code: params.language_code ?? 'en_us',
			text: done ? words.map((word) => word.text).join(' ') : null,
			words: done ? words : null,
			confidence: done ? 0.98 : null,
			audio_duration: done ? 2 : null,
			punctuate: true,
			format_text: true,
			webhook_url: null,
			webhook_auth: false,
			error: status === 'error' ? (job.script.failure?.reason ?? 'Download error, unable to download the audio file') : undefined,
		};
	}
}
