import type { ApiPreset } from './ApiPreset';

/** OpenAI video generation (Sora), as the `openai` client's `videos` resource runs it. */
export const openai: ApiPreset = {
	value: 'openai',
	name: 'OpenAI Videos',
	description: 'Videos from a prompt with Sora (sora-2, sora-2-pro)',
	origin: 'https://api.openai.com',
	credential: { type: 'httpBearerAuth' },
	exampleInput: '{\n  "model": "sora-2",\n  "prompt": "a lighthouse at dawn",\n  "seconds": "4",\n  "size": "720x1280"\n}',
	// The client sends the create as multipart/form-data, each input a text field.
	create: { method: 'POST', url: '{{baseUrl}}/v1/videos', bodyType: 'multipart', jobIdPath: 'id' },
	status: {
		url: '{{baseUrl}}/v1/videos/{{jobId}}',
		path: 'status',
		// "in_progress" is running. There is no cancel, so no canceled word.
		words: { queued: ['queued'], succeeded: ['completed'], failed: ['failed'] },
		progressPath: 'progress',
		errorPath: 'error',
		createdAtPath: 'created_at',
		// The reply names no file: the MP4 is served at the video's content address, behind the same key.
		outputUrl: '{{baseUrl}}/v1/videos/{{jobId}}/content',
	},
	checkedAgainst: 'openai 7.60.0',
};
