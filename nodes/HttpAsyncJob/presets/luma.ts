import type { ApiPreset } from './ApiPreset';

/** Luma Dream Machine generations, as the `lumaai` client's `generations.create`, `image.create` and `get` call them. */
export const luma: ApiPreset = {
	value: 'luma',
	name: 'Luma',
	description: 'Video and image generations of Luma Dream Machine',
	origin: 'https://api.lumalabs.ai',
	credential: { type: 'httpBearerAuth' },
	endpoint: { displayName: 'Generation Type', example: 'video', description: 'video (models ray-2, ray-flash-2) or image (photon-1, photon-flash-1)' },
	exampleInput: '{\n  "prompt": "a lighthouse at dawn",\n  "model": "ray-2"\n}',
	create: { method: 'POST', url: '{{baseUrl}}/dream-machine/v1/generations/{{endpoint}}', jobIdPath: 'id' },
	status: {
		url: '{{baseUrl}}/dream-machine/v1/generations/{{jobId}}',
		path: 'state',
		words: { queued: ['queued'], running: ['dreaming'], succeeded: ['completed'], failed: ['failed'] },
		errorPath: 'failure_reason',
		outputsPath: 'assets.video, assets.image',
		createdAtPath: 'created_at',
	},
	// Luma cannot cancel a generation: its DELETE removes one.
	checkedAgainst: 'lumaai 1.19.1',
};
