import type { ApiPreset } from './ApiPreset';

/** AssemblyAI transcripts, as the `assemblyai` client's `transcripts.submit` and `get` call them. */
export const assemblyAi: ApiPreset = {
	value: 'assemblyAi',
	name: 'AssemblyAI',
	description: 'Transcripts of audio and video files at a URL',
	origin: 'https://api.assemblyai.com',
	credential: { type: 'httpHeaderAuth', headerName: 'Authorization', valueFormat: '<your API key> (no prefix)' },
	exampleInput: '{\n  "audio_url": "https://assembly.ai/wildfires.mp3",\n  "speech_model": "universal"\n}',
	create: { method: 'POST', url: '{{baseUrl}}/v2/transcript', jobIdPath: 'id' },
	status: {
		url: '{{baseUrl}}/v2/transcript/{{jobId}}',
		path: 'status',
		words: { queued: ['queued'], running: ['processing'], succeeded: ['completed'], failed: ['error'] },
		errorPath: 'error',
		outputsPath: 'text',
	},
	// AssemblyAI cannot cancel a transcript: its DELETE removes a transcript's data.
	checkedAgainst: 'assemblyai 4.41.5',
};
