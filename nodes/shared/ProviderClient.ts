import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { ZodError } from 'zod';

import type { NormalizedJob } from './JobItem';
import { isFinalStatus } from './JobItem';
import type { JobProvider, JobRef, ProviderErrorInfo, ProviderRequest } from './JobProvider';
import { baseUrlProblem } from './linkPolicy';
import { secretValues, withoutSecrets } from './secrets';
import { RequestBudget, Sleeper, backoffDelayMs, retryAfterMs } from './timing';

export type ApiContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions | IWebhookFunctions;

export interface ClientOptions {
	requestTimeoutMs?: number;
	requestsPerSecond?: number;
	signal?: AbortSignal;
}

export interface CallOptions {
	itemIndex?: number;
	/**
	 * The time (epoch ms) the call must be made by: failed reads are retried until then, and a turn
	 * of the request budget that would come later is not waited for. Without it a call tries a few times.
	 */
	deadline?: number;
	/** An earlier read of this wait found the job, so a "not found" now means it was removed. */
	jobSeenBefore?: boolean;
}

interface FullResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
	/** The reply was text that is not JSON where JSON was due (a cut-off or garbled reply). */
	malformed?: boolean;
}

/** A job as read from the provider, and whether its status word was one this package knows. */
export interface JobReading {
	job: NormalizedJob;
	knownStatus: boolean;
}

const MAX_ATTEMPTS = 5;

/** What a call returns, at its deadline, when the run's request budget had no turn for it before then. */
export const DEADLINE_REACHED = Symbol('deadline reached');

/** Words for network failures (n8n replaces any message that names the system code itself). */
const NETWORK_FAILURES: Record<string, string> = {
	ECONNRESET: 'the connection was reset',
	ECONNREFUSED: 'the connection was refused',
	ECONNABORTED: 'the request timed out',
	ETIMEDOUT: 'the request timed out',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be looked up',
};

/** Network failures after which the request cannot have reached the provider. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/**
 * The one door to a provider's API: authentication through the credential, the shared request
 * budget, retries, and provider error bodies turned into errors a user can act on.
 */
export class ProviderClient {
	readonly signal: AbortSignal;

	/** The pace of the run's request budget, before any 429 slows it. */
	readonly requestsPerSecond: number;

	private readonly budget: RequestBudget;

	private readonly sleeper: Sleeper;

	private credentials?: Promise<ICredentialDataDecryptedObject>;

	/** The credential's base URL, once the first request has read and checked it. */
	baseUrl?: string;

	/** The credential read once for the run: without it n8n loads and decrypts it again for every request. */
	private credentialsDecrypted?: ICredentialsDecrypted;

	/** Secret values of the credential, cut out of every reply. */
	private secrets: string[] = [];

	/** What to check when the provider refuses the credential. */
	private credentialAdvice = '';

	constructor(
		private readonly ctx: ApiContext,
		readonly provider: JobProvider,
		private readonly options: ClientOptions = {},
	) {
		this.signal = options.signal ?? new AbortController().signal;
		this.sleeper = new Sleeper(this.signal);
		this.requestsPerSecond = options.requestsPerSecond ?? provider.waitDefaults.requestsPerSecond;
		this.budget = new RequestBudget(this.requestsPerSecond);
	}

	async sleep(ms: number): Promise<void> {
		await this.sleeper.sleep(ms);
	}

	async getJob(ref: JobRef, options: Omit<CallOptions, 'deadline'> & { includeRaw?: boolean } = {}): Promise<JobReading> {
		const body = await this.request(this.provider.getJobRequest(ref), options);
		return this.toNormalizedJob(body, ref, options);
	}

	/** Reads a provider job response (of `createdBy`, for a create's reply) into the normalized item. */
	toNormalizedJob(
		body: unknown,
		ref: JobRef | undefined,
		{ itemIndex, includeRaw }: CallOptions & { includeRaw?: boolean },
		createdBy?: ProviderRequest,
	): JobReading {
		let snapshot;
		try {
			snapshot = ref || !this.provider.readCreatedJob ? this.provider.readJob(body, ref) : this.provider.readCreatedJob(body);
		} catch (error) {
			// The create succeeded, so its job exists although its reply cannot be read.
			throw this.responseShapeError(error, body, itemIndex, createdBy && this.uncertainOutcomeHint(createdBy, false));
		}
		const mapped = this.provider.mapStatus(snapshot.providerStatus);
		const status = mapped ?? 'running';
		const job: NormalizedJob = {
			provider: this.provider.name,
			jobId: snapshot.jobId,
			status,
			done: isFinalStatus(status),
			providerStatus: snapshot.providerStatus,
			progress: snapshot.progress ?? null,
			queue: snapshot.queue ?? null,
			outputs: snapshot.outputs ?? [],
			error: snapshot.error ?? null,
			cost: snapshot.cost ?? null,
			createdAt: snapshot.createdAt ?? null,
			updatedAt: snapshot.updatedAt ?? null,
			finishedAt: snapshot.finishedAt ?? null,
			estimatedSecondsLeft: snapshot.estimatedSecondsLeft ?? null,
			nextCheckInSeconds: null,
			workflowId: snapshot.workflowId ?? ref?.workflowId ?? null,
		};
		if (includeRaw) job.raw = this.provider.readableRaw ? this.provider.readableRaw(body) : body;
		return { job, knownStatus: mapped !== undefined };
	}

	async request(request: ProviderRequest, { itemIndex, deadline, jobSeenBefore }: CallOptions = {}): Promise<unknown> {
		const credentials = await this.getCredentials();
		if (this.baseUrl === undefined) {
			this.baseUrl = this.checkedBaseUrl(credentials, itemIndex);
			this.secrets = secretValues(credentials, this.provider.secretFields);
			this.credentialAdvice =
				this.provider.credentialAdvice?.(credentials) ??
				`Check the ${this.provider.displayName} credential: the API key (and the base URL it is used with) must belong to an active account.`;
			const { credentialType } = this.provider;
			const ref = this.ctx.getNode().credentials?.[credentialType];
			this.credentialsDecrypted = { id: ref?.id ?? '', name: ref?.name ?? '', type: credentialType, data: credentials };
		}
		const replayable = request.method === 'GET' || request.replayable === true;
		// Once a try of a create may have reached the provider, any failure of it says a job may exist.
		const startsJob = !replayable || request.uncertainOutcomeHint !== undefined;
		let mayHaveStartedJob = false;
		const jobNote = () => (mayHaveStartedJob ? this.uncertainOutcomeHint(request, replayable) : undefined);
		for (let attempt = 1; ; attempt++) {
			if (!(await this.budget.acquire(this.sleeper, deadline))) {
				// Many items share the budget: the deadline holds for each of them as for a single one.
				await this.sleep(deadline! - Date.now());
				return DEADLINE_REACHED;
			}
			const canRetryFor = (waitMs: number) =>
				deadline === undefined ? attempt < MAX_ATTEMPTS : Date.now() + waitMs < deadline;

			let response: FullResponse;
			try {
				response = await this.send(request);
			} catch (error) {
				if (this.signal.aborted) throw new NodeOperationError(this.ctx.getNode(), 'The execution was canceled', { itemIndex });
				const code = networkErrorCode(error);
				const reachedServer = !NOT_SENT_CODES.has(code ?? '');
				mayHaveStartedJob ||= startsJob && reachedServer;
				const waitMs = backoffDelayMs(attempt);
				if ((replayable || !reachedServer) && canRetryFor(waitMs)) {
					await this.sleep(waitMs);
					continue;
				}
				throw this.networkError(request, code, jobNote(), itemIndex);
			}

			const { statusCode, headers, body } = response;
			// A 5xx or a garbled success may come after the job was made; a 4xx (429 too) is a refusal.
			mayHaveStartedJob ||= startsJob && (statusCode >= 500 || (statusCode < 300 && response.malformed === true));
			if (statusCode >= 200 && statusCode < 300 && response.malformed) {
				const waitMs = backoffDelayMs(attempt);
				if (replayable && canRetryFor(waitMs)) {
					await this.sleep(waitMs);
					continue;
				}
				throw this.malformedReplyError(request, body, jobNote(), itemIndex);
			}
			if (statusCode >= 200 && statusCode < 300) return body;
			if (statusCode >= 300 && statusCode < 400) throw this.redirectError(request, response, itemIndex);

			const info = this.provider.readError(statusCode, body);
			if (info.problem === 'notFound' && jobSeenBefore) {
				info.description = `An earlier check of this wait found the job, so ${this.provider.displayName} has removed it since (deleted, or cleaned up after it ended or expired). Create it again if its outputs are still needed.`;
			}
			// A 429 was refused before any work was done, so even a create may be sent again.
			const retryable = statusCode === 429 || (statusCode >= 500 && replayable);
			const askedWaitMs = retryAfterMs(headers);
			if (statusCode === 429) this.budget.pauseFor(askedWaitMs ?? backoffDelayMs(attempt));
			const waitMs = askedWaitMs ?? backoffDelayMs(attempt);
			if (retryable && canRetryFor(waitMs)) {
				await this.sleep(waitMs);
				continue;
			}
			throw this.apiError(request, statusCode, body, info, jobNote(), itemIndex, askedWaitMs);
		}
	}

	private async send(request: ProviderRequest): Promise<FullResponse> {
		const options: IHttpRequestOptions = {
			method: request.method,
			baseURL: this.baseUrl,
			url: request.path,
			qs: request.qs,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// A redirect to another host would carry the API key there.
			disableFollowRedirect: true,
			timeout: this.options.requestTimeoutMs ?? 60_000,
		};
		if (request.body !== undefined) {
			// Serialized once here, so a request signature covers exactly the bytes sent.
			options.body = JSON.stringify(request.body);
			options.headers = { 'Content-Type': 'application/json' };
		} else if (request.formData !== undefined) {
			options.body = request.formData;
		}
		// A reply that quotes a key (an echoed header, a debug field) must not carry it into items or errors.
		const response = withoutSecrets(
			(await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, this.provider.credentialType, options, {
				credentialsDecrypted: this.credentialsDecrypted,
			})) as FullResponse,
			this.secrets,
		);
		if (typeof response.body !== 'string' || response.body.trim() === '') return response;
		try {
			return { ...response, body: JSON.parse(response.body) };
		} catch {
			return { ...response, malformed: true };
		}
	}

	private async getCredentials(): Promise<ICredentialDataDecryptedObject> {
		this.credentials ??= this.ctx.getCredentials(this.provider.credentialType);
		return await this.credentials;
	}

	private checkedBaseUrl(credentials: ICredentialDataDecryptedObject, itemIndex: number | undefined): string {
		const problem = this.provider.credentialProblem?.(credentials) ?? baseUrlProblem(this.provider.baseUrl(credentials));
		if (problem) {
			const name = this.ctx.getNode().credentials?.[this.provider.credentialType]?.name;
			throw new NodeOperationError(this.ctx.getNode(), `The ${this.provider.displayName} credential${name ? ` "${name}"` : ''} cannot be used: ${problem}`, {
				itemIndex,
				description: `Open the credential and correct it; nothing was sent to ${this.provider.displayName}.`,
			});
		}
		const baseUrl = this.provider.baseUrl(credentials);
		if (!/^https?:\/\/[^/\s]+/i.test(baseUrl)) {
			throw new NodeOperationError(this.ctx.getNode(), `The base URL in the ${this.provider.displayName} credential is not an http(s) address`, {
				itemIndex,
				description: `Set it to an address starting with https:// (or http:// for a local proxy), e.g. the provider's default.`,
			});
		}
		return baseUrl;
	}

	private apiError(
		request: ProviderRequest,
		statusCode: number,
		body: unknown,
		info: ProviderErrorInfo,
		jobNote: string | undefined,
		itemIndex: number | undefined,
		askedWaitMs: number | undefined,
	): NodeApiError {
		const { displayName } = this.provider;
		const hints: string[] = [];
		if (info.description) hints.push(info.description);
		if (info.problem === 'credentials') hints.push(this.credentialAdvice);
		if (jobNote) hints.push(jobNote);
		return new NodeApiError(this.ctx.getNode(), asJsonObject(body), {
			message: `${displayName} could not ${request.purpose}: ${info.message}`,
			description: hints.join(' '),
			httpCode: String(statusCode),
			itemIndex,
			failure: failureOf(info, askedWaitMs),
		});
	}

	private networkError(
		request: ProviderRequest,
		code: string | undefined,
		jobNote: string | undefined,
		itemIndex: number | undefined,
	): NodeApiError {
		const { displayName } = this.provider;
		const reason = NETWORK_FAILURES[code ?? ''] ?? 'a network error occurred';
		const description =
			jobNote ?? `Check that the base URL in the ${displayName} credential is right and reachable from n8n, then run the node again.`;
		return new NodeApiError(
			this.ctx.getNode(),
			// Neither under `code` nor in the message: NodeApiError would swap our message for its generic one.
			{ networkError: code ?? 'unknown' },
			{
				message: `${displayName} could not ${request.purpose}: ${reason}`,
				description,
				itemIndex,
				failure: { cause: 'temporarily-unavailable' },
			},
		);
	}

	/** Said wherever a request that starts paid work may or may not have reached the provider. */
	private uncertainOutcomeHint(request: ProviderRequest, replayable: boolean): string {
		const { displayName } = this.provider;
		const sent = replayable
			? `${displayName} makes one job per request however often it is sent, and it was sent as often as allowed.`
			: 'It was not sent again, to avoid a duplicate.';
		return `The request may have reached ${displayName}, so a job may exist and be charged although this node got no readable answer. ${sent} ${request.uncertainOutcomeHint ?? `Check your ${displayName} jobs before running this item again.`}`;
	}

	private malformedReplyError(request: ProviderRequest, body: unknown, jobNote: string | undefined, itemIndex: number | undefined): NodeApiError {
		const { displayName } = this.provider;
		return new NodeApiError(this.ctx.getNode(), asJsonObject(body), {
			message: `${displayName} could not ${request.purpose}: the reply is not valid JSON`,
			description:
				jobNote ??
				`The reply stayed garbled after several tries. Check that the base URL in the ${displayName} credential points at the ${displayName} API.`,
			itemIndex,
			failure: { cause: 'temporarily-unavailable' },
		});
	}

	private redirectError(request: ProviderRequest, response: FullResponse, itemIndex: number | undefined): NodeApiError {
		// Without its query, and scrubbed: a redirect may carry the key it was sent with.
		const location = redactQuery(withoutSecrets(String(response.headers.location ?? 'another address'), this.secrets));
		return new NodeApiError(
			this.ctx.getNode(),
			{ location },
			{
				message: `${this.provider.displayName} could not ${request.purpose}: the server redirected to ${location}`,
				description: `Redirects are not followed, so the API key is never sent to another address. Set the base URL in the ${this.provider.displayName} credential to the address the API really answers on.`,
				httpCode: String(response.statusCode),
				itemIndex,
				failure: { cause: 'configuration-invalid' },
			},
		);
	}

	private responseShapeError(error: unknown, body: unknown, itemIndex: number | undefined, jobNote: string | undefined): NodeApiError {
		const { displayName } = this.provider;
		let detail = 'the reply is not the documented job shape';
		if (error instanceof ZodError) {
			detail = error.issues
				.slice(0, 3)
				.map((issue) => `field "${issue.path.join('.') || '(root)'}" ${issue.message.toLowerCase()}`)
				.join('; ');
		}
		return new NodeApiError(
			this.ctx.getNode(),
			asJsonObject(body),
			{
				message: `${displayName} answered with a job this node cannot read: ${detail}`,
				description: [jobNote, `The API may have changed, or the base URL may point at something that is not the ${displayName} API.`]
					.filter(Boolean)
					.join(' '),
				itemIndex,
				failure: { cause: 'temporarily-unavailable' },
			},
		);
	}
}

function asJsonObject(body: unknown): JsonObject {
	return typeof body === 'object' && body !== null && !Array.isArray(body)
		? (body as JsonObject)
		: { body: typeof body === 'string' ? body.slice(0, 500) : null };
}

function failureOf(info: ProviderErrorInfo, askedWaitMs: number | undefined) {
	switch (info.problem) {
		case 'credentials':
			return { cause: 'credential-invalid' as const };
		case 'rateLimited':
			return { cause: 'rate-limited' as const, retryAfterMs: askedWaitMs };
		case 'unavailable':
			return { cause: 'temporarily-unavailable' as const };
		default:
			return { cause: 'configuration-invalid' as const };
	}
}

/** The system error code (ECONNRESET …) somewhere in the chain of wrapped errors. */
function networkErrorCode(error: unknown): string | undefined {
	for (let current = error, depth = 0; current && depth < 5; depth++) {
		const { code, cause } = current as { code?: unknown; cause?: unknown };
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		current = cause;
	}
	return undefined;
}

function redactQuery(url: string): string {
	return url.split('?')[0];
}
