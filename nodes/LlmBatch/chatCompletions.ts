import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import type { ProviderClient } from '../shared/ProviderClient';
import { StreamedForm } from '../shared/jsonLines';
import type { ChatRequest, RequestResult } from './batchVendor';
import { objectAt, textAt } from './batchVendor';

/*
 * What OpenAI's and Mistral's batch APIs share: a JSONL input file uploaded with purpose `batch`,
 * chat-completion bodies, and result lines of `custom_id`, `response` and `error`.
 */

/** A chat-completion body of one request (OpenAI's and Mistral's shape). */
export function chatCompletionBody({ system, messages, schema }: ChatRequest): IDataObject {
	const body: IDataObject = { messages: system === undefined ? messages : [{ role: 'system', content: system }, ...messages] };
	if (schema) body.response_format = { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } };
	return body;
}

/** Uploads the batch's requests as a JSONL file made while it is sent; returns the file's ID. */
export async function uploadRequestsFile(client: ProviderClient, path: string, entries: () => Iterable<IDataObject>): Promise<string> {
	function* lines() {
		for (const entry of entries()) yield JSON.stringify(entry);
	}
	const form = new StreamedForm({ purpose: 'batch' }, { field: 'file', name: 'requests.jsonl', type: 'application/jsonl', lines });
	const { body } = await client.request({
		method: 'POST',
		path,
		streamedForm: form,
		// A second upload of the same file starts nothing and costs nothing.
		replayable: true,
		purpose: 'upload the batch input file',
	});
	return uploadedFileSchema.parse(body).id;
}

const uploadedFileSchema = z.object({ id: z.string() });

/** Error codes of requests a batch never ran: it expired or was canceled first. */
const NOT_RUN: Record<string, RequestResult['outcome']> = { batch_expired: 'expired', batch_cancelled: 'canceled' };

/** One line of an output or error file: `{custom_id, response: {status_code, body}, error}`. */
export function readChatResultLine(value: unknown): RequestResult {
	const line = objectAt(value, 'the line') ?? {};
	const customId = textAt(line, 'custom_id');
	const error = objectAt(line.error, 'error');
	if (error) {
		const code = typeof error.code === 'string' ? error.code : undefined;
		const message = typeof error.message === 'string' ? error.message : (code ?? 'no reason given');
		return { customId, outcome: (code && NOT_RUN[code]) || 'errored', error: { message, code } };
	}
	const response = objectAt(line.response, 'response');
	const body = objectAt(response?.body, 'response.body');
	const usage = objectAt(body?.usage, 'response.body.usage');
	const tokens = usage && typeof usage.prompt_tokens === 'number' && typeof usage.completion_tokens === 'number' ? { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens } : undefined;
	const statusCode = response?.status_code;
	if (typeof statusCode !== 'number' || statusCode < 200 || statusCode >= 300) {
		const reply = objectAt(body?.error, 'response.body.error');
		const message = [reply?.message, body?.message].find((entry): entry is string => typeof entry === 'string') ?? `HTTP ${String(statusCode ?? 'status missing')}`;
		return { customId, outcome: 'errored', error: { message, code: typeof reply?.code === 'string' ? reply.code : undefined }, usage: tokens };
	}
	const [choice] = Array.isArray(body?.choices) ? (body.choices as unknown[]) : [];
	const message = objectAt(objectAt(choice, 'response.body.choices[0]')?.message, 'response.body.choices[0].message');
	return { customId, outcome: 'succeeded', text: textOf(message?.content), usage: tokens };
}

/** A message's content as text: a string, or the text parts of a list of parts. */
function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content.map((part) => (typeof (part as { text?: unknown })?.text === 'string' ? (part as { text: string }).text : '')).join('');
	}
	return '';
}
