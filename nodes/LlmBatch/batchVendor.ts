import type { IDataObject } from 'n8n-workflow';

import type { JobProvider, JobRef, ProviderErrorInfo, ProviderRequest, WaitDefaults } from '../shared/JobProvider';
import type { ProviderClient } from '../shared/ProviderClient';

/** One item's request, as Create Batch builds it from the item's parameters. */
export interface ChatRequest {
	customId: string;
	model: string;
	system?: string;
	messages: Array<{ role: string; content: unknown }>;
	maxTokens: number;
	/** The JSON Schema the answer must follow, where one was asked. */
	schema?: IDataObject;
}

/** The items of one batch: a run larger than the vendor's limit becomes several. */
export interface BatchPart {
	/** Names the run (execution and node) in custom IDs and metadata. */
	runTag: string;
	/** 1-based. */
	part: number;
	parts: number;
	firstItem: number;
	requestCount: number;
}

/** What one request of a batch came to. */
export type RequestOutcome = 'succeeded' | 'errored' | 'expired' | 'canceled' | 'missing';

/** One request's result: a line of a results file, read (or, `missing`, none found). */
export interface RequestResult {
	customId: string;
	outcome: RequestOutcome;
	text?: string;
	usage?: { inputTokens: number; outputTokens: number };
	error?: { message: string; code?: string };
}

/** A refusal of one line of the input file, found when the vendor checked it (OpenAI's validation). */
export interface LineError {
	/** 1-based line of the input file. */
	line: number;
	message: string;
	code?: string;
}

/**
 * A language-model vendor's batch API, on top of the job engine's provider: the batch is the job
 * (Get Batch, Wait For Batch and Cancel Batch are the engine's), and these add how a batch is
 * made, found again and read out.
 */
export interface BatchVendor extends JobProvider {
	/** The most requests the vendor takes in one batch. */
	maxRequestsPerBatch: number;
	/** One request as the vendor's batch takes it (a line of its input file, or an entry of its inline list). */
	requestEntry(request: ChatRequest): IDataObject;
	/** Starts one batch of `entries` (made anew at each call, so nothing holds all of them); returns the batch as created. */
	startBatch(client: ProviderClient, part: BatchPart, entries: () => Iterable<IDataObject>, model: string): Promise<unknown>;
	/** A batch this part made before (the same run created again), where the vendor's list tells; undefined where none or it cannot. */
	findBatch?(client: ProviderClient, part: BatchPart): Promise<unknown>;
	cancelRequest(ref: JobRef): ProviderRequest;
	/** The results files of a finished batch, each read line by line. */
	resultFiles(batch: unknown): ProviderRequest[];
	readResultLine(value: unknown): RequestResult;
	/** Lines of the input file the vendor refused, where a batch failed on them. */
	lineErrors?(batch: unknown): LineError[];
	/** The part of the run a batch holds, where its metadata tells; else `count` alone (from its request counts). */
	batchRange(batch: unknown): { firstItem?: number; count: number };
}

/**
 * Batches answer within hours (24 at most): a first check after half a minute, then at most every
 * ten minutes; a wait in the node is for small batches, a day's wait is n8n's Wait node in a loop.
 */
export const BATCH_WAIT_DEFAULTS: WaitDefaults = { pollIntervalSeconds: 30, maxIntervalSeconds: 600, timeoutMinutes: 60, requestsPerSecond: 5 };

/** Whether a batch created at `createdAt` (epoch seconds or an ISO time) may belong to a run still going: at most two days old. */
export function recentEnough(createdAt: number | string): boolean {
	const at = typeof createdAt === 'number' ? createdAt * 1000 : Date.parse(createdAt);
	return !(Date.now() - at > 2 * 24 * 3600_000);
}

/** Metadata a batch is found by again, where the vendor keeps metadata. */
export function partMetadata({ runTag, part, parts, firstItem, requestCount }: BatchPart): Record<string, string> {
	return { n8n_run: runTag, n8n_part: `${part}/${parts}`, n8n_items: `${firstItem}+${requestCount}` };
}

/** Reads `partMetadata` back: the part's first item and request count. */
export function rangeFromMetadata(metadata: unknown): { firstItem: number; count: number } | undefined {
	const items = (metadata as Record<string, unknown> | null | undefined)?.n8n_items;
	const match = typeof items === 'string' ? /^(\d+)\+(\d+)$/.exec(items) : null;
	return match ? { firstItem: Number(match[1]), count: Number(match[2]) } : undefined;
}

/** Whether a listed batch's metadata names this part of this run. */
export function isBatchOf(metadata: unknown, part: BatchPart): boolean {
	const expected = partMetadata(part);
	const found = (metadata ?? {}) as Record<string, unknown>;
	return Object.entries(expected).every(([key, value]) => found[key] === value);
}

/**
 * A request's custom ID: the run's tag, the first item of its batch, then the item's index in the
 * run's input (at most 64 characters of letters, digits, `-` and `_`, as the strictest vendor
 * allows). Any one result line so tells which items its batch holds.
 */
export function customIdOf({ runTag, firstItem }: Pick<BatchPart, 'runTag' | 'firstItem'>, itemIndex: number): string {
	return `${runTag}-${firstItem}-${itemIndex}`;
}

/** What a custom ID of ours names; undefined for any other. */
export function parseCustomId(customId: string): { runTag: string; firstItem: number; itemIndex: number } | undefined {
	const match = /^([0-9a-f]{16})-(\d+)-(\d+)$/.exec(customId);
	return match ? { runTag: match[1], firstItem: Number(match[2]), itemIndex: Number(match[3]) } : undefined;
}

/*
 * Results lines are read with these plain checks rather than zod: a schema costs several times
 * what parsing the line does, and a run reads tens of thousands of lines.
 */

/** `value` as an object; undefined for null or absent; anything else is an error naming `path`. */
export function objectAt(value: unknown, path: string): Record<string, unknown> | undefined {
	if (value === null || value === undefined) return undefined;
	if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${path} is not an object`);
	return value as Record<string, unknown>;
}

/** The text field `key` of `object`; an error naming it where it is not text. */
export function textAt(object: Record<string, unknown>, key: string): string {
	const value = object[key];
	if (typeof value !== 'string') throw new Error(`${key} is not text`);
	return value;
}

/** An error reply of a vendor's API: `{error: {message, code or type}}` (OpenAI, Anthropic), or `{message}`/`{detail}` (Mistral). */
export function readVendorError(statusCode: number, body: unknown, notFoundAdvice: string): ProviderErrorInfo {
	const { error, message, detail } = (body ?? {}) as { error?: { message?: unknown; code?: unknown; type?: unknown }; message?: unknown; detail?: unknown };
	const text = [error?.message, message, detail].find((entry): entry is string => typeof entry === 'string') ?? `HTTP ${statusCode}`;
	const code = [error?.code, error?.type].find((entry): entry is string => typeof entry === 'string');
	if (statusCode === 401 || statusCode === 403) return { message: text, problem: 'credentials', code };
	if (statusCode === 404) return { message: text, problem: 'notFound', description: notFoundAdvice, code };
	if (statusCode === 429) return { message: text, problem: 'rateLimited', code };
	if (statusCode >= 500) return { message: text, problem: 'unavailable', code };
	return { message: text, problem: 'invalidInput', code };
}
