import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import type { ProviderClient } from '../shared/ProviderClient';
import { StreamedForm } from '../shared/jsonLines';
import type { ChatRequest, RequestResult } from './batchVendor';

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

const resultLineSchema = z.object({
	custom_id: z.string(),
	response: z
		.object({
			status_code: z.number(),
			body: z
				.object({
					choices: z.array(z.object({ message: z.object({ content: z.unknown() }).passthrough() }).passthrough()).optional(),
					usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).passthrough().nullish(),
					error: z.object({ message: z.string(), code: z.unknown().optional() }).passthrough().nullish(),
					message: z.string().optional(),
				})
				.passthrough()
				.nullish(),
		})
		.nullish(),
	error: z.object({ message: z.string().nullish(), code: z.string().nullish() }).passthrough().nullish(),
});

/** Error codes of requests a batch never ran: it expired or was canceled first. */
const NOT_RUN: Record<string, RequestResult['outcome']> = { batch_expired: 'expired', batch_cancelled: 'canceled' };

/** One line of an output or error file. */
export function readChatResultLine(value: unknown): RequestResult {
	const line = resultLineSchema.parse(value);
	const { custom_id: customId, response, error } = line;
	if (error) {
		const code = error.code ?? undefined;
		return { customId, outcome: (code && NOT_RUN[code]) || 'errored', error: { message: error.message ?? code ?? 'no reason given', code } };
	}
	const body = response?.body;
	const usage = body?.usage ? { inputTokens: body.usage.prompt_tokens, outputTokens: body.usage.completion_tokens } : undefined;
	if (!response || response.status_code < 200 || response.status_code >= 300) {
		const message = body?.error?.message ?? body?.message ?? `HTTP ${response?.status_code ?? 'status missing'}`;
		const code = typeof body?.error?.code === 'string' ? body.error.code : undefined;
		return { customId, outcome: 'errored', error: { message, code }, usage };
	}
	const content = body?.choices?.[0]?.message.content;
	return { customId, outcome: 'succeeded', text: textOf(content), usage };
}

/** A message's content as text: a string, or the text parts of a list of parts. */
function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content.map((part) => (typeof (part as { text?: unknown })?.text === 'string' ? (part as { text: string }).text : '')).join('');
	}
	return '';
}
