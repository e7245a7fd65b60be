import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { ZodError, z } from 'zod';

import type { JobOutput, JobSnapshot, JobStatus } from '../shared/JobItem';
import { formatFromUrl, kindFromFormat, toIsoTime } from '../shared/JobItem';
import type { JobProvider, ProviderErrorInfo, ProviderReply, WaitDefaults } from '../shared/JobProvider';
import { checkedCollection, checkedText, invalidValue } from '../shared/parameters';
import { errorMessageOf, textReplySummary } from '../shared/providerErrors';

/**
 * The adapter of the HTTP Async Job node, built from the node's parameters: where the job id,
 * the status word and the rest of the item are in the replies, and which words mean what.
 * It is a JobProvider like any other, so the engine runs it as it runs the provider nodes.
 */

export const HTTP_WAIT_DEFAULTS: WaitDefaults = { pollIntervalSeconds: 2, maxIntervalSeconds: 30, timeoutMinutes: 30, requestsPerSecond: 5 };

/** What each generic credential type keeps secret, and how a request carries it where n8n's type does not apply it. */
const CREDENTIALS: Record<string, { secretFields: string[] }> = {
	httpHeaderAuth: { secretFields: ['value'] },
	httpBearerAuth: { secretFields: ['token'] },
	httpQueryAuth: { secretFields: ['value'] },
	httpBasicAuth: { secretFields: ['password'] },
};

export const JOB_ID = '{{jobId}}';

/** A field path: names joined by dots, with [n] for list entries (`data.items[0].url`; `[0].status` in a reply that is a list). */
const PATH = /^([^.[\]\s]+|\[\d+\])(\[\d+\])*(\.[^.[\]\s]+(\[\d+\])*)*$/;

/** The value at `path` in `value`, or undefined where any step is missing. */
export function valueAt(value: unknown, path: string): unknown {
	const steps = path.split('.').flatMap((part) => part.split(/\[(\d+)\]/).filter((step) => step !== ''));
	// Own fields only: a path such as "constructor" finds nothing rather than JavaScript's internals.
	return steps.reduce<unknown>(
		(current, step) => (typeof current === 'object' && current !== null && Object.prototype.hasOwnProperty.call(current, step) ? (current as IDataObject)[step] : undefined),
		value,
	);
}

interface ReplyFields {
	progressPath?: string;
	progressScale?: 'percent' | 'fraction';
	queuePositionPath?: string;
	errorPath?: string;
	outputsPath?: string;
	outputUrlField?: string;
	costPath?: string;
	createdAtPath?: string;
}

const REPLY_FIELD_NAMES: Array<[Exclude<keyof ReplyFields, 'progressScale'>, string]> = [
	['progressPath', 'Progress Path'],
	['queuePositionPath', 'Queue Position Path'],
	['errorPath', 'Error Message Path'],
	['outputsPath', 'Outputs Path'],
	['outputUrlField', 'Output URL Field'],
	['costPath', 'Cost Path'],
	['createdAtPath', 'Created Time Path'],
];

/** How one run reads the API's replies: the first item's settings, checked before anything is sent. */
interface ReadingRules {
	statusPath: string;
	words: Map<string, JobStatus>;
	fields: ReplyFields;
	/** Create only: where its reply holds the job ID. */
	jobIdPath?: string;
	resultUrlPath?: string;
	/** Outputs and errors come from a result request, not from the status reply. */
	hasResultRequest: boolean;
}

/** A path parameter: empty is undefined, anything else must be a path. */
export function checkedPath(node: INode, value: unknown, field: string, itemIndex: number): string | undefined {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
	const path = checkedText(node, value, field, itemIndex);
	if (!PATH.test(path)) {
		throw invalidValue(node, itemIndex, field, `must be a field path such as "status" or "data.items[0].url", not "${path}"`, 'Join nested field names with dots and write list entries as [0].');
	}
	return path;
}

function readRules(fn: IExecuteFunctions, itemIndex: number): ReadingRules {
	const node = fn.getNode();
	const path = (name: string, field: string) => checkedPath(node, fn.getNodeParameter(name, itemIndex, ''), field, itemIndex);
	const words = new Map<string, JobStatus>();
	const wordLists: Array<[string, string, JobStatus]> = [
		['succeededWords', 'Succeeded Words', 'succeeded'],
		['failedWords', 'Failed Words', 'failed'],
		['canceledWords', 'Canceled Words', 'canceled'],
		['queuedWords', 'Queued Words', 'queued'],
	];
	for (const [name, field, status] of wordLists) {
		const value = fn.getNodeParameter(name, itemIndex, '') as unknown;
		if (typeof value !== 'string') throw invalidValue(node, itemIndex, field, 'must be text: status words separated by commas');
		for (const word of value.split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean)) {
			const earlier = words.get(word);
			if (earlier && earlier !== status) {
				throw invalidValue(node, itemIndex, field, `names "${word}", which another list already gives the status "${earlier}"`, 'Each status word may mean one thing only.');
			}
			words.set(word, status);
		}
	}
	if (![...words.values()].includes('succeeded')) {
		throw invalidValue(node, itemIndex, 'Succeeded Words', 'is empty', 'Name the status word(s) the API reports for a finished job, e.g. "succeeded".');
	}
	const replyFields = checkedCollection(fn, 'replyFields', itemIndex, 'Reply Fields', []) as ReplyFields;
	const fields: ReplyFields = { progressScale: replyFields.progressScale === 'fraction' ? 'fraction' : 'percent' };
	for (const [name, field] of REPLY_FIELD_NAMES) fields[name] = checkedPath(node, replyFields[name], field, itemIndex);
	const result = fn.getNodeParameter('resultRequest', itemIndex, {}) as IDataObject;
	const isCreate = fn.getNodeParameter('operation', 0) === 'createJob';
	const resultUrlPath = checkedPath(node, result.resultUrlPath, 'Result URL Path', itemIndex);
	return {
		statusPath: path('statusPath', 'Status Field Path') ?? 'status',
		words,
		fields,
		jobIdPath: isCreate ? (path('jobIdPath', 'Job ID Path') ?? 'id') : undefined,
		resultUrlPath,
		hasResultRequest: resultUrlPath !== undefined || (typeof result.resultUrl === 'string' && result.resultUrl.trim() !== ''),
	};
}

/** A URL parameter of an item, `{{jobId}}` filled in: it must be an http(s) address. */
export function checkedUrl(node: INode, value: unknown, field: string, itemIndex: number, jobId?: string): string {
	const text = checkedText(node, value, field, itemIndex);
	const url = jobId === undefined ? text : text.split(JOB_ID).join(encodeURIComponent(jobId));
	if (!/^https?:\/\/[^/\s]+/i.test(url)) {
		throw invalidValue(node, itemIndex, field, `must be an http(s) address, not "${url.slice(0, 80)}"`, 'Give the whole address, starting with https://.');
	}
	return url;
}

/** The adapter for one run of the node, from the first item's settings. */
export function httpAsyncJobProvider(fn: IExecuteFunctions): JobProvider {
	const authentication = fn.getNodeParameter('authentication', 0, 'none') as string;
	const credentialType = authentication === 'none' ? undefined : authentication;
	if (credentialType !== undefined && !CREDENTIALS[credentialType]) {
		throw invalidValue(fn.getNode(), 0, 'Authentication', `must be one of None, ${Object.keys(CREDENTIALS).join(', ')}, not "${authentication}"`);
	}
	const rules = readRules(fn, 0);
	const { fields } = rules;
	const addressField = fn.getNodeParameter('operation', 0) === 'createJob' ? 'URL' : 'Status URL';
	const credentialOrigins = credentialType ? allowedOrigins(fn) : [];
	const mapStatus = (word: string) => rules.words.get(word.trim().toLowerCase());
	// Google's long-running operations leave `done` out until it is true: where the lists map true/false, no status reads as false.
	const statusWord = rules.words.has('true') || rules.words.has('false') ? BOOLEAN_STATUS : STATUS_WORD;
	/** A reply that reads as succeeded but holds an error at the Error Message Path (a Google operation's `error`) is failed. */
	const withErrorFailed = (snapshot: JobSnapshot): JobSnapshot =>
		snapshot.error && (snapshot.status ?? mapStatus(snapshot.providerStatus)) === 'succeeded' ? { ...snapshot, status: 'failed' } : snapshot;
	const statusPart = rules.hasResultRequest ? 'status' : 'all';

	const displayName = hostOf(fn.getNodeParameter(addressField === 'URL' ? 'url' : 'statusUrl', 0, ''));
	return {
		name: 'httpAsyncJob',
		displayName,
		credentialType,
		secretFields: credentialType ? CREDENTIALS[credentialType].secretFields : [],
		waitDefaults: HTTP_WAIT_DEFAULTS,
		credentialOrigins: () => credentialOrigins,
		credentialOriginsOption: CREDENTIAL_HOSTS,
		addressField: `the ${addressField} field`,
		credentialAdvice: () => `Check the ${displayName} credential: its key must be one the API at the ${addressField} field accepts.`,

		authenticate(credentials, options) {
			if (credentialType === 'httpQueryAuth') return { ...options, qs: { ...options.qs, [String(credentials.name)]: credentials.value } };
			if (credentialType === 'httpBasicAuth') return { ...options, auth: { username: String(credentials.user ?? ''), password: String(credentials.password ?? '') } };
			return options;
		},

		credentialProblem(credentials) {
			if (credentialType === 'httpHeaderAuth' || credentialType === 'httpQueryAuth') {
				if (!String(credentials.name ?? '').trim()) return 'its Name is empty';
			}
			const secret = credentialType ? CREDENTIALS[credentialType].secretFields[0] : undefined;
			return secret && !String(credentials[secret] ?? '') ? `its ${secret === 'token' ? 'Bearer Token' : secret === 'password' ? 'Password' : 'Value'} is empty` : undefined;
		},

		getJobRequest: ({ jobId, address }) => ({
			method: 'GET',
			path: address!.statusUrl,
			purpose: `get job ${jobId}`,
			...(address!.statusUrlReplyField ? { urlFromReply: address!.statusUrlReplyField } : { urlField: 'Status URL' }),
		}),

		readJob(body, ref) {
			const word = checkedAt(body, rules.statusPath, statusWord);
			return withErrorFailed({ ...readFields(body, fields, statusPart), jobId: ref!.jobId, providerStatus: word });
		},

		readCreatedJob(body) {
			const jobId = checkedAt(body, rules.jobIdPath ?? 'id', JOB_ID_VALUE);
			const word = valueAt(body, rules.statusPath) === undefined ? undefined : checkedAt(body, rules.statusPath, statusWord);
			// A reply without a status word (an id alone) says only that the job was accepted.
			return withErrorFailed({ ...readFields(body, fields, statusPart), jobId, providerStatus: word ?? 'created', ...(word === undefined ? { status: 'queued' as const } : {}) });
		},

		mapStatus,

		resultRequest(ref, body) {
			const fromReply = rules.resultUrlPath ? valueAt(body, rules.resultUrlPath) : undefined;
			const purpose = `get the result of job ${ref.jobId}`;
			if (typeof fromReply === 'string' && fromReply !== '') {
				return { method: 'GET', path: fromReply, purpose, urlFromReply: `Result URL Path "${rules.resultUrlPath}" of the status reply` };
			}
			return ref.address?.resultUrl ? { method: 'GET', path: ref.address.resultUrl, purpose, urlField: 'Result URL' } : undefined;
		},

		readResult(job, reply: ProviderReply) {
			if (reply.statusCode < 300) return withErrorFailed({ ...job, ...readFields(reply.body, fields, 'result') });
			const stated = typeof reply.body === 'string' ? textReplySummary(reply.statusCode, reply.body) : errorMessageOf(fields.errorPath ? valueAt(reply.body, fields.errorPath) : reply.body);
			return { ...job, status: 'failed', error: { message: stated ?? `HTTP ${reply.statusCode}`, retryable: false } };
		},

		readError(statusCode, body): ProviderErrorInfo {
			const message = errorMessageOf(body) ?? `HTTP ${statusCode}`;
			if (statusCode === 401 || statusCode === 403) return { message, problem: 'credentials' };
			if (statusCode === 404) return { message, problem: 'notFound', description: 'Check the URL and the job ID.' };
			if (statusCode === 429) return { message, problem: 'rateLimited' };
			if (statusCode >= 500) return { message, problem: 'unavailable' };
			return { message, problem: 'invalidInput' };
		},
	};
}

const CREDENTIAL_HOSTS = 'Allowed Hosts for the Credential';

/** The origins of the hosts the user lists in the option: a host stands for its https:// origin, and its http:// one where that is not public. */
function allowedOrigins(fn: IExecuteFunctions): string[] {
	const value = fn.getNodeParameter('credentialHosts', 0, '') as unknown;
	if (typeof value !== 'string') throw invalidValue(fn.getNode(), 0, CREDENTIAL_HOSTS, 'must be text: host names separated by commas');
	return value
		.split(',')
		.map((entry) => entry.trim())
		.filter(Boolean)
		.flatMap((entry) => {
			const withScheme = /^https?:\/\//i.test(entry) ? [entry] : [`https://${entry}`, `http://${entry}`];
			try {
				const urls = withScheme.map((text) => new URL(text));
				if (urls.every(({ pathname, search, username }) => pathname === '/' && !search && !username)) return urls.map(({ origin }) => origin);
			} catch {
				// Reported below, as any entry that is no host.
			}
			throw invalidValue(fn.getNode(), 0, CREDENTIAL_HOSTS, `names "${entry}", which is not a host`, 'List host names, with a port where it is not the default, e.g. "fal.media, files.example.com:8443".');
		});
}

const describeValue = (value: unknown) =>
	value === null ? 'null' : value === undefined ? 'missing' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : typeof value;

/** Where no option of a union fits, what was expected and what came. */
const unionMessage = (expected: string): z.ZodErrorMap => (issue, context) => ({
	message: issue.code === 'invalid_union' ? `must be ${expected}, not ${describeValue(context.data)}` : context.defaultError,
});

/** A status is matched as text: a word as it is, a number by its digits ("2"), a boolean as true or false. */
const STATUS_WORD = z.union([z.string(), z.number(), z.boolean()], { errorMap: unionMessage('text, a number or true/false') }).transform(String);
const BOOLEAN_STATUS = z.union([z.null(), z.undefined()]).transform(() => 'false').or(STATUS_WORD);
/** A job ID as text (a number above 2^53 arrives as text, read so by the transport). */
const JOB_ID_VALUE = z.union([z.string().min(1), z.number().int()], { errorMap: unionMessage('text or a whole number') }).transform(String);

/** The value at `path`, checked by `schema`: a mismatch is a ZodError naming the whole path, as for the provider nodes' schemas. */
function checkedAt<T>(body: unknown, path: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>): T {
	const parsed = schema.safeParse(valueAt(body, path));
	if (parsed.success) return parsed.data;
	throw new ZodError(parsed.error.issues.map((issue) => ({ ...issue, path: [path, ...issue.path] })));
}

/**
 * The item fields a reply holds: `status` reads what a status reply tells (progress, queue,
 * cost, time), `result` what a result reply tells (outputs, error), `all` both.
 */
function readFields(body: unknown, fields: ReplyFields, part: 'status' | 'result' | 'all'): Omit<JobSnapshot, 'jobId' | 'providerStatus'> {
	const at = (path: string | undefined) => (path ? valueAt(body, path) : undefined);
	const snapshot: Omit<JobSnapshot, 'jobId' | 'providerStatus'> = {};
	if (part !== 'result') {
		const progress = numberOf(at(fields.progressPath));
		if (progress !== undefined) snapshot.progress = Math.min(100, Math.max(0, fields.progressScale === 'fraction' ? progress * 100 : progress));
		const position = numberOf(at(fields.queuePositionPath));
		if (position !== undefined) snapshot.queue = { position, length: null };
		const cost = numberOf(at(fields.costPath));
		if (cost !== undefined) snapshot.cost = cost;
		const createdAt = toIsoTime(at(fields.createdAtPath));
		if (createdAt) snapshot.createdAt = createdAt;
	}
	if (part !== 'status') {
		const outputs = fields.outputsPath ? outputsOf(at(fields.outputsPath), fields.outputUrlField ?? 'url') : [];
		if (outputs.length > 0) snapshot.outputs = outputs;
		const message = errorMessageOf(at(fields.errorPath));
		if (message) snapshot.error = { message, retryable: false };
	}
	return snapshot;
}

/** The API's host as messages name it ("api.replicate.com could not create the job"). */
function hostOf(url: unknown): string {
	try {
		return new URL(String(url).split(JOB_ID).join('job')).hostname;
	} catch {
		return 'The API';
	}
}

function numberOf(value: unknown): number | undefined {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

const isUrl = (value: unknown): value is string => typeof value === 'string' && /^https?:\/\/\S+$/i.test(value.trim());

/**
 * Outputs from the value at the Outputs Path, or from each entry of a list there: a URL (or an
 * object holding one in the URL field) is a link, other text is text, any other JSON is a value.
 */
function outputsOf(value: unknown, urlField: string): JobOutput[] {
	const entries = Array.isArray(value) ? value : [value];
	return entries.flatMap((entry): JobOutput[] => {
		if (entry === undefined || entry === null || entry === '') return [];
		const url = isUrl(entry) ? entry : valueAt(entry, urlField);
		if (isUrl(url)) {
			const format = formatFromUrl(url);
			return [{ url, kind: kindFromFormat(format), ...(format ? { format } : {}) }];
		}
		return [typeof entry === 'string' ? { kind: 'text', text: entry } : { kind: 'json', value: entry }];
	});
}
