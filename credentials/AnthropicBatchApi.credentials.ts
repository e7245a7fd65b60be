import type { IAuthenticate, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { keyAndBaseUrl, listOneBatch } from '../nodes/LlmBatch/batchCredential';
import { withKeyHeaders } from '../nodes/shared/authorization';

/**
 * An Anthropic API key for the Message Batches API.
 * n8n's own Anthropic credential cannot be used: the community lint (no-credential-reuse) lets a
 * community node name only credentials of its own package.
 */
export class AnthropicBatchApi implements ICredentialType {
	name = 'anthropicBatchApi';

	displayName = 'Anthropic Batch API';

	documentationUrl = 'https://github.com/n8n-nodes-async-jobs/n8n-nodes-async-jobs/blob/main/docs/llm-batch.md#credentials';

	icon = { light: 'file:../nodes/LlmBatch/llmBatch.svg', dark: 'file:../nodes/LlmBatch/llmBatch.dark.svg' } as const;

	properties: INodeProperties[] = keyAndBaseUrl('https://api.anthropic.com');

	// A function, not a generic block: n8n would evaluate a block's expressions for every request.
	authenticate: IAuthenticate = async (credentials, requestOptions) =>
		withKeyHeaders(requestOptions, { 'x-api-key': String(credentials.apiKey), 'anthropic-version': '2023-06-01' });

	test: ICredentialTestRequest = listOneBatch('/v1/messages/batches?limit=1');
}
