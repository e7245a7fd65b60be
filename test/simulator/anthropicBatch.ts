import { randomUUID } from 'node:crypto';

import type { SimBatch } from './batches';
import { BatchBook, answerOf, usageOf } from './batches';
import type { ProviderSimulator, SimReply, SimRequest, SimulatorServer } from './server';

/**
 * Anthropic's Message Batches, from `@anthropic-ai/sdk` (resources/messages/batches.ts,
 * core/pagination.ts Page): the key in `x-api-key` (or as a Bearer token, as the SDK sends it)
 * and an `anthropic-version` header; requests inline in
 * `POST /v1/messages/batches` as `{custom_id, params}` (custom IDs of 1–64 letters, digits, `-`,
 * `_`, checked at once: a bad one refuses the whole batch); `processing_status` in_progress →
 * (canceling →) ended; `request_counts` counting every request as processing until the batch
 * ends; `results_url`, an absolute URL of a JSONL file of `{custom_id, result}` with result
 * types succeeded, errored, canceled, expired; lists newest first with `after_id`. No metadata.
 */

const MAX_REQUESTS = 100_000;
const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

export class AnthropicBatchSimulator implements ProviderSimulator {
	readonly prefix = '/anthropic';

	readonly apiKeys = new Set(['sk-ant-test-batch-key']);

	readonly book = new BatchBook<null>();

	/** Where `results_url` points; by default this simulator's own address. A test points it at another host. */
	resultsBase?: string;

	constructor(private readonly server: SimulatorServer) {}

	reset(): void {
		this.book.reset();
		this.resultsBase = undefined;
	}

	handle(request: SimRequest): SimReply {
		// The API's documents name `x-api-key`; the SDK (client.ts apiKeyAuth) sends the key as a Bearer token: both are taken.
		const key = request.headers['x-api-key'] ?? /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
		if (typeof key !== 'string' || !this.apiKeys.has(key)) return error(401, 'authentication_error', 'invalid x-api-key');
		if (!request.headers['anthropic-version']) return error(400, 'invalid_request_error', 'anthropic-version: header is required');
		const { method, path } = request;
		if (path === '/v1/messages/batches') {
			if (method === 'POST') return this.create(request);
			if (method === 'GET') return this.list(request);
		}
		const one = /^\/v1\/messages\/batches\/([^/]+)(\/cancel|\/results)?$/.exec(path);
		const batch = one ? this.book.batches.get(decodeURIComponent(one[1])) : undefined;
		if (!one || !batch) return error(404, 'not_found_error', one ? `No batch with id ${one[1]}` : 'Not found');
		const action = one[2];
		if (method === 'GET' && !action) return { status: 200, body: this.view(batch, request.at) };
		if (method === 'POST' && action === '/cancel') {
			if (this.book.phase(batch, request.at) === 'ended') return { status: 200, body: this.view(batch, request.at) };
			batch.canceledAt ??= request.at;
			return { status: 200, body: this.view(batch, request.at) };
		}
		if (method === 'GET' && action === '/results') return this.results(batch, request.at);
		return error(405, 'invalid_request_error', 'Method not allowed');
	}

	private create(request: SimRequest): SimReply {
		const params = JSON.parse(request.rawBody.toString('utf8') || '{}') as { requests?: Array<{ custom_id?: unknown; params?: Record<string, unknown> }> };
		const requests = params.requests;
		if (!Array.isArray(requests) || requests.length === 0) return error(400, 'invalid_request_error', 'requests: Field required');
		if (requests.length > MAX_REQUESTS) return error(400, 'invalid_request_error', `requests: at most ${MAX_REQUESTS} requests per batch`);
		const seen = new Set<unknown>();
		for (const [index, entry] of requests.entries()) {
			const refusal =
				typeof entry.custom_id !== 'string' || !CUSTOM_ID.test(entry.custom_id) ? 'custom_id: String should match pattern ^[a-zA-Z0-9_-]{1,64}$'
				: seen.has(entry.custom_id) ? 'custom_id: must be unique within the batch'
				: typeof entry.params?.model !== 'string' ? 'params.model: Field required'
				: typeof entry.params?.max_tokens !== 'number' ? 'params.max_tokens: Field required'
				: !Array.isArray(entry.params?.messages) ? 'params.messages: Field required'
				: undefined;
			if (refusal) return error(400, 'invalid_request_error', `requests.${index}.${refusal}`);
			seen.add(entry.custom_id);
		}
		const batch = this.book.create(`msgbatch_${randomUUID().replace(/-/g, '').slice(0, 24)}`, request.at, requests.map((entry) => ({ customId: entry.custom_id as string, body: entry.params! })), null);
		return { status: 200, body: this.view(batch, request.at) };
	}

	private list(request: SimRequest): SimReply {
		const limit = Math.min(1000, Number(request.query.get('limit') ?? 20));
		const all = [...this.book.batches.values()].reverse();
		const afterId = request.query.get('after_id');
		const start = afterId ? all.findIndex((batch) => batch.id === afterId) + 1 : 0;
		const page = all.slice(start, start + limit).map((batch) => this.view(batch, request.at));
		return { status: 200, body: { data: page, has_more: start + limit < all.length, first_id: page[0]?.id ?? null, last_id: page[page.length - 1]?.id ?? null } };
	}

	private view(batch: SimBatch<null>, now: number): Record<string, unknown> {
		const phase = this.book.phase(batch, now);
		const ended = ['canceled', 'expired', 'ended'].includes(phase);
		const counts = { processing: batch.requests.length, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
		if (ended) {
			counts.processing = 0;
			for (const fate of this.book.fates(batch)) counts[fate]++;
		}
		const base = this.resultsBase ?? this.server.baseUrl(this);
		return {
			id: batch.id,
			type: 'message_batch',
			processing_status: ended ? 'ended' : phase === 'canceling' ? 'canceling' : 'in_progress',
			request_counts: counts,
			created_at: new Date(batch.createdAt).toISOString(),
			expires_at: new Date(batch.createdAt + 24 * 3600_000).toISOString(),
			ended_at: ended ? new Date(now).toISOString() : null,
			cancel_initiated_at: batch.canceledAt === undefined ? null : new Date(batch.canceledAt).toISOString(),
			archived_at: null,
			results_url: ended ? `${base}/v1/messages/batches/${batch.id}/results` : null,
		};
	}

	private results(batch: SimBatch<null>, now: number): SimReply {
		if (!['canceled', 'expired', 'ended'].includes(this.book.phase(batch, now))) return error(404, 'not_found_error', 'Batch has not ended');
		return this.book.resultsFile(batch.id, () => this.resultLines(batch));
	}

	private resultLines(batch: SimBatch<null>): unknown[] {
		const fates = this.book.fates(batch);
		return batch.requests.map(({ customId, body }, index) => {
			const fate = fates[index];
			if (fate === 'succeeded') {
				const answer = answerOf(body.messages, (body.output_config as { format?: { schema?: unknown } } | undefined)?.format?.schema);
				const usage = usageOf(body.messages, answer);
				return {
					custom_id: customId,
					result: {
						type: 'succeeded',
						message: { id: `msg_${index}`, type: 'message', role: 'assistant', model: body.model, content: [{ type: 'text', text: answer }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: usage.input, output_tokens: usage.output } },
					},
				};
			}
			if (fate === 'errored') return { custom_id: customId, result: { type: 'errored', error: { type: 'error', error: { type: 'invalid_request_error', message: 'messages: the request was refused' } } } };
			return { custom_id: customId, result: { type: fate } };
		});
	}
}

function error(status: number, type: string, message: string): SimReply {
	return { status, body: { type: 'error', error: { type, message } } };
}
