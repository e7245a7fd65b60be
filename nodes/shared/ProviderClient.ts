import { NodeOperationError } from 'n8n-workflow';

import type { JobProvider, JobRef, ProviderRequest } from './JobProvider';
import type { JobReading } from './normalize';
import { readSnapshot, toNormalizedJob } from './normalize';
import type { ErrorPlace } from './providerErrors';
import { apiError, malformedReplyError, networkError, redirectError, retryAfterTooLongError, uncertainOutcomeHint } from './providerErrors';
import type { SendOutcome } from './retryRule';
import { decideRetry, requestKind } from './retryRule';
import { RequestBudget, Sleeper, backoffDelayMs, retryAfterMs } from './timing';
import type { ApiContext, Reply } from './transport';
import { ProviderTransport } from './transport';

export type { ApiContext } from './transport';
export type { JobReading } from './normalize';

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

/** The provider's answer to a call. */
export interface Answered {
	answered: true;
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/**
 * A call with a deadline that got no answer before it: its turn in the run's request budget
 * would have come after it (nothing was sent), or the deadline cut the request off (`cutOff`).
 */
export interface NoTurnBeforeDeadline {
	answered: false;
	cutOff?: boolean;
}

export type CallResult = Answered | NoTurnBeforeDeadline;

const MAX_ATTEMPTS = 5;

/** The longest Retry-After a call without a deadline waits out (with one, the time left). */
export const MAX_RETRY_AFTER_MS = 60_000;

/** Timers may fire a little early: a request cut off this close to its deadline was cut by it. */
const DEADLINE_SLACK_MS = 20;

/** Network failures after which the request cannot have reached the provider. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/**
 * A provider's API as the actions use it: each call goes through the run's one transport and
 * request budget, is retried by the retry rule, and provider error replies become errors a user
 * can act on.
 */
export class ProviderClient {
	readonly signal: AbortSignal;

	/** The pace of the run's request budget, before any 429 slows it. */
	readonly requestsPerSecond: number;

	private readonly budget: RequestBudget;

	private readonly sleeper: Sleeper;

	private readonly transport: ProviderTransport;

	constructor(
		private readonly ctx: ApiContext,
		readonly provider: JobProvider,
		options: ClientOptions = {},
	) {
		this.signal = options.signal ?? new AbortController().signal;
		this.sleeper = new Sleeper(this.signal);
		this.requestsPerSecond = options.requestsPerSecond ?? provider.waitDefaults.requestsPerSecond;
		this.budget = new RequestBudget(this.requestsPerSecond);
		this.transport = new ProviderTransport(ctx, provider, options.requestTimeoutMs);
	}

	/** The credential's base URL, once the first request has read and checked it. */
	get baseUrl(): string | undefined {
		return this.transport.baseUrl;
	}

	async sleep(ms: number): Promise<void> {
		await this.sleeper.sleep(ms);
	}

	async getJob(ref: JobRef, options: Omit<CallOptions, 'deadline'> & { includeRaw?: boolean } = {}): Promise<JobReading> {
		const { body } = await this.request(this.provider.getJobRequest(ref), options);
		return await this.readJob(body, ref, options);
	}

	/**
	 * Reads a job reply into the normalized item, with its result fetched where the provider keeps
	 * the outputs of a succeeded job apart. A result the deadline left no turn for is not waited for.
	 */
	async readJob(body: unknown, ref: JobRef, options: CallOptions & { includeRaw?: boolean }): Promise<JobReading> {
		const snapshot = readSnapshot(this.provider, this.placeOf(options.itemIndex), body, ref);
		const reading = toNormalizedJob(this.provider, this.placeOf(options.itemIndex), body, ref, options, snapshot);
		const resultRequest = reading.job.status === 'succeeded' ? this.provider.resultRequest?.(ref, body) : undefined;
		if (!resultRequest || !this.provider.readResult) return reading;
		const result = await this.request({ ...resultRequest, refusalIsAnswer: true }, options);
		if (!result.answered) return reading;
		const finished = toNormalizedJob(this.provider, this.placeOf(options.itemIndex), body, ref, options, this.provider.readResult(snapshot, result));
		if (options.includeRaw) finished.job.raw = { status: finished.job.raw, result: result.body };
		return finished;
	}

	/** Reads a provider job reply (of `createdBy`, for a create's reply) into the normalized item. */
	toNormalizedJob(
		body: unknown,
		ref: JobRef | undefined,
		{ itemIndex, includeRaw }: CallOptions & { includeRaw?: boolean },
		createdBy?: ProviderRequest,
	): JobReading {
		return toNormalizedJob(this.provider, this.placeOf(itemIndex), body, ref, { includeRaw, createdBy });
	}

	/** Sends `request` until the retry rule accepts an answer or gives up, which throws. */
	async request(request: ProviderRequest, options?: CallOptions & { deadline?: undefined }): Promise<Answered>;
	async request(request: ProviderRequest, options: CallOptions): Promise<CallResult>;
	async request(request: ProviderRequest, { itemIndex, deadline, jobSeenBefore }: CallOptions = {}): Promise<CallResult> {
		await this.transport.connect(itemIndex, request);
		const refusal = this.transport.credentialRefusal(request);
		if (refusal) {
			throw new NodeOperationError(this.ctx.getNode(), `${this.provider.displayName} could not ${request.purpose}: ${refusal.reason}`, { itemIndex, description: refusal.advice });
		}
		const place = this.placeOf(itemIndex);
		const kind = requestKind(request);
		let jobMayExist = false;
		const jobNote = () => (jobMayExist ? uncertainOutcomeHint(this.provider.displayName, request, kind !== 'create') : undefined);
		for (let attempt = 1; ; attempt++) {
			if (!(await this.budget.acquire(this.sleeper, deadline))) {
				// Many items share the budget: the deadline holds for each of them as for a single one.
				await this.sleep(deadline! - Date.now());
				return { answered: false };
			}
			const canRetryFor = (waitMs: number) =>
				deadline === undefined ? attempt < MAX_ATTEMPTS : Date.now() + waitMs < deadline;

			// A request of a wait gets no longer than the wait's time left, so the Timeout holds.
			const timeLeftMs = deadline === undefined ? Infinity : deadline - Date.now();
			const cutByDeadline = timeLeftMs < this.transport.requestTimeout;
			let reply: Reply;
			try {
				reply = await this.transport.send(request, cutByDeadline ? Math.max(1, timeLeftMs) : undefined);
			} catch (error) {
				if (this.signal.aborted) throw new NodeOperationError(this.ctx.getNode(), 'The execution was canceled', { itemIndex });
				if (cutByDeadline && Date.now() >= deadline! - DEADLINE_SLACK_MS) return { answered: false, cutOff: true };
				const code = networkErrorCode(error);
				const decision = decideRetry(kind, NOT_SENT_CODES.has(code ?? '') ? 'notSent' : 'lostAnswer');
				jobMayExist ||= decision.jobMayExist;
				const waitMs = backoffDelayMs(attempt);
				if (decision.then === 'retry' && canRetryFor(waitMs)) {
					await this.sleep(waitMs);
					continue;
				}
				throw networkError(place, request, code, jobNote());
			}

			const { statusCode, headers, body } = reply;
			const outcome = outcomeOf(reply);
			const decision = decideRetry(kind, outcome);
			jobMayExist ||= decision.jobMayExist;
			if (decision.then === 'accept' || (outcome === 'refused' && this.refusalIsAnswer(request, statusCode, body))) {
				return { answered: true, statusCode, headers, body };
			}
			const askedWaitMs = outcome === 'garbledAnswer' ? undefined : retryAfterMs(headers);
			const waitMs = askedWaitMs ?? backoffDelayMs(attempt);
			if (decision.then === 'wait') {
				// The longest this call may wait: the rest of its wait, or a fixed ceiling outside one.
				const mayWaitMs = deadline === undefined ? MAX_RETRY_AFTER_MS : Math.max(0, deadline - Date.now());
				// A 429 slows every item of the run, not just this one, for no longer than the ceiling either.
				this.budget.pauseFor(Math.min(waitMs, mayWaitMs, MAX_RETRY_AFTER_MS));
				if (askedWaitMs !== undefined && askedWaitMs > mayWaitMs) {
					throw retryAfterTooLongError(place, request, askedWaitMs, mayWaitMs, deadline !== undefined, jobNote());
				}
			}
			if (decision.then !== 'fail' && canRetryFor(waitMs)) {
				await this.sleep(waitMs);
				continue;
			}
			if (outcome === 'garbledAnswer') throw malformedReplyError(place, request, statusCode, body, jobNote());
			if (outcome === 'redirected') {
				throw redirectError(place, request, statusCode, this.transport.scrub(String(headers.location ?? 'another address')));
			}
			const info = this.provider.readError(statusCode, body);
			if (info.problem === 'notFound' && jobSeenBefore) {
				info.description = `An earlier check of this wait found the job, so ${this.provider.displayName} has removed it since (deleted, or cleaned up after it ended or expired). Create it again if its outputs are still needed.`;
			}
			throw apiError(place, request, statusCode, body, info, jobNote(), askedWaitMs, this.transport.credentialAdvice);
		}
	}

	/** A refusal the request takes as its answer: not of the credential, the address or the rate. */
	private refusalIsAnswer(request: ProviderRequest, statusCode: number, body: unknown): boolean {
		return request.refusalIsAnswer === true && !['credentials', 'notFound', 'rateLimited'].includes(this.provider.readError(statusCode, body).problem);
	}

	private placeOf(itemIndex: number | undefined): ErrorPlace {
		return { node: this.ctx.getNode(), displayName: this.provider.displayName, itemIndex, addressField: this.transport.addressField };
	}
}

function outcomeOf({ statusCode, malformed }: Reply): SendOutcome {
	if (statusCode >= 200 && statusCode < 300) return malformed ? 'garbledAnswer' : 'answered';
	if (statusCode >= 300 && statusCode < 400) return 'redirected';
	if (statusCode === 429) return 'rateLimited';
	return statusCode >= 500 ? 'serverError' : 'refused';
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
