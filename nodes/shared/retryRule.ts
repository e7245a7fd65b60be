import type { ProviderRequest } from './JobProvider';

/**
 * What a request does, as far as sending it again goes:
 * - `read`: asks or changes nothing that costs (a GET, a cancel, an upload slot): safe to repeat;
 * - `deduplicatedCreate`: starts a job, but the provider makes one job per request however often
 *   it is sent (TAMS's `requestId`);
 * - `create`: starts a job, and a second send would start a second one.
 */
export type RequestKind = 'read' | 'deduplicatedCreate' | 'create';

/** What came of one send of a request. */
export type SendOutcome =
	/** The connection was refused or the host not found: nothing reached the provider. */
	| 'notSent'
	/** The connection broke or timed out after the request may have arrived. */
	| 'lostAnswer'
	/** A 2xx whose body is not the JSON it should be (cut off, garbled). */
	| 'garbledAnswer'
	| 'answered'
	| 'redirected'
	| 'rateLimited'
	| 'serverError'
	/** Any other 4xx: the provider looked at the request and said no. */
	| 'refused';

export interface RetryDecision {
	/**
	 * `accept` the answer; `retry` after a backoff; `wait` as long as the provider asks (the whole
	 * run's request budget pauses), then send again; `fail` with an error.
	 */
	then: 'accept' | 'retry' | 'wait' | 'fail';
	/** This send may have started a job although no readable answer came back. */
	jobMayExist: boolean;
}

/**
 * The retry rule. Never send a create again once it may have reached the provider: a replayed
 * create runs (and charges) the job twice. Everything else may be sent again, and a 429 was
 * refused before any work, so it is waited out whatever the request.
 *
 * | what happened ↓ / request →      | read   | deduplicatedCreate     | create                |
 * | -------------------------------- | ------ | ---------------------- | --------------------- |
 * | notSent (refused, unknown host)  | retry  | retry                  | retry                 |
 * | lostAnswer (reset, timeout)      | retry  | retry, job may exist   | fail, job may exist   |
 * | garbledAnswer (2xx, not JSON)    | retry  | retry, job may exist   | fail, job may exist   |
 * | serverError (5xx)                | retry  | retry, job may exist   | fail, job may exist   |
 * | rateLimited (429)                | wait   | wait                   | wait                  |
 * | refused (other 4xx)              | fail   | fail                   | fail                  |
 * | redirected (3xx, not followed)   | fail   | fail                   | fail                  |
 * | answered (2xx)                   | accept | accept                 | accept                |
 *
 * Retries stop at the call's deadline, or after a few tries without one.
 */
export function decideRetry(kind: RequestKind, outcome: SendOutcome): RetryDecision {
	switch (outcome) {
		case 'answered':
			return { then: 'accept', jobMayExist: false };
		case 'notSent':
			return { then: 'retry', jobMayExist: false };
		case 'rateLimited':
			return { then: 'wait', jobMayExist: false };
		case 'refused':
		case 'redirected':
			return { then: 'fail', jobMayExist: false };
		case 'lostAnswer':
		case 'garbledAnswer':
		case 'serverError':
			return { then: kind === 'create' ? 'fail' : 'retry', jobMayExist: kind !== 'read' };
	}
}

/**
 * The kind of a request. A request that names where to look for a job it may have made starts
 * one, whatever its method (an API may create on GET): it is a `create` unless the provider (or
 * the user's idempotency header) de-duplicates it (`replayable`). Other requests are reads,
 * except a non-GET the provider does not de-duplicate, which is taken to start a job.
 */
export function requestKind({ method, replayable, uncertainOutcomeHint }: ProviderRequest): RequestKind {
	if (uncertainOutcomeHint !== undefined) return replayable === true ? 'deduplicatedCreate' : 'create';
	return method !== 'GET' && replayable !== true ? 'create' : 'read';
}
