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
		],
	};
}
