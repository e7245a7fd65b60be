import type { ICredentialTestRequest, INodeProperties } from 'n8n-workflow';

/** The fields of each vendor's batch credential: the key, and the API's address for a proxy. */
export function keyAndBaseUrl(defaultBaseUrl: string): INodeProperties[] {
	return [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '', required: true },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: defaultBaseUrl, description: 'Change only to reach the API through a proxy' },
	];
}

/** The credential's test: listing one batch at `path` costs nothing and needs an accepted key. */
export function listOneBatch(path: string): ICredentialTestRequest {
	return { request: { baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}', url: path } };
}
