/**
 * Pixxel types `spec`, a task's `inputs` and `result`, and `info_logs` as byte arrays (a Go
 * byte slice). On the wire they come as embedded JSON, as a base64 string (Go's encoding of
 * a byte slice) or as an array of byte values. These helpers turn all three into the value
 * the bytes hold: parsed JSON where they hold JSON, otherwise the text.
 */

type Json = unknown;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Control characters other than tab and line breaks: bytes that are not text. */
function hasControlCharacters(text: string): boolean {
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return true;
	}
	return false;
}

export function decodeByteField(value: Json): Json {
	if (value === null || value === undefined) return null;
	if (Array.isArray(value) && value.length > 0 && value.every(isByte)) {
		return fromBytes(Uint8Array.from(value as number[])) ?? value;
	}
	if (typeof value === 'string' && value !== '' && BASE64.test(value)) {
		return fromBytes(base64ToBytes(value)) ?? value;
	}
	// Embedded JSON (or an empty byte slice): already the value.
	return value;
}

/** A job (or job summary) with its byte fields decoded, for the item's `raw`. */
export function withDecodedByteFields(body: unknown): unknown {
	if (!isObject(body)) return body;
	const job: Record<string, unknown> = { ...body };
	if ('spec' in job) job.spec = decodeByteField(job.spec);
	if (Array.isArray(job.tasks)) {
		job.tasks = job.tasks.map((task: unknown) => {
			if (!isObject(task)) return task;
			const decoded: Record<string, unknown> = { ...task };
			for (const field of ['inputs', 'result', 'info_logs']) {
				if (field in decoded) decoded[field] = decodeByteField(decoded[field]);
			}
			return decoded;
		});
	}
	return job;
}

/** The bytes as JSON or text; undefined when they are not UTF-8 text (then they stay as sent). */
function fromBytes(bytes: Uint8Array): Json | undefined {
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		return undefined;
	}
	if (hasControlCharacters(text)) return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

function base64ToBytes(text: string): Uint8Array {
	const binary = atob(text);
	return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function isByte(entry: unknown): boolean {
	return typeof entry === 'number' && Number.isInteger(entry) && entry >= 0 && entry <= 255;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
