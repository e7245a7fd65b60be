import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { baseUrlProblem } from './linkPolicy';

/**
 * The request with `headers` (that carry a key) added, the other headers kept. Refused where the
 * key would cross the internet unencrypted, the credential's Test included.
 */
export function withKeyHeaders(requestOptions: IHttpRequestOptions, headers: Record<string, string>): IHttpRequestOptions {
	const problem = baseUrlProblem(requestOptions.baseURL || requestOptions.url);
	if (problem) throw new Error(`The credential cannot be used: ${problem}`);
	return { ...requestOptions, headers: { ...requestOptions.headers, ...headers } };
}

/** The request with its Authorization header set to `value` (see `withKeyHeaders`). */
export function withAuthorization(requestOptions: IHttpRequestOptions, value: string): IHttpRequestOptions {
	return withKeyHeaders(requestOptions, { Authorization: value });
}

/**
 * A credential's `authenticate` that sets the Authorization header. A function rather than a
 * generic block: n8n evaluates a generic block's expression for every request, a cost a run
 * over a thousand items pays a thousand times.
 */
export function authorizationHeader(valueOf: (credentials: ICredentialDataDecryptedObject) => string) {
	return async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> =>
		withAuthorization(requestOptions, valueOf(credentials));
}
