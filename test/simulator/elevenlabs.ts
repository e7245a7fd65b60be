import { randomBytes } from 'node:crypto';

import type { SimJob } from './jobs';
import { JobBook, MP4_BYTES, outcomeOf, phaseOf, progressOf } from './jobs';
import { readForm } from './requestForm';
import type { ProviderSimulator, SimReply, SimRequest } from './server';

/**
 * ElevenLabs dubbing, as `@elevenlabs/elevenlabs-js` (2.x) speaks it: the key in `xi-api-key`;
 * `POST /v1/dubbing` as multipart/form-data (a `file` or a `source_url`, `target_lang`, optional
 * `source_lang`, `name`, `num_speakers`, `watermark`…) answering `{dubbing_id,
 * expected_duration_sec}`; `GET /v1/dubbing/{id}` with `status` `queued` → `preparing` →
 * `dubbing` → `dubbed` or `failed` (with `error`); `GET /v1/dubbing/{id}/audio/{language}` the
 * dubbed file behind the same key (425 until it is dubbed); `DELETE /v1/dubbing/{id}`. There is
 * no cancel. Errors are `{detail: {status, message}}`, or FastAPI's `{detail: [{loc, msg, type}]}` (422).
 */

export interface ElevenLabsDubbingExtra {
	name: string;
	targetLanguage: string;
	/** What the dubbed file is: an audio source gives audio, a video source gives video. */
	media: 'audio' | 'video';
	deleted?: boolean;
}

/** A few bytes that start like an MP3 file (an ID3 tag). */
export const MP3_BYTES = Buffer.concat([Buffer.from('ID3'), Buffer.from([4, 0, 0, 0, 0, 0, 0]), Buffer.alloc(16)]);

const detail = (status: number, word: string, message: string): SimReply => ({ status, body: { detail: { status: word, message } } });

export class ElevenLabsSimulator implements ProviderSimulator {
	readonly prefix = '/elevenlabs';

	readonly jobs = new JobBook<ElevenLabsDubbingExtra>();

	readonly apiKeys = new Set(['sk_test-elevenlabs-0123456789']);

	reset(): void {
		this.jobs.nextScripts.length = 0;
	}

	async handle(request: SimRequest): Promise<SimReply> {
		const key = request.headers['xi-api-key'];
		if (typeof key !== 'string' || !this.apiKeys.has(key)) return detail(401, 'invalid_api_key', 'Invalid API key');
		if (request.path === '/v1/dubbing' && request.method === 'POST') return await this.create(request);
		const match = /^\/v1\/dubbing\/([^/]+)(?:\/audio\/([^/]+))?$/.exec(request.path);
		if (!match) return detail(404, 'not_found', 'Not found');
		const [, id, language] = match;
		const job = this.jobs.get(decodeURIComponent(id), request.at);
		if (!job || job.extra.deleted) return detail(404, 'dubbing_not_found', `Dubbing ${id} not found.`);
		if (language !== undefined && request.method === 'GET') return this.audio(job, decodeURIComponent(language), request.at);
		if (language === undefined && request.method === 'GET') return { status: 200, body: this.metadata(job, request.at) };
		if (language === undefined && request.method === 'DELETE') {
			job.extra.deleted = true;
			return { status: 200, body: { status: 'ok' } };
		}
		return detail(405, 'method_not_allowed', 'Method Not Allowed');
	}

	private async create(request: SimRequest): Promise<SimReply> {
		const form = await readForm(request, { json: false });
		if (!form) {
			return { status: 422, body: { detail: [{ loc: ['body'], msg: 'Expected multipart/form-data', type: 'value_error' }] } };
		}
		const targetLanguage = form.target_lang;
		if (typeof targetLanguage !== 'string' || targetLanguage === '') {
			return { status: 422, body: { detail: [{ loc: ['body', 'target_lang'], msg: 'Field required', type: 'missing' }] } };
		}
		const file = form.file;
		const sourceUrl = form.source_url;
		if (file === undefined && typeof sourceUrl !== 'string') return detail(400, 'invalid_request', 'Either file or source_url must be provided.');
		const isAudio = typeof file === 'object' ? file.type.startsWith('audio/') : /\.(mp3|wav|m4a|ogg|flac)(\?|$)/i.test(String(sourceUrl));
		const name = typeof form.name === 'string' ? form.name : typeof file === 'object' ? file.filename : 'Untitled';
		const job = this.jobs.create(randomBytes(10).toString('hex'), request.at, { name, targetLanguage, media: isAudio ? 'audio' : 'video' });
		return { status: 200, body: { dubbing_id: job.id, expected_duration_sec: (job.script.queueMs + job.script.runMs) / 1000 } };
	}

	private statusWord(job: SimJob<ElevenLabsDubbingExtra>, now: number): string {
		const phase = phaseOf(job, now);
		if (phase === 'queued') return job.script.unknownStatus ?? 'queued';
		if (phase === 'running') return job.script.unknownStatus ?? (progressOf(job, now) < 20 ? 'preparing' : 'dubbing');
		return outcomeOf(job) === 'succeeded' ? 'dubbed' : 'failed';
	}

	private metadata(job: SimJob<ElevenLabsDubbingExtra>, now: number) {
		const status = this.statusWord(job, now);
		return {
			dubbing_id: job.id,
			name: job.extra.name,
			status,
			target_languages: [job.extra.targetLanguage],
			editable: false,
			created_at: new Date(job.createdAt).toISOString(),
			...(status === 'dubbed' ? { source_language: 'en', media_metadata: { content_type: job.extra.media === 'audio' ? 'audio/mpeg' : 'video/mp4', duration: 3 } } : {}),
			...(status === 'failed' ? { error: job.script.failure?.reason ?? 'Dubbing failed.' } : {}),
		};
	}

	private audio(job: SimJob<ElevenLabsDubbingExtra>, language: string, now: number): SimReply {
		if (language !== job.extra.targetLanguage) return detail(404, 'language_not_found', `Language ${language} is not a target language of this dubbing.`);
		const status = this.statusWord(job, now);
		if (status === 'failed') return detail(400, 'dubbing_failed', 'The dubbing failed; there is no file.');
		if (status !== 'dubbed') return detail(425, 'dubbing_not_ready', 'The dubbing is not finished yet.');
		const [bytes, type] = job.extra.media === 'audio' ? [MP3_BYTES, 'audio/mpeg'] : [MP4_BYTES, 'video/mp4'];
		return { status: 200, rawBody: bytes, headers: { 'content-type': type, 'content-length': String(bytes.length) } };
	}
}
