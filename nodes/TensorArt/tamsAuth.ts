import type { KeyObject } from 'crypto';
import { createPrivateKey, randomBytes, sign } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { withAuthorization } from '../shared/authorization';

/**
 * Tensor.Art TAMS authentication: a Bearer API key, or an RSA signature over
 * METHOD\nPATH_WITH_QUERY\nUNIX_SECONDS\nNONCE\nBODY with the app's private key (SHA256withRSA,
 * PKCS#1 v1.5, base64). Shared by the credential (which signs) and the node (which checks the
 * credential before its first request, so a bad key never turns into retried requests).
 */

export const INTERNATIONAL_ENDPOINT = 'https://ap-east-1.tensorart.cloud';
export const CHINA_ENDPOINT = 'https://cn.tensorart.net';
export const CUSTOM_ENDPOINT = 'custom';

export function tamsBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const endpoint = credentials.endpoint === CUSTOM_ENDPOINT ? credentials.customUrl : (credentials.endpoint ?? INTERNATIONAL_ENDPOINT);
	return typeof endpoint === 'string' ? endpoint.trim().replace(/\/+$/, '') : '';
}

/** Why these credentials cannot authenticate a request, never quoting the key; undefined when they can. */
export function credentialProblem(credentials: ICredentialDataDecryptedObject): string | undefined {
	if (credentials.authentication !== 'rsa') {
		return textOf(credentials.apiKey) ? undefined : 'the API key is empty';
	}
	if (!textOf(credentials.appId)) return 'the App ID is empty';
	if (!textOf(credentials.privateKey)) return 'the private key is empty';
	if (!readPrivateKey(credentials.privateKey)) {
		return 'the private key is not a PEM RSA private key (paste the whole file, from -----BEGIN … PRIVATE KEY----- to its END line)';
	}
	return undefined;
}

/** What to check when TAMS refuses the credential: the key of the scheme it uses. */
export function credentialAdvice(credentials: ICredentialDataDecryptedObject): string {
	return credentials.authentication === 'rsa'
		? "Check the Tensor.Art credential: the private key must be the one whose public key is registered for this App ID in the TAMS console, and the App ID must be the app's at this endpoint."
		: 'Check the Tensor.Art credential: the API key must be an active key of an app at this endpoint.';
}

/** The credential's `authenticate`: adds the Authorization header for either scheme. */
export async function authenticateTamsRequest(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const problem = credentialProblem(credentials);
	if (problem) throw new Error(`The Tensor.Art credential cannot be used: ${problem}`);
	const headers: IDataObject = { ...(requestOptions.headers ?? {}) };
	if (credentials.authentication !== 'rsa') {
		return withAuthorization(requestOptions, `Bearer ${textOf(credentials.apiKey)}`);
	}

	// The body is signed as the exact text sent: a JSON body arrives here already serialized
	// (the node's client does so); an object body (credential test) is serialized here, once.
	let body = requestOptions.body;
	if (isPlainObject(body)) {
		body = JSON.stringify(body);
		if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
	}
	const bodyText = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : '';
	// A query string goes into the URL here, so the signed path is the one sent.
	const url = urlWithQuery(String(requestOptions.url ?? ''), requestOptions.qs);
	const timestamp = String(Math.floor(Date.now() / 1000));
	const nonce = randomBytes(16).toString('hex');
	const toSign = [String(requestOptions.method ?? 'GET').toUpperCase(), signedPathOf(url), timestamp, nonce, bodyText].join('\n');
	const signature = sign('sha256', Buffer.from(toSign, 'utf8'), readPrivateKey(credentials.privateKey)!).toString('base64');
	return withAuthorization(
		{ ...requestOptions, url, qs: undefined, body, headers },
		`TAMS-SHA256-RSA app_id=${textOf(credentials.appId)},nonce_str=${nonce},timestamp=${timestamp},signature=${signature}`,
	);
}

/**
 * Reads a PEM private key (PKCS#1 or PKCS#8). Keys pasted into a one-line field lose their
 * line breaks, or carry literal "\n": both are put back before parsing.
 */
function readPrivateKey(value: unknown): KeyObject | undefined {
	let pem = textOf(value).replace(/\\n/g, '\n');
	const parts = /^(-----BEGIN [A-Z ]+-----)([\s\S]*?)(-----END [A-Z ]+-----)$/.exec(pem);
	if (parts) {
		const base64Lines = parts[2].replace(/\s+/g, '').match(/.{1,64}/g) ?? [];
		pem = [parts[1], ...base64Lines, parts[3]].join('\n');
	}
	let key: KeyObject;
	try {
		key = createPrivateKey(pem);
	} catch {
		return undefined;
	}
	return key.asymmetricKeyType === 'rsa' ? key : undefined;
}

/** TAMS signs the API path (e.g. /v1/jobs/123), relative to the app's endpoint. */
function signedPathOf(url: string): string {
	if (!/^https?:\/\//i.test(url)) return url.startsWith('/') ? url : `/${url}`;
	const parsed = new URL(url);
	return `${parsed.pathname}${parsed.search}`;
}

function urlWithQuery(url: string, qs: IDataObject | undefined): string {
	const entries = Object.entries(qs ?? {}).filter(([, value]) => value !== undefined && value !== null);
	if (entries.length === 0) return url;
	const query = new URLSearchParams(entries.map(([name, value]): [string, string] => [name, String(value)])).toString();
	return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

function textOf(value: unknown): string {
	return typeof value === 'string' ? value.trim() : '';
}

function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value) && !(value instanceof URLSearchParams) && !(value instanceof FormData);
}
