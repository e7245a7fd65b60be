import type { ApiPreset } from './ApiPreset';

/** Runway tasks (image to video, text to video …), as `@runwayml/sdk` runs them. */
export const runway: ApiPreset = {
	value: 'runway',
	name: 'Runway',
	description: 'Runway tasks: image to video, text to video, video to video, images',
	origin: 'https://api.dev.runwayml.com',
	credential: { type: 'httpBearerAuth' },
	// Every request names the API version it was written for.
	headers: { 'X-Runway-Version': '2024-11-06' },
	endpoint: { displayName: 'Task Type', example: 'image_to_video', description: 'The create endpoint, e.g. image_to_video, text_to_video, video_to_video or text_to_image' },
	exampleInput: '{\n  "model": "gen4_turbo",\n  "promptImage": "https://example.com/still.jpg",\n  "promptText": "waves roll in",\n  "ratio": "1280:720",\n  "duration": 5\n}',
	create: { method: 'POST', url: '{{baseUrl}}/v1/{{endpoint}}', jobIdPath: 'id' },
	status: {
		url: '{{baseUrl}}/v1/tasks/{{jobId}}',
		path: 'status',
		// THROTTLED: waiting for the account's concurrency limit. RUNNING is running.
		words: { queued: ['PENDING', 'THROTTLED'], succeeded: ['SUCCEEDED'], failed: ['FAILED'], canceled: ['CANCELLED'] },
		progressPath: 'progress',
		progressScale: 'fraction',
		errorPath: 'failure',
		outputsPath: 'output',
		createdAtPath: 'createdAt',
	},
	// DELETE cancels a task that has not ended (and deletes one that has).
	cancel: { method: 'DELETE', url: '{{baseUrl}}/v1/tasks/{{jobId}}' },
	checkedAgainst: '@runwayml/sdk 4.20.1',
};
