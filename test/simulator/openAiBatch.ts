import { randomUUID } from 'node:crypto';

import type { RequestFate, SimBatch } from './batches';
import { BatchBook, answerOf, jsonlLines, readUpload, usageOf } from './batches';
import type { ProviderSimulator, SimReply, SimRequest } from './server';

/**
 * OpenAI's Batch API, from the `openai` SDK (resources/files.ts, resources/batches.ts,
 * core/pagination.ts CursorPage): `Authorization: Bearer`; a JSONL file uploaded to `POST /files`
 * with purpose `batch`; `POST /batches` with `input_file_id`, `endpoint`, `completion_window`
 * `24h` and `metadata`; statuses validating → in_progress → finalizing → completed, or failed
 * (input lines refused, listed in `errors.data` with their line), expired, cancelling → cancelled;
 * `request_counts`; `output_file_id` and `error_file_id`, each absent when it would be empty;
 * expired and canceled requests only in the error file; lists newest first with `after`.
 */

interface OpenAiExtra {
	endpoint: string;
	inputFileId: string;
	metadata: Record<string, string> | null;
	files?: { output?: string; error?: string };
}

const MAX_REQUESTS = 50_000;
const MAX_COMPLETION_TOKENS = 16_384;

export class OpenAiBatchSimulator implements ProviderSimulator {
	readonly prefix = '/openai';

	readonly apiKeys = new Set(['sk-test-openai-batch-key']);

	readonly book = new BatchBook<OpenAiExtra>();

	readonly files = new Map<string, { purpose: string; filename: string; text: string; createdAt: number }>();

	private fileCounter = 0;

	reset(): void {
		this.book.reset();
	}

	async handle(request: SimRequest): Promise<SimReply> {
		const key = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
		if (!key || !this.apiKeys.has(key)) return error(401, 'Incorrect API key provided.', 'invalid_api_key');
		const { method, path } = request;
		if (method === 'POST' && path === '/v1/files') return await this.upload(request);
		const content = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
		if (method === 'GET' && content) return this.fileContent(decodeURIComponent(content[1]));
		if (method === 'POST' && path === '/v1/batches') return this.create(request);
		if (method === 'GET' && path === '/v1/batches') return this.list(request);
		const one = /^\/v1\/batches\/([^/]+)(\/cancel)?$/.exec(path);
		const batch = one ? this.book.batches.get(decodeURIComponent(one[1])) : undefined;
		if (one && !batch) return error(404, `No batch found with id '${one[1]}'.`, 'not_found');
		if (method === 'GET' && batch && !one![2]) return { status: 200, body: this.view(batch, request.at) };
		if (method === 'POST' && batch && one![2]) {
			const phase = this.book.phase(batch, request.at);
			if (['failed', 'ended', 'expired'].includes(phase)) return error(409, `Cannot cancel a batch with status '${this.view(batch, request.at).status}'.`);
			batch.canceledAt ??= request.at;
			return { status: 200, body: this.view(batch, request.at) };
		}
		return error(404, `Unknown request URL: ${method} ${path}.`, 'unknown_url');
	}

	private async upload(request: SimRequest): Promise<SimReply> {
		const upload = await readUpload(request);
		if (!upload?.file) return error(400, "Missing required parameter: 'file'.", 'missing_required_parameter');
		if (upload.fields.purpose !== 'batch') return error(400, `Invalid value for 'purpose': '${upload.fields.purpose}'.`, 'invalid_value');
		const id = `file-${(++this.fileCounter).toString().padStart(8, '0')}`;
		this.files.set(id, { purpose: 'batch', filename: upload.file.name, text: upload.file.text, createdAt: request.at });
		return { status: 200, body: { id, object: 'file', bytes: Buffer.byteLength(upload.file.text), created_at: seconds(request.at), filename: upload.file.name, purpose: 'batch', status: 'processed' } };
	}

	private fileContent(id: string): SimReply {
		const file = this.files.get(id);
		if (!file) return error(404, `No such File object: ${id}`, 'not_found');
		return file.purpose === 'batch_output' ? this.book.resultsFile(id, () => jsonlLines(file.text)) : { status: 200, rawBody: file.text };
	}

	private create(request: SimRequest): SimReply {
		const params = JSON.parse(request.rawBody.toString('utf8') || '{}') as { input_file_id?: string; endpoint?: string; completion_window?: string; metadata?: Record<string, string> };
		if (params.completion_window !== '24h') return error(400, "Invalid value for 'completion_window': only '24h' is supported.", 'invalid_value');
		if (params.endpoint !== '/v1/chat/completions') return error(400, `Invalid value for 'endpoint': '${params.endpoint}'.`, 'invalid_value');
		const file = this.files.get(params.input_file_id ?? '');
		if (!file) return error(400, `Invalid 'input_file_id': '${params.input_file_id}'.`, 'invalid_value');
		const lines = jsonlLines(file.text);
		if (lines.length > MAX_REQUESTS) return error(400, `The batch input file has ${lines.length} requests; the most is ${MAX_REQUESTS}.`, 'invalid_request');
		const lineErrors: SimBatch['lineErrors'] = [];
		const seen = new Set<string>();
		const requests = lines.map((line, index) => {
			const entry = (line ?? {}) as { custom_id?: string; method?: string; url?: string; body?: Record<string, unknown> };
			const refusal =
				line === undefined ? 'This line is not parseable as valid JSON.'
				: typeof entry.custom_id !== 'string' ? "Missing required parameter: 'custom_id'."
				: seen.has(entry.custom_id) ? `The custom_id '${entry.custom_id}' is not unique.`
				: entry.method !== 'POST' || entry.url !== params.endpoint ? `The url and method must be POST ${params.endpoint}.`
				: typeof entry.body?.model !== 'string' ? "Missing required parameter: 'body.model'."
				: Number(entry.body?.max_completion_tokens ?? 0) > MAX_COMPLETION_TOKENS ? `max_completion_tokens is too large: ${String(entry.body?.max_completion_tokens)}. This model supports at most ${MAX_COMPLETION_TOKENS} completion tokens.`
				: undefined;
			if (refusal) lineErrors.push({ line: index + 1, message: refusal, code: 'invalid_request' });
			seen.add(String(entry.custom_id));
			return { customId: String(entry.custom_id), body: entry.body ?? {} };
		});
		const batch = this.book.create(`batch_${randomUUID().replace(/-/g, '')}`, request.at, requests, { endpoint: params.endpoint, inputFileId: params.input_file_id!, metadata: params.metadata ?? null }, lineErrors);
		return { status: 200, body: this.view(batch, request.at) };
	}

	private list(request: SimRequest): SimReply {
		const limit = Math.min(100, Number(request.query.get('limit') ?? 20));
		const all = [...this.book.batches.values()].reverse();
		const after = request.query.get('after');
		const start = after ? all.findIndex((batch) => batch.id === after) + 1 : 0;
		const page = all.slice(start, start + limit).map((batch) => this.view(batch, request.at));
		return { status: 200, body: { object: 'list', data: page, first_id: page[0]?.id ?? null, last_id: page[page.length - 1]?.id ?? null, has_more: start + limit < all.length } };
	}

	private view(batch: SimBatch<OpenAiExtra>, now: number): Record<string, unknown> {
		const phase = this.book.phase(batch, now);
		const status = { validating: 'validating', failed: 'failed', in_progress: 'in_progress', canceling: 'cancelling', canceled: 'cancelled', expired: 'expired', ended: 'completed' }[phase];
		const total = phase === 'validating' || phase === 'failed' ? 0 : batch.requests.length;
		const view: Record<string, unknown> = {
			id: batch.id,
			object: 'batch',
			endpoint: batch.extra.endpoint,
			errors: phase === 'failed' ? { object: 'list', data: batch.lineErrors.map(({ line, message, code }) => ({ code, line, message, param: null })) } : null,
			input_file_id: batch.extra.inputFileId,
			completion_window: '24h',
			status,
			created_at: seconds(batch.createdAt),
			expires_at: seconds(batch.createdAt + 24 * 3600_000),
			metadata: batch.extra.metadata,
			request_counts: { total, completed: phase === 'in_progress' ? this.book.doneCount(batch, now) : 0, failed: 0 },
		};
		if (phase !== 'validating' && phase !== 'failed') view.in_progress_at = seconds(batch.createdAt + this.book.validateMs);
		if (phase === 'failed') view.failed_at = seconds(batch.createdAt + this.book.validateMs);
		if (phase === 'canceling') view.cancelling_at = seconds(batch.canceledAt!);
		if (['canceled', 'expired', 'ended'].includes(phase)) {
			const fates = this.book.fates(batch);
			const failed = fates.filter((fate) => fate !== 'succeeded').length;
			view.request_counts = { total, completed: fates.length - failed, failed };
			const files = (batch.extra.files ??= this.writeResults(batch, fates, now));
			// An empty file is not made: its ID is null.
			view.output_file_id = files.output ?? null;
			view.error_file_id = files.error ?? null;
			view[{ canceled: 'cancelled_at', expired: 'expired_at', ended: 'completed_at' }[phase as 'canceled']] = seconds(now);
		}
		return view;
	}

	private writeResults(batch: SimBatch<OpenAiExtra>, fates: RequestFate[], now: number): { output?: string; error?: string } {
		const output: unknown[] = [];
		const errors: unknown[] = [];
		batch.requests.forEach(({ customId, body }, index) => {
			const id = `batch_req_${batch.id}_${index}`;
			const fate = fates[index];
			if (fate === 'succeeded') {
				const answer = answerOf(body.messages, (body.response_format as { json_schema?: { schema?: unknown } } | undefined)?.json_schema?.schema);
				const usage = usageOf(body.messages, answer);
				output.push({
					id,
					custom_id: customId,
					response: {
						status_code: 200,
						request_id: `req_${index}`,
						body: {
							id: `chatcmpl-${index}`,
							object: 'chat.completion',
							created: seconds(now),
							model: body.model,
							choices: [{ index: 0, message: { role: 'assistant', content: answer, refusal: null }, finish_reason: 'stop', logprobs: null }],
							usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
						},
					},
					error: null,
				});
			} else if (fate === 'errored') {
				errors.push({ id, custom_id: customId, response: { status_code: 400, request_id: `req_${index}`, body: { error: { message: 'Invalid content: the request was refused.', type: 'invalid_request_error', param: null, code: 'invalid_request' } } }, error: null });
			} else {
				const code = fate === 'expired' ? 'batch_expired' : 'batch_cancelled';
				errors.push({ id, custom_id: customId, response: null, error: { code, message: fate === 'expired' ? 'This request could not be executed before the completion window expired.' : 'This request was cancelled.' } });
			}
		});
		const save = (lines: unknown[], name: string) => {
			if (lines.length === 0) return undefined;
			const id = `file-${(++this.fileCounter).toString().padStart(8, '0')}`;
			this.files.set(id, { purpose: 'batch_output', filename: `${batch.id}_${name}.jsonl`, text: lines.map((line) => JSON.stringify(line)).join('\n') + '\n', createdAt: now });
			return id;
		};
		return { output: save(output, 'output'), error: save(errors, 'error') };
	}
}

function seconds(ms: number): number {
	return Math.floor(ms / 1000);
}

function error(status: number, message: string, code: string | null = null): SimReply {
	return { status, body: { error: { message, type: 'invalid_request_error', param: null, code } } };
}
