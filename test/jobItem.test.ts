/**
 * The output kinds of the normalized item: files at links (image, video, audio, file) and
 * results given in the reply itself (text, JSON), as the README's item table lists them.
 */
import { formatFromUrl, jobOutputSchema, kindFromFormat } from '../nodes/shared/JobItem';

test.each([
	['a transcript', { kind: 'text', text: 'Hello there' }],
	['an LLM batch result', { kind: 'json', value: { choices: [{ message: 'hi' }] } }],
	['an audio file', { url: 'https://cdn.example.com/a.mp3', kind: 'audio', format: 'mp3' }],
	['an image file', { url: 'https://cdn.example.com/a.png', kind: 'image', format: 'png', width: 512, height: 512 }],
])('%s is an output', (_, output) => {
	expect(jobOutputSchema.safeParse(output).success).toBe(true);
});

test.each([
	['text with a link', { kind: 'text', text: 'x', url: 'https://cdn.example.com/a.txt' }],
	['a link of kind text', { url: 'https://cdn.example.com/a.txt', kind: 'text' }],
	['text that is not text', { kind: 'text', text: 42 }],
])('%s is not an output', (_, output) => {
	expect(jobOutputSchema.safeParse(output).success).toBe(false);
});

test('audio links are told by their extension', () => {
	expect(['a.mp3', 'b.wav?sig=1', 'c.flac', 'd.m4a'].map((name) => kindFromFormat(formatFromUrl(`https://cdn.example.com/${name}`)))).toEqual([
		'audio',
		'audio',
		'audio',
		'audio',
	]);
	expect(kindFromFormat(formatFromUrl('https://cdn.example.com/e.bin'))).toBe('file');
});
