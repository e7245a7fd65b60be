import type { ApiPreset } from './ApiPreset';

/** Replicate predictions of an official model, as the `replicate` client runs them. */
export const replicate: ApiPreset = {
	value: 'replicate',
	name: 'Replicate',
	description: 'Predictions of the models on replicate.com: images, video, speech, language',
	origin: 'https://api.replicate.com',
	credential: { type: 'httpBearerAuth' },
	endpoint: { displayName: 'Model', example: 'black-forest-labs/flux-schnell', description: 'The model as owner/name, e.g. black-forest-labs/flux-schnell' },
	exampleInput: '{\n  "prompt": "a lighthouse at dawn"\n}',
	create: {
		method: 'POST',
		url: '{{baseUrl}}/v1/models/{{endpoint}}/predictions',
		inputField: 'input',
		// Replicate holds the reply up to 5 s while the prediction runs, so short jobs end in one request.
		headers: { Prefer: 'wait=5' },
		jobIdPath: 'id',
		statusUrlPath: 'urls.get',
	},
	status: {
		url: '{{baseUrl}}/v1/predictions/{{jobId}}',
		path: 'status',
		// "aborted": the prediction passed its deadline before it started.
		words: { queued: ['starting'], running: ['processing'], succeeded: ['succeeded'], failed: ['failed', 'aborted'], canceled: ['canceled'] },
		errorPath: 'error',
		outputsPath: 'output',
		createdAtPath: 'created_at',
	},
	cancel: { method: 'POST', url: '{{baseUrl}}/v1/predictions/{{jobId}}/cancel' },
	checkedAgainst: 'replicate 1.4.0',
};
