import { randomUUID } from 'node:crypto';

import type { RequestFate, SimBatch } from './batches';
import { BatchBook, answerOf, jsonlLines, readUpload, usageOf } from './batches';
import type { ProviderSimulator, SimReply, SimRequest } from './server';

/**
 * Mistral's batch jobs, from `@mistralai/mistralai` (funcs/filesUpload.ts, funcs/batchJobs*.ts,
 * models/components/batchjob.ts, createfileresponse.ts): `Authorization: Bearer`; a JSONL file of
 * `{custom_id, body}` lines uploaded to `POST /v1/files` with purpose `batch`; `POST
 * /v1/batch/jobs` with `input_files`, `endpoint`, `model`, `metadata`, `timeout_hours`; statuses
 * QUEUED → RUNNING → SUCCESS, or FAILED (with `errors` of message and count), TIMEOUT_EXCEEDED,
 * CANCELLATION_REQUESTED → CANCELLED; request counts; `output_file` and `error_file`, absent when
 * empty, of OpenAI-shaped result lines; lists paged by `page` and `page_size`, with `total`.
 */

interface MistralExtra {
	model: string;
	inputFiles: string[];
	metadata: Record<string, string> | null;
	endpoint: string;
	files?: { output?: string; error?: string };
}

export class MistralBatchSimulator implements ProviderSimulator {
	readonly prefix = '/mistral';

	readonly apiKeys = new Set(['mistral-test-batch-key']);

	readonly book = new BatchBook<MistralExtra>();

	readonly files = new Map<string, { purpose: string; filename: string; text: string }>();

	reset(): void {
		this.book.reset();
	}

	async handle(request: SimRequest): Promise<SimReply> {
		const key = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
		if (!key || !this.apiKeys.has(key)) return { status: 401, body: { message: 'Unauthorized', request_id: randomUUID() } };
		const { method, path } = request;
		if (method === 'POST' && path === '/v1/files') return await this.upload(request);
		const content = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
		if (method === 'GET' && content) return this.fileContent(decodeURIComponent(content[1]));
		if (path === '/v1/batch/jobs' && method === 'POST') return this.create(request);
		if (path === '/v1/batch/jobs' && method === 'GET') return this.list(request);
		const one = /^\/v1\/batch\/jobs\/([^/]+)(\/cancel)?$/.exec(path);
		const job = one ? this.book.batches.get(decodeURIComponent(one[1])) : undefined;
		if (!one || !job) return { status: 404, body: { detail: one ? `Batch job ${one[1]} not found` : 'Not Found' } };
		if (method === 'GET' && !one[2]) return { status: 200, body: this.view(job, request.at) };
		if (method === 'POST' && one[2]) {
			if (['queued', 'validating', 'in_progress'].includes(this.book.phase(job, request.at))) job.canceledAt ??= request.at;
			return { status: 200, body: this.view(job, request.at) };
		}
		return { status: 405, body: { detail: 'Method Not Allowed' } };
	}

	private async upload(request: SimRequest): Promise<SimReply> {
		const upload = await readUpload(request);
		if (!upload?.file) return { status: 422, body: { detail: [{ loc: ['body', 'file'], msg: 'Field required', type: 'missing' }] } };
		const id = randomUUID();
		this.files.set(id, { purpose: upload.fields.purpose ?? 'fine-tune', filename: upload.file.name, text: upload.file.text });
		return {
			status: 200,
			body: { id, object: 'file', bytes: Buffer.byteLength(upload.file.text), created_at: Math.floor(request.at / 1000), filename: upload.file.name, purpose: upload.fields.purpose ?? 'fine-tune', sample_type: 'batch_request', source: 'upload', num_lines: jsonlLines(upload.file.text).length },
		};
	}

	private fileContent(id: string): SimReply {
		const file = this.files.get(id);
		if (!file) return { status: 404, body: { detail: `File ${id} not found` } };
		return file.purpose === 'batch_result' ? this.book.resultsFile(id, () => jsonlLines(file.text)) : { status: 200, rawBody: file.text };
	}

	private create(request: SimRequest): SimReply {
		const params = JSON.parse(request.rawBody.toString('utf8') || '{}') as { input_files?: string[]; endpoint?: string; model?: string; metadata?: Record<string, string> };
		if (!params.model) return { status: 422, body: { detail: [{ loc: ['body', 'model'], msg: 'A model is required for /v1/chat/completions', type: 'value_error' }] } };
		const files = (params.input_files ?? []).map((id) => this.files.get(id));
		if (files.length === 0 || files.some((file) => file?.purpose !== 'batch')) return { status: 422, body: { detail: [{ loc: ['body', 'input_files'], msg: 'Input files must be uploaded with purpose batch', type: 'value_error' }] } };
		const lines = files.flatMap((file) => jsonlLines(file!.text));
		const refused = lines.filter((line) => typeof (line as { custom_id?: unknown })?.custom_id !== 'string' || !Array.isArray((line as { body?: { messages?: unknown } }).body?.messages));
		const lineErrors = refused.length ? [{ line: 0, message: 'Invalid batch request: every line needs a custom_id and a body with messages', code: 'invalid_request' }] : [];
		const requests = lines.map((line) => ({ customId: String((line as { custom_id?: unknown })?.custom_id), body: ((line as { body?: Record<string, unknown> })?.body ?? {}) }));
		const job = this.book.create(randomUUID(), request.at, requests, { model: params.model, inputFiles: params.input_files!, metadata: params.metadata ?? null, endpoint: params.endpoint ?? '/v1/chat/completions' }, lineErrors);
		return { status: 200, body: this.view(job, request.at) };
	}

	private list(request: SimRequest): SimReply {
		const page = Number(request.query.get('page') ?? 0);
		const size = Number(request.query.get('page_size') ?? 100);
		const all = [...this.book.batches.values()].reverse();
		return { status: 200, body: { object: 'list', total: all.length, data: all.slice(page * size, (page + 1) * size).map((job) => this.view(job, request.at)) } };
	}

	private view(job: SimBatch<MistralExtra>, now: number): Record<string, unknown> {
		const phase = this.book.phase(job, now);
		const status = { validating: 'QUEUED', failed: 'FAILED', in_progress: 'RUNNING', canceling: 'CANCELLATION_REQUESTED', canceled: 'CANCELLED', expired: 'TIMEOUT_EXCEEDED', ended: 'SUCCESS' }[phase];
		const finished = ['canceled', 'expired', 'ended'].includes(phase);
		const fates = finished ? this.book.fates(job) : [];
		const done = finished ? fates.filter((fate) => fate === 'succeeded' || fate === 'errored').length : phase === 'in_progress' ? this.book.doneCount(job, now) : 0;
		const files = finished ? (job.extra.files ??= this.writeResults(job, fates)) : {};
		return {
			id: job.id,
			object: 'batch',
			input_files: job.extra.inputFiles,
			metadata: job.extra.metadata,
			endpoint: job.extra.endpoint,
			model: job.extra.model,
			output_file: files.output ?? null,
			error_file: files.error ?? null,
			errors: phase === 'failed' ? job.lineErrors.map(({ message }) => ({ message, count: 1 })) : [],
			status,
			created_at: Math.floor(job.createdAt / 1000),
			total_requests: job.requests.length,
			completed_requests: done,
			succeeded_requests: fates.filter((fate) => fate === 'succeeded').length,
			failed_requests: fates.filter((fate) => fate !== 'succeeded').length,
			started_at: phase === 'validating' ? null : Math.floor((job.createdAt + this.book.validateMs) / 1000),
			completed_at: finished || phase === 'failed' ? Math.floor(now / 1000) : null,
		};
	}

	private writeResults(job: SimBatch<MistralExtra>, fates: RequestFate[]): { output?: string; error?: string } {
		const output: unknown[] = [];
		const errors: unknown[] = [];
		job.requests.forEach(({ customId, body }, index) => {
			const fate = fates[index];
			if (fate === 'succeeded') {
				const answer = answerOf(body.messages, (body.response_format as { json_schema?: { schema?: unknown } } | undefined)?.json_schema?.schema);
				const usage = usageOf(body.messages, answer);
				output.push({
					id: `batch-${index}`,
					custom_id: customId,
					response: {
						status_code: 200,
						body: { id: `cmpl-${index}`, object: 'chat.completion', model: job.extra.model, choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }], usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output } },
					},
					error: null,
				});
			} else if (fate === 'errored') {
				errors.push({ id: `batch-${index}`, custom_id: customId, response: { status_code: 400, body: { object: 'error', message: 'Invalid request: the request was refused', type: 'invalid_request_error', code: '3001' } }, error: null });
			}
		});
		const save = (lines: unknown[]) => {
			if (lines.length === 0) return undefined;
			const id = randomUUID();
			this.files.set(id, { purpose: 'batch_result', filename: `${id}.jsonl`, text: lines.map((line) => JSON.stringify(line)).join('\n') + '\n' });
			return id;
		};
		return { output: save(output), error: save(errors) };
	}
}
