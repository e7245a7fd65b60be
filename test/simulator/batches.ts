import type { SimReply, SimRequest } from './server';

/**
 * What the language-model batch simulators share: a batch's life on the simulator's clock
 * (checked, then running, then ended), what becomes of each request, the answers, JSONL files,
 * and reading an uploaded file from a multipart form.
 */

export type RequestFate = 'succeeded' | 'errored' | 'expired' | 'canceled';

export interface SimBatchRequest {
	customId: string;
	/** The chat request as the vendor received it (messages, system, max tokens, schema). */
	body: Record<string, unknown>;
}

export interface SimBatch<Extra = unknown> {
	id: string;
	createdAt: number;
	requests: SimBatchRequest[];
	/** Set by a cancel: requests not finished by then are canceled. */
	canceledAt?: number;
	/** Refusals of input lines found while the batch was checked: the batch fails with them. */
	lineErrors: Array<{ line: number; message: string; code: string }>;
	extra: Extra;
}

export type BatchPhase = 'validating' | 'failed' | 'in_progress' | 'canceling' | 'canceled' | 'expired' | 'ended';

/** Settings tests change; `reset` puts them back. */
export class BatchBook<Extra = unknown> {
	readonly batches = new Map<string, SimBatch<Extra>>();

	/** Time a batch is checked before it runs, then runs (simulator clock ms). */
	validateMs = 100;

	runMs = 300;

	/** What becomes of request `index` of a batch. */
	fate: (request: SimBatchRequest, index: number) => RequestFate = () => 'succeeded';

	/** The batch runs out of its window before its requests are done: they expire. */
	expires = false;

	/** Results files are served ending halfway through this line (1-based): a download cut off. */
	cutResultsInLine?: number;

	/** Results files as first written, by file. */
	private readonly written = new Map<string, string>();

	reset(): void {
		this.batches.clear();
		this.written.clear();
		this.validateMs = 100;
		this.runMs = 300;
		this.fate = () => 'succeeded';
		this.expires = false;
		this.cutResultsInLine = undefined;
	}

	create(id: string, at: number, requests: SimBatchRequest[], extra: Extra, lineErrors: SimBatch['lineErrors'] = []): SimBatch<Extra> {
		const batch: SimBatch<Extra> = { id, createdAt: at, requests, lineErrors, extra };
		this.batches.set(batch.id, batch);
		return batch;
	}

	phase(batch: SimBatch<Extra>, now: number): BatchPhase {
		const age = now - batch.createdAt;
		if (batch.canceledAt !== undefined) return now - batch.canceledAt < this.runMs / 3 ? 'canceling' : 'canceled';
		if (age < this.validateMs) return 'validating';
		if (batch.lineErrors.length > 0) return 'failed';
		if (age < this.validateMs + this.runMs) return 'in_progress';
		return this.expires ? 'expired' : 'ended';
	}

	/** What became of each request, once the batch has ended (in any way). */
	fates(batch: SimBatch<Extra>): RequestFate[] {
		const doneShare = batch.canceledAt !== undefined ? Math.max(0, (batch.canceledAt - batch.createdAt - this.validateMs) / this.runMs) : this.expires ? 0.5 : 1;
		const doneCount = Math.floor(batch.requests.length * Math.min(1, doneShare));
		return batch.requests.map((request, index) =>
			index < doneCount ? this.fate(request, index) : batch.canceledAt !== undefined ? 'canceled' : 'expired',
		);
	}

	/** Requests done so far, while the batch runs. */
	doneCount(batch: SimBatch<Extra>, now: number): number {
		const share = Math.min(1, Math.max(0, (now - batch.createdAt - this.validateMs) / this.runMs));
		return Math.floor(batch.requests.length * share);
	}

	/**
	 * A results file as served: its lines in the order the vendor writes them (not the requests'),
	 * made once per file (so serving it again costs little, as a file server's would), cut where a test asks.
	 */
	resultsFile(key: string, lines: () => unknown[]): SimReply {
		let text = this.written.get(key);
		if (text === undefined) {
			text = mixedOrder(lines()).map((line) => JSON.stringify(line) + '\n').join('');
			this.written.set(key, text);
		}
		if (this.cutResultsInLine !== undefined) {
			const kept = text.split('\n').slice(0, this.cutResultsInLine);
			const cut = kept.pop()!;
			text = [...kept, cut.slice(0, Math.floor(cut.length / 2))].join('\n');
		}
		return { status: 200, rawBody: text, headers: { 'content-type': 'application/octet-stream' } };
	}
}

/** Results are written as requests finish, not in the order they were sent: every other one from the end. */
export function mixedOrder<T>(list: T[]): T[] {
	return [...list.filter((_, index) => index % 2 === 1).reverse(), ...list.filter((_, index) => index % 2 === 0)];
}

/** The answer the simulated model gives: its prompt echoed, or, where a JSON Schema was asked, an object of that schema. */
export function answerOf(messages: unknown, schema: unknown): string {
	const list = Array.isArray(messages) ? (messages as Array<{ role?: string; content?: unknown }>) : [];
	const last = list.filter((message) => message.role === 'user').pop();
	const prompt = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
	if (!schema || typeof schema !== 'object') return `Answer to: ${prompt}`;
	const properties = (schema as { properties?: Record<string, { type?: string; enum?: unknown[] }> }).properties ?? {};
	const value = Object.fromEntries(
		Object.entries(properties).map(([name, { type, enum: choices }]) => [
			name,
			choices?.length ? choices[prompt.length % choices.length] : type === 'number' || type === 'integer' ? prompt.length : type === 'boolean' ? true : prompt,
		]),
	);
	return JSON.stringify(value);
}

/** Token counts the simulated model reports: about four characters a token. */
export function usageOf(messages: unknown, answer: string): { input: number; output: number } {
	return { input: Math.ceil(JSON.stringify(messages ?? '').length / 4), output: Math.ceil(answer.length / 4) };
}

/** The file and text fields of a multipart upload, as a vendor's files endpoint reads it. */
export async function readUpload(request: SimRequest): Promise<{ fields: Record<string, string>; file?: { name: string; text: string } } | undefined> {
	const contentType = String(request.headers['content-type'] ?? '');
	if (!contentType.startsWith('multipart/form-data')) return undefined;
	const form = await new Request('http://simulator/', { method: 'POST', headers: { 'content-type': contentType }, body: request.rawBody }).formData();
	const fields: Record<string, string> = {};
	let file: { name: string; text: string } | undefined;
	for (const [name, value] of form.entries()) {
		if (typeof value === 'string') fields[name] = value;
		else if (name === 'file') file = { name: value.name, text: await value.text() };
	}
	return { fields, file };
}

/** The lines of a JSONL file, each parsed; a line that is not JSON is undefined (a line error). */
export function jsonlLines(text: string): unknown[] {
	return text
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => {
			try {
				return JSON.parse(line) as unknown;
			} catch {
				return undefined;
			}
		});
}
