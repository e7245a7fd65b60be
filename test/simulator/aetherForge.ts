import { randomUUID } from 'node:crypto';

import type { JobBook as JobBookType, SimJob } from './jobs';
import { JobBook, PNG_BYTES, outcomeOf, phaseOf } from './jobs';
import type { ProviderSimulator, SimReply, SimRequest, SimulatorServer } from './server';

/** The form fields each creation endpoint requires, and the allowed values of its choices (PROVIDERS.md §3). */
const ENDPOINTS: Record<string, { required: string[]; files: string[]; choices?: Record<string, string[]> }> = {
	'/public/v1/generate/image': {
		required: ['prompt', 'ai_model'],
		files: ['ref_images'],
		choices: {
			ai_model: ['GPT Image 1.5', 'GPT Image 2', 'Grok Imagine', 'Grok Imagine Pro', 'Nano Banana', 'Nano Banana 2', 'Nano Banana Pro'],
		},
	},
	'/public/v1/generate/effect/v1': { required: ['description', 'resolution'], files: ['image'], choices: { resolution: ['1K', '2K', '4K'] } },
	'/public/v1/generate/effect/v2': {
		required: ['description', 'quality', 'frame'],
		files: ['image'],
		choices: { quality: ['standard', 'pro'], frame: ['4', '9', '16'] },
	},
	'/public/v1/image-tune/upscale': { required: ['image', 'scale'], files: ['image'], choices: { scale: ['1K', '2K', '4K'] } },
	'/public/v1/image-tune/inpaint/v2': { required: ['image', 'prompt', 'quality'], files: ['image'], choices: { quality: ['standard', 'pro'] } },
	'/public/v1/image-tune/split-layer': { required: ['image', 'keyword'], files: ['image'] },
	'/public/v1/sprite/make-sprite/v1': {
		required: ['image', 'text', 'frame', 'is_pixel'],
		files: ['image'],
		choices: { frame: ['25', '36', '49', '64', '81', '100', '121', '144', '169'], is_pixel: ['true', 'false'] },
	},
	'/public/v1/sprite/make-sprite/v2': {
		required: ['start_frame_image', 'text', 'frame', 'is_pixel'],
		files: ['start_frame_image', 'end_frame_image'],
		choices: { frame: ['49', '81', '121'], is_pixel: ['true', 'false'] },
	},
	'/public/v1/sprite/reskin/v1': {
		required: ['image', 'description', 'resolution'],
		files: ['image'],
		choices: { resolution: ['1K', '2K', '4K'], style: ['pixel', 'cartoon', 'sd', 'quater_view'] },
	},
	'/public/v1/sprite/reskin/v2': {
		required: ['image', 'description', 'quality'],
		files: ['image'],
		choices: { quality: ['standard', 'pro'], style: ['pixel', 'cartoon', 'sd', 'quater_view'] },
	},
	'/public/v1/sprite/character-overlay/v1': {
		required: ['sprite_sheet', 'character_images', 'rows', 'resolution'],
		files: ['sprite_sheet', 'character_images'],
		choices: { resolution: ['1K', '2K', '4K'], style: ['pixel', 'cartoon', 'sd', 'quater_view'] },
	},
	'/public/v1/sprite/character-overlay/v2': {
		required: ['sprite_sheet', 'character_images', 'rows', 'quality'],
		files: ['sprite_sheet', 'character_images'],
		choices: { quality: ['standard', 'pro'], style: ['pixel', 'cartoon', 'sd', 'quater_view'] },
	},
};

const REF_IMAGE_LIMITS: Record<string, number> = { 'Grok Imagine': 5, 'Grok Imagine Pro': 1 };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a create request carried, for tests to check. */
export interface ReceivedForm {
	path: string;
	fields: Record<string, string>;
	files: Record<string, Array<{ name: string; type: string; size: number }>>;
}

interface AetherForgeJobExtra {
	form: ReceivedForm;
	imageUrls: string[];
}

/** AetherForge AI: Bearer key, multipart creates answering `{job_id}`, `GET /public/v1/job/{id}`. */
export class AetherForgeSimulator implements ProviderSimulator {
	readonly prefix = '/aetherforge';

	readonly jobs: JobBookType<AetherForgeJobExtra> = new JobBook<AetherForgeJobExtra>();

	/** Keys that are valid; a key in `keysWithoutUser` is valid but has no user (404). */
	readonly apiKeys = new Set(['af-test-key']);

	readonly keysWithoutUser = new Set<string>();

	constructor(private readonly server: SimulatorServer) {}

	/** Where a failed job's reason goes, which AetherForge's docs do not say (ASSUMPTIONS.md): none at all in their example. */
	failureReasonField: 'error_message' | 'detail' | 'none' = 'error_message';

	reset(): void {
		this.jobs.nextScripts.length = 0;
		this.failureReasonField = 'error_message';
	}

	async handle(request: SimRequest): Promise<SimReply> {
		const key = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
		if (!key || (!this.apiKeys.has(key) && !this.keysWithoutUser.has(key))) {
			return { status: 401, body: { detail: 'Invalid API key' } };
		}
		if (this.keysWithoutUser.has(key)) return { status: 404, body: { detail: 'Not Found User' } };

		const jobMatch = /^\/public\/v1\/job\/([^/]+)$/.exec(request.path);
		if (request.method === 'GET' && jobMatch) return this.getJob(decodeURIComponent(jobMatch[1]), request.at);
		const endpoint = ENDPOINTS[request.path];
		if (request.method === 'POST' && endpoint) return await this.create(request, endpoint);
		return { status: 404, body: { detail: 'Not Found' } };
	}

	private getJob(jobId: string, now: number): SimReply {
		if (!UUID.test(jobId)) {
			return {
				status: 422,
				body: { detail: [{ loc: ['path', 'job_id'], msg: 'value is not a valid uuid', type: 'type_error.uuid' }] },
			};
		}
		const job = this.jobs.get(jobId, now);
		if (!job) return { status: 404, body: { detail: 'Job not found' } };
		return { status: 200, body: this.jobBody(job, now) };
	}

	private jobBody(job: SimJob<AetherForgeJobExtra>, now: number) {
		const phase = phaseOf(job, now);
		if (phase !== 'finished') return { job_id: job.id, status: job.script.unknownStatus ?? 'Pending', image_urls: [] };
		if (outcomeOf(job) !== 'succeeded') {
			const reason = job.script.failure?.reason;
			const field = this.failureReasonField;
			return { job_id: job.id, status: 'Failed', image_urls: [], ...(reason && field !== 'none' ? { [field]: reason } : {}) };
		}
		if (job.extra.imageUrls.length === 0) {
			for (let index = 0; index < (job.script.outputCount ?? 1); index++) {
				job.extra.imageUrls.push(this.server.addFile(`generated_${job.id.slice(0, 8)}_${index}.png`, PNG_BYTES, 'image/png'));
			}
		}
		return { job_id: job.id, status: 'Succeed', image_urls: job.extra.imageUrls };
	}

	private async create(request: SimRequest, endpoint: (typeof ENDPOINTS)[string]): Promise<SimReply> {
		const contentType = String(request.headers['content-type'] ?? '');
		if (!contentType.startsWith('multipart/form-data')) {
			return { status: 422, body: { detail: [{ loc: ['body'], msg: 'multipart/form-data expected', type: 'value_error' }] } };
		}
		const form = await new Request('http://simulator/', {
			method: 'POST',
			headers: { 'content-type': contentType },
			body: request.rawBody,
		}).formData();
		const received: ReceivedForm = { path: request.path, fields: {}, files: {} };
		for (const [name, value] of form.entries()) {
			if (typeof value === 'string') {
				received.fields[name] = value;
			} else {
				const bytes = Buffer.from(await value.arrayBuffer());
				if (!isImage(bytes)) return { status: 400, body: { detail: 'Invalid image file' } };
				(received.files[name] ??= []).push({ name: value.name, type: value.type, size: bytes.length });
			}
		}
		const missing = endpoint.required.filter((name) => received.fields[name] === undefined && received.files[name] === undefined);
		if (missing.length > 0) {
			return { status: 422, body: { detail: missing.map((name) => ({ loc: ['body', name], msg: 'field required', type: 'value_error.missing' })) } };
		}
		for (const [name, allowed] of Object.entries(endpoint.choices ?? {})) {
			const value = received.fields[name];
			if (value !== undefined && !allowed.includes(value)) return { status: 400, body: { detail: `Invalid ${name}: ${value}` } };
		}
		const refImages = received.files.ref_images?.length ?? 0;
		const refLimit = REF_IMAGE_LIMITS[received.fields.ai_model] ?? 10;
		if (refImages > refLimit) return { status: 400, body: { detail: `Too many ref_images: at most ${refLimit}` } };
		const characters = received.files.character_images?.length;
		if (characters !== undefined && (characters < 1 || characters > 4)) {
			return { status: 400, body: { detail: 'character_images takes 1 to 4 images' } };
		}
		if (received.fields.rows !== undefined && !isJsonList(received.fields.rows)) {
			return { status: 422, body: { detail: [{ loc: ['body', 'rows'], msg: 'rows must be a JSON list', type: 'value_error' }] } };
		}
		const job = this.jobs.create(randomUUID(), request.at, { form: received, imageUrls: [] });
		return { status: 200, body: { job_id: job.id } };
	}
}

/** PNG, JPEG, WebP or GIF by magic bytes. */
function isImage(bytes: Buffer): boolean {
	const hex = bytes.subarray(0, 12).toString('hex');
	return hex.startsWith('89504e47') || hex.startsWith('ffd8ff') || hex.startsWith('47494638') || (hex.startsWith('52494646') && bytes.subarray(8, 12).toString() === 'WEBP');
}

function isJsonList(text: string): boolean {
	try {
		return Array.isArray(JSON.parse(text));
	} catch {
		return false;
	}
}
