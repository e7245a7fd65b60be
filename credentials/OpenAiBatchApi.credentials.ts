import type { IAuthenticate, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { keyAndBaseUrl, listOneBatch } from '../nodes/LlmBatch/batchCredential';
import { authorizationHeader } from '../nodes/shared/authorization';

/**
 * An OpenAI API key for the Batch API (files and batches).
 * n8n's own OpenAI credential cannot be used: the community lint (no-credential-reuse) lets a
 * community node name only credentials of its own package.
 */
export class OpenAiBatchApi implements ICredentialType {
	name = 'openAiBatchApi';

	displayName = 'OpenAI Batch API';

	documentationUrl = 'https://github.com/n8n-nodes-async-jobs/n8n-nodes-async-jobs/blob/main/docs/llm-batch.md#credentials';

	icon = { light: 'file:../nodes/LlmBatch/llmBatch.svg', dark: 'file:../nodes/LlmBatch/llmBatch.dark.svg' } as const;

	properties: INodeProperties[] = keyAndBaseUrl('https://api.openai.com/v1');

	authenticate: IAuthenticate = authorizationHeader((credentials) => `Bearer ${String(credentials.apiKey)}`);

	test: ICredentialTestRequest = listOneBatch('/batches?limit=1');
}
