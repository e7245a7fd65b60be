import type { IAuthenticate, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { keyAndBaseUrl, listOneBatch } from '../nodes/LlmBatch/batchCredential';
import { authorizationHeader } from '../nodes/shared/authorization';

/**
 * A Mistral API key for batch jobs (files and jobs).
 * n8n's own Mistral credential cannot be used: the community lint (no-credential-reuse) lets a
 * community node name only credentials of its own package.
 */
export class MistralBatchApi implements ICredentialType {
	name = 'mistralBatchApi';

	displayName = 'Mistral Batch API';

	documentationUrl = 'https://github.com/n8n-nodes-async-jobs/n8n-nodes-async-jobs/blob/main/docs/llm-batch.md#credentials';

	icon = { light: 'file:../nodes/LlmBatch/llmBatch.svg', dark: 'file:../nodes/LlmBatch/llmBatch.dark.svg' } as const;

	properties: INodeProperties[] = keyAndBaseUrl('https://api.mistral.ai');

	authenticate: IAuthenticate = authorizationHeader((credentials) => `Bearer ${String(credentials.apiKey)}`);

	test: ICredentialTestRequest = listOneBatch('/v1/batch/jobs?page_size=1');
}
