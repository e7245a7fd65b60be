import type { ApiPreset } from './ApiPreset';

/** ElevenLabs dubbing, as `@elevenlabs/elevenlabs-js` runs it. */
export const elevenlabs: ApiPreset = {
	value: 'elevenlabs',
	name: 'ElevenLabs Dubbing',
	description: 'Dubs a video or audio file into another language',
	origin: 'https://api.elevenlabs.io',
	credential: { type: 'httpHeaderAuth', headerName: 'xi-api-key', valueFormat: '<your API key>' },
	exampleInput: '{\n  "source_url": "https://example.com/talk.mp4",\n  "source_lang": "en",\n  "target_lang": "es"\n}',
	// The API takes only multipart/form-data; the reply is {dubbing_id, expected_duration_sec}, without a status.
	create: { method: 'POST', url: '{{baseUrl}}/v1/dubbing', bodyType: 'multipart', jobIdPath: 'dubbing_id' },
	status: {
		url: '{{baseUrl}}/v1/dubbing/{{jobId}}',
		path: 'status',
		// "preparing" and "dubbing" are running. There is no cancel.
		words: { queued: ['queued'], succeeded: ['dubbed'], failed: ['failed'] },
		errorPath: 'error',
		createdAtPath: 'created_at',
		// The dubbed file is served per target language, behind the same key.
		outputUrl: '{{baseUrl}}/v1/dubbing/{{jobId}}/audio/{{target_languages[0]}}',
	},
	checkedAgainst: '@elevenlabs/elevenlabs-js 2.73.0',
};
