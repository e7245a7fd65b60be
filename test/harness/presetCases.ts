/**
 * The HTTP Async Job node with each API preset, as a user fills it in: the preset, the model or
 * endpoint, an input built from the item, the credential; the API Base URL points at the
 * preset's simulator. Tests and the bench use the same cases.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { JobStatus } from '../../nodes/shared/JobItem';
import type { ProviderSimulators } from '../simulator';
import type { JobBook, JobScript } from '../simulator/jobs';

export interface PresetCase {
	/** Node parameters of every action (the API, its base URL, the endpoint where it has one). */
	parameters: IDataObject;
	/** The Input of Create Job: an expression building it from the item's `prompt`. */
	input: string;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** The simulator's jobs, to script them and look them up. */
	jobs: JobBook<unknown>;
	/**
	 * What a succeeded job's outputs are: PNG files to download, text/JSON, or links that are not
	 * downloaded here (videos, files behind the API's key; the preset's own test fetches them).
	 */
	outputs: 'files' | 'text' | 'links';
	/** A failed job, and the message its item carries. */
	failure: { script: Partial<JobScript>; message: string };
	/** Rare final words: the script that makes the simulator report each, and the status it must read as. */
	finalWords: Array<{ word: string; script: Partial<JobScript>; status: JobStatus }>;
	/** The status a job canceled while running reads as; undefined where the API cannot cancel. */
	canceledStatus?: JobStatus;
}

export type PresetName = 'replicate' | 'fal' | 'runpod' | 'assemblyAi' | 'luma' | 'openai' | 'gemini' | 'runway' | 'elevenlabs';

export function presetCase(sim: ProviderSimulators, preset: PresetName): PresetCase {
	const base = (simulator: Parameters<typeof sim.server.baseUrl>[0]) => sim.server.baseUrl(simulator);
	switch (preset) {
		case 'replicate':
			return {
				parameters: { api: 'replicate', baseUrl: base(sim.replicate), endpoint: 'black-forest-labs/flux-schnell', authentication: 'httpBearerAuth' },
				input: '={{ { prompt: $json.prompt } }}',
				credentials: { httpBearerAuth: sim.credentials.httpBearerAuth },
				jobs: sim.replicate.jobs,
				outputs: 'files',
				failure: { script: { outcome: 'failed', failure: { reason: 'CUDA out of memory' } }, message: 'CUDA out of memory' },
				finalWords: [
					{ word: 'aborted', script: { outcome: 'failed', finalWord: 'aborted' }, status: 'failed' },
					{ word: 'canceled', script: { outcome: 'canceled' }, status: 'canceled' },
				],
				canceledStatus: 'canceled',
			};
		case 'runpod':
			return {
				parameters: { api: 'runpod', baseUrl: base(sim.runpod), endpoint: [...sim.runpod.endpointIds][0], authentication: 'httpBearerAuth' },
				input: '={{ { prompt: $json.prompt } }}',
				credentials: { httpBearerAuth: { token: [...sim.runpod.apiKeys][0] } },
				jobs: sim.runpod.jobs,
				outputs: 'files',
				failure: { script: { outcome: 'failed', failure: { reason: 'CUDA error: out of memory' } }, message: 'CUDA error: out of memory' },
				finalWords: [
					{ word: 'TIMED_OUT', script: { outcome: 'failed', finalWord: 'TIMED_OUT' }, status: 'failed' },
					{ word: 'CANCELLED', script: { outcome: 'canceled' }, status: 'canceled' },
				],
				canceledStatus: 'canceled',
			};
		case 'assemblyAi':
			return {
				parameters: { api: 'assemblyAi', baseUrl: base(sim.assemblyAi), authentication: 'httpHeaderAuth' },
				input: '={{ { audio_url: "https://example.com/" + $json.prompt.replace(/ /g, "-") + ".mp3" } }}',
				credentials: { httpHeaderAuth: { name: 'Authorization', value: [...sim.assemblyAi.apiKeys][0] } },
				jobs: sim.assemblyAi.jobs,
				outputs: 'text',
				failure: { script: { outcome: 'failed', failure: { reason: 'Download error, unable to download the audio file' } }, message: 'unable to download' },
				finalWords: [{ word: 'error', script: { outcome: 'failed' }, status: 'failed' }],
			};
		case 'luma':
			return {
				parameters: { api: 'luma', baseUrl: base(sim.luma), endpoint: 'image', authentication: 'httpBearerAuth' },
				input: '={{ { prompt: $json.prompt, model: "photon-1" } }}',
				credentials: { httpBearerAuth: { token: [...sim.luma.apiKeys][0] } },
				jobs: sim.luma.jobs,
				outputs: 'files',
				failure: { script: { outcome: 'failed', failure: { reason: 'The prompt was flagged by moderation' } }, message: 'flagged by moderation' },
				finalWords: [{ word: 'failed', script: { outcome: 'failed' }, status: 'failed' }],
			};
		case 'fal':
			return {
				parameters: { api: 'fal', baseUrl: base(sim.fal), endpoint: 'fal-ai/flux/dev', authentication: 'httpHeaderAuth' },
				input: '={{ { prompt: $json.prompt } }}',
				credentials: { httpHeaderAuth: sim.credentials.httpHeaderAuth },
				jobs: sim.fal.jobs,
				outputs: 'files',
				failure: { script: { outcome: 'failed', failure: { reason: 'prompt is too long' } }, message: 'prompt: prompt is too long' },
				// fal reports COMPLETED whatever the outcome; a failure shows in the result request.
				finalWords: [{ word: 'COMPLETED', script: { outcome: 'failed' }, status: 'failed' }],
				// A canceled request is COMPLETED, and its result request refused ("Request was cancelled").
				canceledStatus: 'failed',
			};
		case 'openai':
			return {
				parameters: { api: 'openai', baseUrl: base(sim.openai), authentication: 'httpBearerAuth' },
				input: '={{ { model: "sora-2", prompt: $json.prompt, seconds: "4" } }}',
				credentials: { httpBearerAuth: { token: [...sim.openai.apiKeys][0] } },
				jobs: sim.openai.jobs,
				outputs: 'links',
				failure: { script: { outcome: 'failed', failure: { reason: 'Your request was blocked by our moderation system.' } }, message: 'blocked by our moderation system' },
				finalWords: [{ word: 'failed', script: { outcome: 'failed' }, status: 'failed' }],
			};
		case 'gemini':
			return {
				parameters: { api: 'gemini', baseUrl: base(sim.gemini), endpoint: 'veo-3.0-generate-001', authentication: 'httpHeaderAuth' },
				input: '={{ { instances: [{ prompt: $json.prompt }] } }}',
				credentials: { httpHeaderAuth: { name: 'x-goog-api-key', value: [...sim.gemini.apiKeys][0] } },
				jobs: sim.gemini.jobs,
				outputs: 'links',
				failure: { script: { outcome: 'failed', failure: { reason: 'Video generation failed: internal error.' } }, message: 'Video generation failed: internal error.' },
				// `done: true` ends every operation: with `error` it failed (a canceled one too, google.rpc code 1).
				finalWords: [
					{ word: 'true', script: { outcome: 'failed' }, status: 'failed' },
					{ word: 'true', script: { outcome: 'canceled' }, status: 'failed' },
				],
			};
		case 'runway':
			return {
				parameters: { api: 'runway', baseUrl: base(sim.runway), endpoint: 'text_to_video', authentication: 'httpBearerAuth' },
				input: '={{ { model: "veo3.1", promptText: $json.prompt, ratio: "1280:720" } }}',
				credentials: { httpBearerAuth: { token: [...sim.runway.apiKeys][0] } },
				jobs: sim.runway.jobs,
				outputs: 'links',
				failure: { script: { outcome: 'failed', failure: { reason: 'The prompt did not pass moderation.' } }, message: 'The prompt did not pass moderation.' },
				finalWords: [
					{ word: 'FAILED', script: { outcome: 'failed' }, status: 'failed' },
					{ word: 'CANCELLED', script: { outcome: 'canceled' }, status: 'canceled' },
				],
				canceledStatus: 'canceled',
			};
		case 'elevenlabs':
			return {
				parameters: { api: 'elevenlabs', baseUrl: base(sim.elevenlabs), authentication: 'httpHeaderAuth' },
				input: '={{ { source_url: "https://example.com/" + $json.prompt.replace(/ /g, "-") + ".mp4", target_lang: "es" } }}',
				credentials: { httpHeaderAuth: { name: 'xi-api-key', value: [...sim.elevenlabs.apiKeys][0] } },
				jobs: sim.elevenlabs.jobs,
				outputs: 'links',
				failure: { script: { outcome: 'failed', failure: { reason: 'No speech was found in the source.' } }, message: 'No speech was found in the source.' },
				finalWords: [{ word: 'failed', script: { outcome: 'failed' }, status: 'failed' }],
			};
	}
}

export const PRESET_NAMES: PresetName[] = ['replicate', 'fal', 'runpod', 'assemblyAi', 'luma', 'openai', 'gemini', 'runway', 'elevenlabs'];
