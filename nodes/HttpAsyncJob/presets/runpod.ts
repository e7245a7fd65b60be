import type { ApiPreset } from './ApiPreset';

/** RunPod serverless endpoints, as `runpod-sdk`'s endpoint `run`, `status` and `cancel` call them. */
export const runpod: ApiPreset = {
	value: 'runpod',
	name: 'RunPod',
	description: 'Jobs of your RunPod serverless endpoints: whatever their workers run',
	origin: 'https://api.runpod.ai',
	credential: { type: 'httpBearerAuth' },
	endpoint: { displayName: 'Endpoint ID', example: 'abc123xyz0', description: 'The ID of your serverless endpoint, as its page on runpod.io shows it' },
	exampleInput: '{\n  "prompt": "a lighthouse at dawn"\n}',
	create: { method: 'POST', url: '{{baseUrl}}/v2/{{endpoint}}/run', inputField: 'input', jobIdPath: 'id' },
	status: {
		url: '{{baseUrl}}/v2/{{endpoint}}/status/{{jobId}}',
		path: 'status',
		// TIMED_OUT: the job ran past its execution timeout (the endpoint's, or the policy's).
		words: { queued: ['IN_QUEUE'], running: ['IN_PROGRESS'], succeeded: ['COMPLETED'], failed: ['FAILED', 'TIMED_OUT'], canceled: ['CANCELLED'] },
		errorPath: 'error',
		// What the worker's handler returns: a URL or a list of them become files, anything else a JSON output.
		outputsPath: 'output',
	},
	cancel: { method: 'POST', url: '{{baseUrl}}/v2/{{endpoint}}/cancel/{{jobId}}' },
	checkedAgainst: 'runpod-sdk 1.1.2',
};
