import type { ApiPreset } from './ApiPreset';

/** fal.ai's queue, as `@fal-ai/client`'s `fal.queue` submits, polls, fetches and cancels. */
export const fal: ApiPreset = {
	value: 'fal',
	name: 'fal.ai',
	description: "Requests to fal.ai's queue: image, video and audio models",
	origin: 'https://queue.fal.run',
	credential: { type: 'httpHeaderAuth', headerName: 'Authorization', valueFormat: 'Key <your FAL_KEY>' },
	endpoint: { displayName: 'Endpoint ID', example: 'fal-ai/flux/dev', description: 'The model endpoint as fal.ai names it, e.g. fal-ai/flux/dev' },
	exampleInput: '{\n  "prompt": "a lighthouse at dawn"\n}',
	create: { method: 'POST', url: '{{baseUrl}}/{{endpoint}}', jobIdPath: 'request_id', statusUrlPath: 'status_url' },
	status: {
		// Status, result and cancel addresses name only the app (owner/alias), not the endpoint's path.
		url: '{{baseUrl}}/{{app}}/requests/{{jobId}}/status',
		path: 'status',
		// COMPLETED whatever the outcome: a failure shows as the result request's refusal.
		words: { queued: ['IN_QUEUE'], running: ['IN_PROGRESS'], succeeded: ['COMPLETED'] },
		queuePositionPath: 'queue_position',
		errorPath: 'detail',
		outputsPath: 'images, image, video, audio, audio_file',
	},
	result: { urlPath: 'response_url', url: '{{baseUrl}}/{{app}}/requests/{{jobId}}' },
	cancel: { method: 'PUT', url: '{{baseUrl}}/{{app}}/requests/{{jobId}}/cancel' },
	checkedAgainst: '@fal-ai/client 1.10.1',
};
