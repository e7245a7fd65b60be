import type { KeyObject } from 'node:crypto';
import { createPublicKey, generateKeyPairSync, randomBytes, verify } from 'node:crypto';

import type { SimJob } from './jobs';
import { JobBook, MP4_BYTES, PNG_BYTES, outcomeOf, phaseOf, progressOf, queuePositionOf } from './jobs';
import type { ProviderSimulator, SimReply, SimRequest, SimulatorServer } from './server';

/**
 * Tensor.Art TAMS (seeds 000/001, PROVIDERS.md §1): Bearer keys or RSA signatures checked over
 * the exact bytes received, 64-bit string ids, requestId idempotency, google.rpc.Status errors,
 * and the 404 bodies with which TAMS refuses a credential.
 */

export interface TamsJobExtra {
	app: string;
	requestId: string;
	params: Record<string, TamsNode>;
	credits: number;
	templateId?: string;
	runningNotifyUrl?: string;
	outputUrls: string[];
}

interface TamsNode {
	classType?: unknown;
	inputs?: Record<string, unknown>;
}

interface Template {
	name: string;
	params: Record<string, TamsNode>;
	/** Editable fields: "nodeId.fieldName". */
	editable: string[];
}

/** gRPC codes TAMS's gateway puts in `code`. */
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const RESOURCE_EXHAUSTED = 8;
const UNAUTHENTICATED = 16;

const APP_NOT_FOUND = { code: 100001, message: 'unauthorized', tips: 'app not found' };
const BAD_AUTH_HEADER = { code: 100002, message: 'invalid authorization header' };

const SIGNATURE_MAX_AGE_SECONDS = 300;

/** A call the simulator made to a job's runningNotifyUrl, and how it was answered. */
export interface TamsCallback {
	jobId: string;
	url: string;
	/** The job status the call's body reports. */
	reportedStatus: string;
	/** Real time (epoch ms) the call was sent. */
	at: number;
	/** HTTP status of the answer, or the network error. */
	answer?: number | string;
	answeredAt?: number;
}

const rpcError = (status: number, code: number, message: string, reason?: string): SimReply => ({
	status,
	body: {
		code,
		message,
		details: reason ? [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'tams-api.tensor.art' }] : [],
	},
});

export class TensorArtSimulator implements ProviderSimulator {
	readonly prefix = '/tams';

	readonly jobs = new JobBook<TamsJobExtra>();

	readonly apiKeys = new Set(['tams-test-key']);

	/** App ID → public key of the app's RSA key pair. */
	readonly rsaApps = new Map<string, KeyObject>();

	/** The private key of app `testAppId`, as a user would paste it (PKCS#1 PEM, as `openssl genrsa` writes). */
	readonly testAppId = 'tams-test-app';

	readonly testPrivateKeyPem: string;

	/** Requests whose RSA signature was checked and accepted. */
	verifiedSignatures = 0;

	/** Requests per second each app may send; undefined = no limit (TAMS allows 5). */
	rateLimitPerSecond?: number;

	readonly templates = new Map<string, Template>([
		[
			'676018193025756628',
			{
				name: 'Text to image',
				params: {
					'4': { classType: 'CheckpointLoaderSimple', inputs: { ckpt_name: '757279507095956705' } },
					'5': { classType: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
					'6': { classType: 'CLIPTextEncode', inputs: { text: 'a lighthouse', clip: ['4', 1] } },
					'3': { classType: 'KSampler', inputs: { steps: 20, model: ['4', 0], positive: ['6', 0], latent_image: ['5', 0] } },
					'9': { classType: 'SaveImage', inputs: { images: ['3', 0] } },
				},
				editable: ['6.text', '5.width', '5.height', '5.batch_size'],
			},
		],
	]);

	readonly models = new Set(['600423083519508503', '757279507095956705']);

	/** Uploaded images by resourceId (bytes arrive with the PUT). */
	readonly uploads = new Map<string, { token: string; bytes?: Buffer; contentType?: string }>();

	private nextId = 881417947308949275n;

	private readonly jobsByRequestId = new Map<string, string>();

	private readonly recentRequests = new Map<string, number[]>();

	/** Every call made to a runningNotifyUrl, in the order they were sent. */
	readonly callbacks: TamsCallback[] = [];

	private readonly pendingCallbacks = new Set<NodeJS.Timeout>();

	/** The unit of `ctime`/`mtime`, which TAMS's docs leave open (ASSUMPTIONS.md). */
	timeUnit: 'ms' | 's' = 'ms';

	/** What `expiredIn` holds, which TAMS's docs leave open (ASSUMPTIONS.md): an epoch time in s or ms, or seconds from now. */
	expiredInReading: 'epochSeconds' | 'epochMs' | 'secondsFromNow' = 'epochSeconds';

	reset(): void {
		this.jobs.nextScripts.length = 0;
		this.timeUnit = 'ms';
		this.expiredInReading = 'epochSeconds';
		this.rateLimitPerSecond = undefined;
		this.callbacks.length = 0;
		for (const timer of this.pendingCallbacks) clearTimeout(timer);
		this.pendingCallbacks.clear();
	}

	constructor(private readonly server: SimulatorServer) {
		const { privateKey, publicKey } = generateKeyPairSync('rsa', {
			modulusLength: 2048,
			privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
			publicKeyEncoding: { type: 'spki', format: 'pem' },
		});
		this.testPrivateKeyPem = privateKey;
		this.rsaApps.set(this.testAppId, createPublicKey(publicKey));
	}

	/** A job with a given id (tests of 64-bit ids), on the book's next script. */
	addJob(id: string, now: number, params: Record<string, TamsNode> = {}): SimJob<TamsJobExtra> {
		return this.jobs.create(id, now, { app: 'any', requestId: id, params, credits: 0, outputUrls: [] });
	}

	async handle(request: SimRequest): Promise<SimReply> {
		// The storage URL of an upload slot is presigned: it carries no TAMS credential.
		const upload = /^\/storage\/([^/]+)$/.exec(request.path);
		if (upload && request.method === 'PUT') return this.receiveUpload(upload[1], request);

		const auth = this.authenticate(request);
		if ('reply' in auth) return auth.reply;
		if (this.overRateLimit(auth.app)) {
			return { ...rpcError(429, RESOURCE_EXHAUSTED, 'too many requests: 5 per second per app'), headers: { 'retry-after': '1' } };
		}

		const { method, path } = request;
		if (method === 'POST' && path === '/v1/jobs/workflow') return this.withJson(request, (body) => this.createFromParams(auth.app, body, request.at));
		if (method === 'POST' && path === '/v1/jobs/workflow/template') return this.withJson(request, (body) => this.createFromTemplate(auth.app, body, request.at));
		if (method === 'POST' && path === '/v1/jobs/workflow/params/check') return this.withJson(request, (body) => this.checkParams(body));
		if (method === 'POST' && path === '/v1/resource/image') return this.uploadSlot();
		const jobMatch = /^\/v1\/jobs\/([^/]+)$/.exec(path);
		if (jobMatch && method === 'GET') return this.getJob(jobMatch[1], request.at);
		if (jobMatch && method === 'DELETE') return this.cancelJob(jobMatch[1], request.at);
		const templateMatch = /^\/v1\/workflows\/([^/]+)$/.exec(path);
		if (templateMatch && method === 'GET') return this.getTemplate(templateMatch[1]);
		const modelMatch = /^\/v1\/models\/([^/]+)$/.exec(path);
		if (modelMatch && method === 'GET') {
			return this.models.has(modelMatch[1])
				? { status: 200, body: { model: { id: modelMatch[1], name: 'Test model', modelType: 'CHECKPOINT' } } }
				: rpcError(404, NOT_FOUND, 'model not found');
		}
		return rpcError(404, NOT_FOUND, 'Not Found');
	}

	/** Bearer key, or TAMS-SHA256-RSA over METHOD\nPATH\nTIMESTAMP\nNONCE\nBODY as received. */
	private authenticate(request: SimRequest): { app: string } | { reply: SimReply } {
		const header = String(request.headers.authorization ?? '');
		const bearer = /^Bearer (.+)$/.exec(header);
		if (bearer) return this.apiKeys.has(bearer[1]) ? { app: `key:${bearer[1]}` } : { reply: { status: 404, body: APP_NOT_FOUND } };
		const rsa = /^TAMS-SHA256-RSA (.+)$/.exec(header);
		if (!rsa) return { reply: { status: 404, body: BAD_AUTH_HEADER } };
		const fields = new Map(
			rsa[1].split(',').map((pair) => {
				const at = pair.indexOf('=');
				return [pair.slice(0, at).trim(), pair.slice(at + 1)] as const;
			}),
		);
		const [appId, nonce, timestamp, signature] = ['app_id', 'nonce_str', 'timestamp', 'signature'].map((name) => fields.get(name));
		if (!appId || !nonce || !timestamp || !signature) return { reply: { status: 404, body: BAD_AUTH_HEADER } };
		const publicKey = this.rsaApps.get(appId);
		if (!publicKey) return { reply: { status: 404, body: APP_NOT_FOUND } };
		if (Math.abs(Date.now() / 1000 - Number(timestamp)) > SIGNATURE_MAX_AGE_SECONDS) {
			return { reply: rpcError(401, UNAUTHENTICATED, 'signature expired') };
		}
		const query = request.query.toString();
		const signed = [request.method, `${request.path}${query ? `?${query}` : ''}`, timestamp, nonce, request.rawBody.toString('utf8')].join('\n');
		if (!verify('sha256', Buffer.from(signed, 'utf8'), publicKey, Buffer.from(signature, 'base64'))) {
			return { reply: rpcError(401, UNAUTHENTICATED, 'invalid signature') };
		}
		this.verifiedSignatures++;
		return { app: `rsa:${appId}` };
	}

	private overRateLimit(app: string): boolean {
		if (this.rateLimitPerSecond === undefined) return false;
		const now = Date.now();
		const recent = (this.recentRequests.get(app) ?? []).filter((at) => now - at < 1000);
		recent.push(now);
		this.recentRequests.set(app, recent);
		return recent.length > this.rateLimitPerSecond;
	}

	private withJson(request: SimRequest, handle: (body: Record<string, unknown>) => SimReply): SimReply {
		let body: unknown;
		try {
			body = JSON.parse(request.rawBody.toString('utf8'));
		} catch {
			return rpcError(400, INVALID_ARGUMENT, 'request body is not valid JSON');
		}
		if (typeof body !== 'object' || body === null || Array.isArray(body)) return rpcError(400, INVALID_ARGUMENT, 'request body must be an object');
		return handle(body as Record<string, unknown>);
	}

	private createFromParams(app: string, body: Record<string, unknown>, now: number): SimReply {
		const problem = paramsProblem(body.params);
		if (problem) return problem;
		return this.create(app, body, body.params as Record<string, TamsNode>, now);
	}

	private createFromTemplate(app: string, body: Record<string, unknown>, now: number): SimReply {
		const templateId = String(body.templateId ?? '');
		const template = this.templates.get(templateId);
		if (!template) return rpcError(404, NOT_FOUND, 'template not found');
		const params = structuredClone(template.params);
		const fieldAttrs = ((body.fields as { fieldAttrs?: unknown } | undefined)?.fieldAttrs ?? []) as Array<Record<string, unknown>>;
		for (const { nodeId, fieldName, fieldValue } of fieldAttrs) {
			if (!template.editable.includes(`${String(nodeId)}.${String(fieldName)}`)) {
				return rpcError(400, INVALID_ARGUMENT, `field ${String(fieldName)} of node ${String(nodeId)} is not editable in this template`);
			}
			const inputs = params[String(nodeId)].inputs!;
			inputs[String(fieldName)] = typeof inputs[String(fieldName)] === 'number' ? Number(fieldValue) : String(fieldValue);
		}
		const problem = paramsProblem(params);
		if (problem) return problem;
		return this.create(app, body, params, now, templateId);
	}

	private create(app: string, body: Record<string, unknown>, params: Record<string, TamsNode>, now: number, templateId?: string): SimReply {
		const requestId = body.requestId;
		if (typeof requestId !== 'string' || requestId === '') return rpcError(400, INVALID_ARGUMENT, 'requestId is required');
		// Idempotency: the same requestId from the same app is the same job.
		const existing = this.jobsByRequestId.get(`${app}\n${requestId}`);
		if (existing) return { status: 200, body: { job: this.jobJson(this.jobs.jobs.get(existing)!, now) } };

		const id = (this.nextId += BigInt(1 + Math.floor(Math.random() * 1000))).toString();
		const runningNotifyUrl = typeof body.runningNotifyUrl === 'string' ? body.runningNotifyUrl : undefined;
		const job = this.jobs.create(id, now, { app, requestId, params, credits: priceOf(params), templateId, runningNotifyUrl, outputUrls: [] });
		this.jobsByRequestId.set(`${app}\n${requestId}`, id);
		if (runningNotifyUrl) this.scheduleCallbacks(job, runningNotifyUrl);
		const created = this.jobJson(job, now);
		// Just made: created, not yet in the queue's report.
		if (created.status === 'WAITING') {
			created.status = 'CREATED';
			delete created.waitingInfo;
		}
		return { status: 200, body: { job: created } };
	}

	/**
	 * TAMS calls runningNotifyUrl as a job changes status; its body is undocumented, so the
	 * simulator sends the job as GET /v1/jobs/{id} would show it then.
	 */
	private scheduleCallbacks(job: SimJob<TamsJobExtra>, url: string): void {
		const { callback = 'onChange', queueMs, runMs, lateCallbackMs = 2000 } = job.script;
		const speed = this.server.clock.speed;
		const endMs = (queueMs + runMs) / speed;
		const plan: Record<string, number[]> = {
			onChange: [queueMs / speed, endMs],
			twice: [queueMs / speed, endMs, endMs + 50],
			late: [endMs + lateCallbackMs],
			early: [0],
			never: [],
		};
		for (const delayMs of plan[callback]) {
			// A real-time timer set when the job was made: a moment after the change, so the job shows it.
			const timer = setTimeout(() => {
				this.pendingCallbacks.delete(timer);
				void this.sendCallback(job, url);
			}, delayMs + 5);
			timer.unref();
			this.pendingCallbacks.add(timer);
		}
	}

	private async sendCallback(job: SimJob<TamsJobExtra>, url: string): Promise<void> {
		const body = { job: this.jobJson(job, this.server.clock.now()) };
		// An early call claims success: the node must not believe it.
		if (job.script.callback === 'early') body.job.status = 'SUCCESS';
		const entry: TamsCallback = { jobId: job.id, url, reportedStatus: String(body.job.status), at: Date.now() };
		this.callbacks.push(entry);
		// Tests and tools talk to loopback only.
		if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) {
			entry.answer = 'not sent: not a loopback address';
			return;
		}
		try {
			const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
			await response.arrayBuffer();
			entry.answer = response.status;
		} catch (error) {
			entry.answer = (error as Error).message;
		}
		entry.answeredAt = Date.now();
	}

	private checkParams(body: Record<string, unknown>): SimReply {
		const problem = paramsProblem(body.params);
		if (problem) return problem;
		return { status: 200, body: { valid: true, credits: priceOf(body.params as Record<string, TamsNode>) } };
	}

	private getJob(id: string, now: number): SimReply {
		const job = this.jobs.get(id, now);
		if (!job) return rpcError(404, NOT_FOUND, 'job not found');
		return { status: 200, body: { job: this.jobJson(job, now) } };
	}

	private cancelJob(id: string, now: number): SimReply {
		const job = this.jobs.get(id, now);
		if (!job) return rpcError(404, NOT_FOUND, 'job not found');
		// A finished job keeps its outcome.
		if (phaseOf(job, now) !== 'finished') job.canceledAt = now;
		return { status: 200, body: { jobId: id } };
	}

	private getTemplate(templateId: string): SimReply {
		const template = this.templates.get(templateId);
		if (!template) return rpcError(404, NOT_FOUND, 'template not found');
		const fieldAttrs = template.editable.map((key) => {
			const [nodeId, fieldName] = key.split('.');
			return { nodeId, fieldName, fieldValue: String(template.params[nodeId].inputs?.[fieldName] ?? '') };
		});
		return { status: 200, body: { templateId, name: template.name, fields: { fieldAttrs } } };
	}

	private uploadSlot(): SimReply {
		const resourceId = (this.nextId += 7n).toString();
		const token = randomBytes(8).toString('hex');
		this.uploads.set(resourceId, { token });
		return {
			status: 200,
			body: {
				resourceId,
				putUrl: `${this.server.baseUrl(this)}/storage/${resourceId}?signature=${token}`,
				headers: { 'Content-Type': 'application/octet-stream', 'x-upload-token': token },
			},
		};
	}

	private receiveUpload(resourceId: string, request: SimRequest): SimReply {
		const slot = this.uploads.get(resourceId);
		if (!slot || request.query.get('signature') !== slot.token || request.headers['x-upload-token'] !== slot.token) {
			return { status: 403, rawBody: '<Error><Code>SignatureDoesNotMatch</Code></Error>', headers: { 'content-type': 'application/xml' } };
		}
		slot.bytes = request.rawBody;
		slot.contentType = String(request.headers['content-type'] ?? '');
		return { status: 200, rawBody: '' };
	}

	/** The job as GET /v1/jobs/{id} shows it at `now`. */
	private jobJson(job: SimJob<TamsJobExtra>, now: number): Record<string, unknown> {
		const phase = phaseOf(job, now);
		const base = { id: job.id, credits: job.extra.credits };
		const stamp = (ms: number) => String(this.timeUnit === 's' ? Math.floor(ms / 1000) : ms);
		const times = { ctime: stamp(job.createdAt), mtime: stamp(Math.min(now, job.createdAt + job.script.queueMs + job.script.runMs)) };
		if (phase === 'queued') {
			const { position, length } = queuePositionOf(this.jobs, job, now);
			return { ...base, status: job.script.unknownStatus ?? 'WAITING', waitingInfo: { queueRank: String(position), queueLen: String(length) } };
		}
		if (phase === 'running') {
			const progress = progressOf(job, now);
			return {
				...base,
				status: job.script.unknownStatus ?? 'RUNNING',
				runningInfo: {
					processingImages: [{ progress }],
					workflowFinishItem: { status: 'RUNNING', progress, step: Math.floor(progress / 5), id: job.id, ...times, nodes: {}, finishedNodes: {} },
				},
			};
		}
		const outcome = outcomeOf(job);
		if (outcome === 'canceled') return { ...base, credits: 0, status: 'CANCELED' };
		if (outcome === 'failed') {
			const { reason = 'the workflow failed', code = 'FATAL_ERROR' } = job.script.failure ?? {};
			return { ...base, credits: 0, status: 'FAILED', failedInfo: { reason, code } };
		}
		const outputs = this.outputsOf(job);
		const saveNodeId = Object.keys(job.extra.params).find((nodeId) => job.extra.params[nodeId].classType === 'SaveImage') ?? '9';
		return {
			...base,
			status: 'SUCCESS',
			successInfo: {
				images: job.script.outputKind === 'video' ? [] : outputs,
				videos: job.script.outputKind === 'video' ? outputs : [],
				workflowFinishItem: {
					status: 'SUCCESS',
					progress: 100,
					step: 20,
					id: job.id,
					...times,
					nodes: { [saveNodeId]: { status: 'SUCCESS', outputUi: { images: job.script.outputKind === 'video' ? [] : outputs } } },
					finishedNodes: {},
				},
			},
		};
	}

	/** Output files are made when a job is first seen finished, as links that expire in an hour. */
	private outputsOf(job: SimJob<TamsJobExtra>) {
		const video = job.script.outputKind === 'video';
		if (job.extra.outputUrls.length === 0) {
			for (let index = 0; index < (job.script.outputCount ?? 1); index++) {
				job.extra.outputUrls.push(
					video
						? this.server.addFile(`${job.id}_${index}.mp4`, MP4_BYTES, 'video/mp4')
						: this.server.addFile(`${job.id}_${index}.png`, PNG_BYTES, 'image/png'),
				);
			}
		}
		const { width, height } = sizeOf(job.extra.params);
		const expiresAtMs = Date.now() + 3600_000;
		const expiredIn = String(
			{ epochSeconds: Math.floor(expiresAtMs / 1000), epochMs: expiresAtMs, secondsFromNow: 3600 }[this.expiredInReading],
		);
		return job.extra.outputUrls.map((url, index) => ({
			id: `${job.id}${index}`,
			url,
			expiredIn,
			meta: { image: { format: video ? 'mp4' : 'png', width, height } },
		}));
	}
}

/** What TAMS checks in params before it makes a job (seed 001's named 400s among them). */
function paramsProblem(params: unknown): SimReply | undefined {
	if (typeof params !== 'object' || params === null || Array.isArray(params) || Object.keys(params).length === 0) {
		return rpcError(400, INVALID_ARGUMENT, 'params must map node ids to nodes');
	}
	for (const [nodeId, node] of Object.entries(params as Record<string, TamsNode>)) {
		if (typeof node?.classType !== 'string' || node.classType === '') return rpcError(400, INVALID_ARGUMENT, `params.${nodeId}.classType is required`);
		const { width, height, batch_size: batchSize } = node.inputs ?? {};
		if ([width, height].some((size) => typeof size === 'number' && size % 64 !== 0)) {
			return rpcError(400, INVALID_ARGUMENT, 'invalid_height_or_width', 'invalid_height_or_width');
		}
		if (typeof batchSize === 'number' && batchSize < 1) return rpcError(400, INVALID_ARGUMENT, 'invalid_samples', 'invalid_samples');
	}
	return undefined;
}

function sizeOf(params: Record<string, TamsNode>): { width: number; height: number } {
	const latent = Object.values(params).find((node) => typeof node.inputs?.width === 'number');
	return { width: Number(latent?.inputs?.width ?? 512), height: Number(latent?.inputs?.height ?? 512) };
}

/** Credits: one per 512×512 image at 20 steps, scaled by size, count and steps. */
function priceOf(params: Record<string, TamsNode>): number {
	const { width, height } = sizeOf(params);
	const nodes = Object.values(params);
	const batch = Number(nodes.find((node) => node.inputs?.batch_size !== undefined)?.inputs?.batch_size ?? 1);
	const steps = Number(nodes.find((node) => typeof node.inputs?.steps === 'number')?.inputs?.steps ?? 20);
	return Math.max(1, Math.ceil(((width * height) / (512 * 512)) * batch * (steps / 20)));
}
