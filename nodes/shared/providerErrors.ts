import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { ZodError } from 'zod';

import type { ProviderErrorInfo, ProviderRequest } from './JobProvider';

/*
 * The errors of a call to a provider's API, each saying what went wrong, with which item, and
 * what to change. `displayName` is the provider's name as users know it ("Tensor.Art").
 */

/** Words for network failures (n8n replaces any message that names the system code itself). */
const NETWORK_FAILURES: Record<string, string> = {
	ECONNRESET: 'the connection was reset',
	ECONNREFUSED: 'the connection was refused',
	ECONNABORTED: 'the request timed out',
	ETIMEDOUT: 'the request timed out',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be looked up',
};

export interface ErrorPlace {
	node: INode;
	displayName: string;
	itemIndex: number | undefined;
	/** Where the user sets the API's address (JobProvider.addressField), for the hints that point there. */
	addressField: string;
}

/** The field that holds the address `request` went to, as a hint names it. */
const addressOf = (place: ErrorPlace, request?: ProviderRequest) => request?.addressField ?? place.addressField;

/** The provider refused the request (4xx) or failed it (5xx) with an error reply. */
export function apiError(
	{ node, displayName, itemIndex }: ErrorPlace,
	request: ProviderRequest,
	statusCode: number,
	body: unknown,
	info: ProviderErrorInfo,
	jobNote: string | undefined,
	askedWaitMs: number | undefined,
	credentialAdvice: string,
): NodeApiError {
	const hints: string[] = [];
	if (info.description) hints.push(info.description);
	if (info.problem === 'credentials') hints.push(credentialAdvice);
	if (jobNote) hints.push(jobNote);
	return new NodeApiError(node, asJsonObject(body), {
		message: `${displayName} could not ${request.purpose}: ${info.message}`,
		description: hints.join(' '),
		httpCode: String(statusCode),
		itemIndex,
		failure: failureOf(info, askedWaitMs),
	});
}

export function networkError(place: ErrorPlace, request: ProviderRequest, code: string | undefined, jobNote: string | undefined): NodeApiError {
	const { node, displayName, itemIndex } = place;
	const reason = NETWORK_FAILURES[code ?? ''] ?? 'a network error occurred';
	const description = jobNote ?? `Check that ${addressOf(place, request)} is right and reachable from n8n, then run the node again.`;
	return new NodeApiError(
		node,
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
export function uncertainOutcomeHint(displayName: string, request: ProviderRequest, sentAgain: boolean): string {
	const sent = sentAgain
		? `${displayName} makes one job per request however often it is sent, and it was sent as often as allowed.`
		: 'It was not sent again, to avoid a duplicate.';
	return `The request may have reached ${displayName}, so a job may exist and be charged although this node got no readable answer. ${sent} ${request.uncertainOutcomeHint ?? `Check your ${displayName} jobs before running this item again.`}`;
}

export function malformedReplyError(place: ErrorPlace, request: ProviderRequest, body: unknown, jobNote: string | undefined): NodeApiError {
	const { node, displayName, itemIndex } = place;
	return new NodeApiError(node, asJsonObject(body), {
		message: `${displayName} could not ${request.purpose}: the reply is not valid JSON`,
		description: jobNote ?? `The reply stayed garbled after several tries. Check that ${addressOf(place, request)} points at the ${displayName} API.`,
		itemIndex,
		failure: { cause: 'temporarily-unavailable' },
	});
}

/** `location` is already scrubbed of secrets; its query is cut off here, as a redirect may carry the key. */
export function redirectError(place: ErrorPlace, request: ProviderRequest, statusCode: number, location: string): NodeApiError {
	const { node, displayName, itemIndex } = place;
	const shown = location.split('?')[0];
	return new NodeApiError(
		node,
		{ location: shown },
		{
			message: `${displayName} could not ${request.purpose}: the server redirected to ${shown}`,
			description: `Redirects are not followed, so the API key is never sent to another address. Set ${addressOf(place, request)} to the address the API really answers on.`,
			httpCode: String(statusCode),
			itemIndex,
			failure: { cause: 'configuration-invalid' },
		},
	);
}

/** A reply the adapter's schema refused: names the first fields that are off. */
export function responseShapeError(place: ErrorPlace, error: unknown, body: unknown, jobNote: string | undefined): NodeApiError {
	const { node, displayName, itemIndex } = place;
	let detail = 'the reply is not the documented job shape';
	if (error instanceof ZodError) {
		detail = error.issues
			.slice(0, 3)
			.map((issue) => `field "${issue.path.join('.') || '(root)'}" ${issue.message.toLowerCase()}`)
			.join('; ');
	}
	return new NodeApiError(node, asJsonObject(body), {
		message: `${displayName} answered with a job this node cannot read: ${detail}`,
		description: [jobNote, `The API may have changed, or ${addressOf(place)} may point at something that is not the ${displayName} API.`]
			.filter(Boolean)
			.join(' '),
		itemIndex,
		failure: { cause: 'temporarily-unavailable' },
	});
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
