import type { IAuthenticate, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { withKeyHeaders } from '../nodes/shared/authorization';

/**
 * An Anthropic API key for the Message Batches API.
 * n8n's own Anthropic credential cannot be used: the community lint (no-credential-reuse) lets a
 * community node name only credentials of its own package.
 */
export class AnthropicBatchApi implements ICredentialType {
	name = 'anthropicBatchApi';

	displayName = 'Anthropic Batch API';

	documentationUrl = 'https://github.com/n8n-nodes-async-jobs/n8n-nodes-async-jobs/blob/main/docs/llm-batch.md#anthropic';

	icon = { light: 'file:../nodes/LlmBatch/llmBatch.svg', dark: 'file:../nodes/LlmBatch/llmBatch.dark.svg' } as const;

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
			default: 'https://api.anthropic.com',
			description: 'Change only to reach the API through a proxy',
		},
	];

	// A function, not a generic block: n8n would evaluate a block's expressions for every request.
	authenticate: IAuthenticate = async (credentials, requestOptions) =>
		withKeyHeaders(requestOptions, { 'x-api-key': String(credentials.apiKey), 'anthropic-version': '2023-06-01' });

	// Listing one batch costs nothing and needs an accepted key.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/messages/batches?limit=1',
		},
	};
}
