/*
 * JSON Lines files of any size in bounded memory: a file made line by line as it is uploaded,
 * and a downloaded file read line by line as it arrives.
 */

/**
 * A multipart form whose one file is made line by line while it is sent. n8n's HTTP helper hands
 * the body to axios, which streams a spec-compliant FormData part by part and reads a file part
 * through its async iterator: so no more than one chunk of the file is in memory. Its size is not
 * known before it is made, so it goes out with chunked transfer encoding.
 */
export class StreamedForm {
	readonly [Symbol.toStringTag] = 'FormData';

	constructor(
		private readonly fields: Record<string, string>,
		private readonly file: { field: string; name: string; type: string; lines: () => AsyncIterable<string> | Iterable<string> },
	) {}

	/** A text field (axios also recognises a form by this method). */
	append(name: string, value: string): void {
		this.fields[name] = value;
	}

	*entries(): IterableIterator<[string, unknown]> {
		for (const entry of Object.entries(this.fields)) yield entry;
		const { name, type, lines } = this.file;
		// Made anew at every send, so a request that is sent again uploads the whole file again.
		yield [this.file.field, { name, type, [Symbol.asyncIterator]: () => encodedChunks(lines()) }];
	}

	[Symbol.iterator](): IterableIterator<[string, unknown]> {
		return this.entries();
	}
}

const CHUNK_BYTES = 64 * 1024;

/** Lines joined into chunks of about 64 KiB, each line ended by a newline. */
async function* encodedChunks(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<Uint8Array> {
	const encoder = new TextEncoder();
	let pending: string[] = [];
	let pendingLength = 0;
	for await (const line of lines) {
		pending.push(line, '\n');
		pendingLength += line.length + 1;
		if (pendingLength >= CHUNK_BYTES) {
			yield encoder.encode(pending.join(''));
			pending = [];
			pendingLength = 0;
		}
	}
	if (pending.length > 0) yield encoder.encode(pending.join(''));
}

/** One line of a JSON Lines file: its parsed value, or the text that is not JSON (a line cut off). */
export type JsonLine = { lineNumber: number; value: unknown } | { lineNumber: number; unreadable: string };

/** The lines of a JSON Lines file as its bytes arrive, holding no more than one line and one chunk; blank lines are skipped. */
export async function* readJsonLines(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<JsonLine> {
	const decoder = new TextDecoder();
	let partial = '';
	let lineNumber = 0;
	for await (const chunk of chunks) {
		const text = partial + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
		const lines = text.split('\n');
		partial = lines.pop()!;
		for (const line of lines) {
			lineNumber++;
			if (line.trim() !== '') yield parsedLine(lineNumber, line);
		}
	}
	partial += decoder.decode();
	if (partial.trim() !== '') yield parsedLine(lineNumber + 1, partial);
}

function parsedLine(lineNumber: number, line: string): JsonLine {
	try {
		return { lineNumber, value: JSON.parse(line) as unknown };
	} catch {
		return { lineNumber, unreadable: line };
	}
}
