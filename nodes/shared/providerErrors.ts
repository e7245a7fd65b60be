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
	/** Where the user sets the API's address, as hints name it ("the base URL in the Pixxel credential", "the URL field"). */
	addressField: string;
}

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
	// A reply that is not JSON (a proxy's HTML error page) is told by its summary, not quoted whole.
	const text = typeof body === 'string' ? textReplySummary(statusCode, body) : undefined;
	return new NodeApiError(node, asJsonObject(text ?? body), {
		message: `${displayName} could not ${request.purpose}: ${text ?? info.message}`,
		description: hints.join(' '),
		httpCode: String(statusCode),
		itemIndex,
		failure: failureOf(info, askedWaitMs),
	});
}

export function networkError(
	place: ErrorPlace,
	request: ProviderRequest,
	code: string | undefined,
	jobNote: string | undefined,
): NodeApiError {
	const { node, displayName, itemIndex } = place;
	const reason = NETWORK_FAILURES[code ?? ''] ?? 'a network error occurred';
	const description = jobNote ?? `Check that ${place.addressField} is right and reachable from n8n, then run the node again.`;
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

export function malformedReplyError(
	place: ErrorPlace,
	request: ProviderRequest,
	statusCode: number,
	body: unknown,
	jobNote: string | undefined,
): NodeApiError {
	const { node, displayName, itemIndex } = place;
	const summary = textReplySummary(statusCode, String(body));
	return new NodeApiError(node, asJsonObject(summary), {
		message: `${displayName} could not ${request.purpose}: the reply is not valid JSON (${summary})`,
		description:
			jobNote ??
			`The reply stayed garbled after several tries. Check that ${place.addressField} points at the ${displayName} API.`,
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
			description: `Redirects are not followed, so the API key is never sent to another address. Set ${place.addressField} to the address the API really answers on.`,
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
	// A 2xx holding an error object rather than a job: its own words say more than the missing fields.
	const stated = typeof body === 'object' && body !== null ? errorMessageOf(pick(body, ['error', 'errors', 'detail', 'message'])) : undefined;
	if (stated) detail += `; the reply says: ${stated.slice(0, 300)}`;
	return new NodeApiError(node, asJsonObject(body), {
		message: `${displayName} answered with a job this node cannot read: ${detail}`,
		description: [jobNote, `The API may have changed, or ${place.addressField} may point at something that is not the ${displayName} API.`]
			.filter(Boolean)
			.join(' '),
		itemIndex,
		failure: { cause: 'temporarily-unavailable' },
	});
}

const MAX_SUMMARY = 300;

/**
 * A reply that is not JSON, in at most 300 characters: its status, an HTML page's title and the
 * start of its text (a proxy's or gateway's error page), or the start of plain text.
 */
export function textReplySummary(statusCode: number, text: string): string {
	const isHtml = /<(!doctype\s+html|html|head|body|title)\b/i.test(text.slice(0, 2000));
	if (!isHtml) return `HTTP ${statusCode}, ${text.trim() === '' ? 'an empty reply' : `text "${oneLine(text).slice(0, MAX_SUMMARY - 30)}"`}`.slice(0, MAX_SUMMARY);
	const head = text.slice(0, 100_000);
	const title = oneLine(/<title[^>]*>([\s\S]*?)<\/title>/i.exec(head)?.[1] ?? '');
	const body = oneLine(head.replace(/<(script|style|title)[^>]*>[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' '));
	const start = `HTTP ${statusCode}, an HTML page${title ? ` titled "${title.slice(0, 100)}"` : ''}`;
	return (body && body !== title ? `${start}: ${body}` : start).slice(0, MAX_SUMMARY);
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The value of the first of `keys` that `value` holds with something in it. */
function pick(value: object, keys: string[]): unknown {
	return keys
		.map((key) => (Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : undefined))
		.find((entry) => entry !== undefined && entry !== null && entry !== '');
}

/** A readable message from an error value: text, a list of them or of FastAPI's `{loc, msg}`, or an object's message. */
export function errorMessageOf(value: unknown, depth = 0): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'string') return value;
	// An error nested deeper than any API nests one is shown as JSON rather than followed.
	if (typeof value !== 'object' || depth > 5) return JSON.stringify(value).slice(0, MAX_SUMMARY);
	if (Array.isArray(value)) return value.slice(0, 10).map((entry) => errorMessageOf(entry, depth + 1)).filter(Boolean).join('; ') || undefined;
	const { loc } = value as Record<string, unknown>;
	const text = errorMessageOf(pick(value, ['detail', 'message', 'msg', 'error', 'title']), depth + 1);
	if (text && Array.isArray(loc)) return `${loc.filter((part) => part !== 'body').join('.')}: ${text}`;
	return text ?? JSON.stringify(value).slice(0, MAX_SUMMARY);
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

/**
 * A 429 whose Retry-After asks for a longer wait than the call may take: the rest of its wait,
 * or `longestMs` outside one. Waiting it out would park the run for as long as the API says.
 */
export function retryAfterTooLongError(
	{ node, displayName, itemIndex }: ErrorPlace,
	request: ProviderRequest,
	askedWaitMs: number,
	longestMs: number,
	inWait: boolean,
	jobNote: string | undefined,
): NodeApiError {
	const limit = inWait ? `the ${seconds(longestMs)} left of the wait's Timeout` : `the ${seconds(longestMs)} this node waits for a rate limit`;
	const advice = inWait
		? 'Raise "Timeout" in the wait settings, or lower "Max Requests per Second" in the options so the limit is not reached, or run the node again later.'
		: `Run the node again after that time, or lower "Max Requests per Second" in the options so ${displayName}'s limit is not reached.`;
	return new NodeApiError(
		node,
		{ retryAfterSeconds: Math.ceil(askedWaitMs / 1000) },
		{
			message: `${displayName} could not ${request.purpose}: the API asked to wait ${seconds(askedWaitMs)} before the next request (Retry-After), longer than ${limit}`,
			description: [advice, jobNote].filter(Boolean).join(' '),
			httpCode: '429',
			itemIndex,
			failure: { cause: 'rate-limited', retryAfterMs: askedWaitMs },
		},
	);
}

function seconds(ms: number): string {
	return `${Math.ceil(ms / 1000)} s`;
}
