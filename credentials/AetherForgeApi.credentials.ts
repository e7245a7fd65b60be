import type { IAuthenticate, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { authorizationHeader } from '../nodes/shared/authorization';

export class AetherForgeApi implements ICredentialType {
	name = 'aetherForgeApi';

	displayName = 'AetherForge AI API';

	documentationUrl = 'https://github.com/n8n-nodes-async-jobs/n8n-nodes-async-jobs#aetherforge-ai';

	icon = { light: 'file:../nodes/AetherForge/aetherForge.svg', dark: 'file:../nodes/AetherForge/aetherForge.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.aetherforgeai.com',
			description: 'Change only to reach the API through a proxy',
		},
	];

	authenticate: IAuthenticate = authorizationHeader((credentials) => `Bearer ${String(credentials.apiKey)}`);

	// Looking up a job id that cannot exist costs nothing: 404 means the key was accepted.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/public/v1/job/00000000-0000-4000-8000-000000000000',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: { key: 'detail', value: 'Invalid API key', message: 'AetherForge rejected this API key' },
			},
			{
				type: 'responseSuccessBody',
				properties: { key: 'detail', value: 'Not Found User', message: 'This API key belongs to no AetherForge user' },
			},
			{
				// FastAPI's answer to a path it does not have: the base URL is not AetherForge's API root.
				type: 'responseSuccessBody',
				properties: { key: 'detail', value: 'Not Found', message: 'The base URL has no AetherForge job API: set it to https://api.aetherforgeai.com (or a proxy of it), without /public/v1' },
			},
			{
				// Rules can only fail a test: an answer without AetherForge's "detail" (a web page, another API, a 5xx page) fails.
				// Every status is an answer here (an accepted key gets 404), so the rule cannot tell a 5xx from a web page: it names both.
				type: 'responseSuccessBody',
				properties: {
					key: 'detail',
					value: undefined,
					message:
						'The Base URL answered, but not as the AetherForge API does: either a server error (HTTP 5xx: try again later), or a page that is not the API (a web page where JSON was expected: set the Base URL to https://api.aetherforgeai.com, or a proxy of it)',
				},
			},
		],
	};
}
