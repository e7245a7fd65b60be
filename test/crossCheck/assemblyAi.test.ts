/**
 * The official `assemblyai` client runs whole transcripts against the AssemblyAI simulator (its
 * `baseUrl` option): if the simulator, and so the AssemblyAI preset tested against it, drifted
 * from the protocol the client speaks, these fail. AssemblyAI has no cancel.
 */
import { AssemblyAI } from 'assemblyai';

import type { ProviderSimulators } from '../simulator';
import { startSimulators } from '../simulator';

let sim: ProviderSimulators;
let client: AssemblyAI;
const clientWith = (apiKey: string) => new AssemblyAI({ apiKey, baseUrl: sim.server.baseUrl(sim.assemblyAi) });
beforeAll(async () => {
	sim = await startSimulators();
	client = clientWith([...sim.assemblyAi.apiKeys][0]);
});
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

const AUDIO = 'https://example.com/interview.mp3';

test('transcribe: submit, poll until completed, read the text and words', async () => {
	sim.assemblyAi.jobs.nextScripts.push({ queueMs: 200, runMs: 200 });
	const transcript = await client.transcripts.transcribe({ audio: AUDIO, speech_model: 'universal' }, { pollingInterval: 100 });
	expect(transcript).toMatchObject({ status: 'completed', audio_url: AUDIO, speech_model: 'universal', text: 'A reading of the audio', confidence: expect.any(Number) });
	expect(transcript.words).toHaveLength(5);
	const requests = sim.server.log.filter((entry) => entry.prefix === '/assemblyai');
	expect(requests[0]).toMatchObject({ method: 'POST', path: '/v2/transcript' });
	expect(requests.slice(1).every((entry) => entry.method === 'GET' && entry.path === `/v2/transcript/${transcript.id}`)).toBe(true);
});

test('submit answers the queued transcript; get reads it processing', async () => {
	sim.assemblyAi.jobs.nextScripts.push({ queueMs: 100, runMs: 60_000 });
	const queued = await client.transcripts.submit({ audio_url: AUDIO });
	expect(queued).toMatchObject({ status: 'queued', text: null });
	await new Promise((resolve) => setTimeout(resolve, 200));
	expect((await client.transcripts.get(queued.id)).status).toBe('processing');
	const deleted = await client.transcripts.delete(queued.id);
	expect(deleted.audio_url).toBe('http://deleted_by_user');
});

test('a transcript that fails ends with status "error" and its reason', async () => {
	sim.assemblyAi.jobs.nextScripts.push({ queueMs: 0, runMs: 100, outcome: 'failed', failure: { reason: 'Download error, unable to download the audio file' } });
	const transcript = await client.transcripts.transcribe({ audio: AUDIO }, { pollingInterval: 100 });
	expect(transcript).toMatchObject({ status: 'error', error: 'Download error, unable to download the audio file', text: null });
});

test('a bad key and a bad audio_url are errors the client throws with the API\'s message', async () => {
	await expect(clientWith('wrong').transcripts.get('abc')).rejects.toThrow('Authentication error, API token missing/invalid');
	await expect(client.transcripts.submit({ audio_url: 'not a url' })).rejects.toThrow('audio_url: must be a valid URL');
});
