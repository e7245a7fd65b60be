import type { ApiPreset } from './ApiPreset';

/** Veo videos on the Gemini API, long-running operations as `@google/genai` reads them. */
export const gemini: ApiPreset = {
	value: 'gemini',
	name: 'Google Gemini API (Veo)',
	description: 'Videos from a prompt or an image with Veo, as long-running operations',
	origin: 'https://generativelanguage.googleapis.com',
	credential: { type: 'httpHeaderAuth', headerName: 'x-goog-api-key', valueFormat: '<your Gemini API key>' },
	endpoint: { displayName: 'Model', example: 'veo-3.0-generate-001', description: 'The Veo model, e.g. veo-3.1-generate-preview or veo-3.0-fast-generate-001' },
	exampleInput: '{\n  "instances": [{ "prompt": "a lighthouse at dawn" }],\n  "parameters": { "aspectRatio": "16:9" }\n}',
	// The reply is the operation, {"name": "models/<model>/operations/<id>"}: its name is the job ID.
	create: { method: 'POST', url: '{{baseUrl}}/v1beta/models/{{endpoint}}:predictLongRunning', jobIdPath: 'name' },
	status: {
		url: '{{baseUrl}}/v1beta/{{jobId}}',
		// A boolean: left out until the operation ends, then true, with `error` when it failed.
		path: 'done',
		words: { succeeded: ['true'] },
		// An operation whose videos the safety filters held back is done without `error`: its reasons make it failed.
		errorPath: 'error, response.generateVideoResponse.raiMediaFilteredReasons',
		outputsPath: 'response.generateVideoResponse.generatedSamples',
		outputUrlField: 'video.uri',
	},
	checkedAgainst: '@google/genai 3.6.1',
};
