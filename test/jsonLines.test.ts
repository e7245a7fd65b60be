/**
 * The results reader (nodes/shared/jsonLines.ts) under random input: however a file's bytes are
 * chunked (a chunk may end inside a line or inside a multi-byte character), every line comes back
 * once, in order; a file cut off at any byte gives back every whole line and the cut one as one
 * more line (unreadable), never dropping it.
 */
import fc from 'fast-check';

import { readJsonLines } from '../nodes/shared/jsonLines';

async function* chunked(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
	let start = 0;
	for (const cut of [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b)) {
		yield bytes.subarray(start, cut);
		start = cut;
	}
	yield bytes.subarray(start);
}

async function readAll(bytes: Uint8Array, cuts: number[]) {
	const lines = [];
	for await (const line of readJsonLines(chunked(bytes, cuts))) lines.push(line);
	return lines;
}

const resultLine = fc.record({ custom_id: fc.string({ minLength: 1 }), text: fc.string({ unit: 'binary' }), n: fc.integer() });
const fileOf = (values: unknown[]) => new TextEncoder().encode(values.map((value) => JSON.stringify(value) + '\n').join(''));

test('any chunking of a JSONL file gives back every line once, in order', async () => {
	await fc.assert(
		fc.asyncProperty(fc.array(resultLine, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 20 }), async (values, cuts) => {
			const lines = await readAll(fileOf(values), cuts);
			expect(lines).toEqual(values.map((value, index) => ({ lineNumber: index + 1, value })));
		}),
		{ numRuns: 300 },
	);
});

test('a file cut off at any byte: the whole lines come back, the cut one as one more line, nothing dropped', async () => {
	await fc.assert(
		fc.asyncProperty(fc.array(resultLine, { minLength: 1, maxLength: 20 }), fc.nat(), fc.array(fc.nat(), { maxLength: 10 }), async (values, cutAt, cuts) => {
			const bytes = fileOf(values);
			const kept = bytes.subarray(0, cutAt % bytes.length);
			const lines = await readAll(kept, cuts);
			const text = new TextDecoder().decode(kept);
			const whole = text.split('\n').length - 1;
			expect(lines.slice(0, whole)).toEqual(values.slice(0, whole).map((value, index) => ({ lineNumber: index + 1, value })));
			const rest = text.split('\n').pop()!;
			// Unreadable, or, cut just after a value's closing brace, that value.
			expect(lines.slice(whole)).toEqual(rest.trim() === '' ? [] : [expect.objectContaining({ lineNumber: whole + 1 })]);
			if (lines.length > whole && 'unreadable' in lines[whole]) expect(lines[whole]).toEqual({ lineNumber: whole + 1, unreadable: rest });
		}),
		{ numRuns: 300 },
	);
});
