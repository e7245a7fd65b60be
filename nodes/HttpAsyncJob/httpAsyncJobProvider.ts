import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { ZodError, z } from 'zod';

import type { JobOutput, JobSnapshot, JobStatus } from '../shared/JobItem';
import { formatFromUrl, kindFromFormat, toIsoTime } from '../shared/JobItem';
import type { JobProvider, ProviderErrorInfo, ProviderReply, WaitDefaults } from '../shared/JobProvider';
import { checkedText, invalidValue } from '../shared/parameters';
import type { ApiParameter, ApiSettings } from './apiParameters';
import { apiSettings } from './apiParameters';

/**
 * The adapter of the HTTP Async Job node, built from the node's parameters: where the job id,
 * the status word and the rest of the item are in the replies, and which words mean what.
 * It is a JobProvider like any other, so the engine runs it as it runs the provider nodes.
 */

export const HTTP_WAIT_DEFAULTS: WaitDefaults = { pollIntervalSeconds: 2, maxIntervalSeconds: 30, timeoutMinutes: 30, requestsPerSecond: 5 };

/** n8n's generic credential types, as its HTTP Request node offers them: what each keeps secret, and how a request carries it where n8n's type does not apply it. */
export const CREDENTIALS: Record<string, { name: string; secretFields: string[] }> = {
	httpHeaderAuth: { name: 'Header Auth', secretFields: ['value'] },
	httpBearerAuth: { name: 'Bearer Auth', secretFields: ['token'] },
	httpQueryAuth: { name: 'Query Auth', secretFields: ['value'] },
	httpBasicAuth: { name: 'Basic Auth', secretFields: ['password'] },
};

export const JOB_ID = '{{jobId}}';

/** A field path: names joined by dots, with [n] for list entries (`data.items[0].url`). */
const PATH = /^[^.[\]\s]+(\[\d+\])*(\.[^.[\]\s]+(\[\d+\])*)*$/;

/** The value at `path` in `value`, or undefined where any step is missing. */
export function valueAt(value: unknown, path: string): unknown {
	const steps = path.split('.').flatMap((part) => part.split(/\[(\d+)\]/).filter((step) => step !== ''));
	return steps.reduce<unknown>((current, step) => (typeof current === 'object' && current !== null ? (current as IDataObject)[step] : undefined), value);
}

interface ReplyFields {
	progressPath?: string;
	progressScale?: 'percent' | 'fraction';
	queuePositionPath?: string;
	errorPath?: string;
	/** One path, or several separated by commas where outputs of different kinds sit apart (`images, video`). */
	outputsPath?: string;
	outputUrlField?: string;
	/** An address template, not a path: where a succeeded job's file is when the reply gives no link. */
	outputUrl?: string;
	costPath?: string;
	createdAtPath?: string;
}

const REPLY_FIELD_NAMES: Array<[Exclude<keyof ReplyFields, 'progressScale' | 'outputsPath'>, string]> = [
	['progressPath', 'Progress Path'],
	['queuePositionPath', 'Queue Position Path'],
	['errorPath', 'Error Message Path'],
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

/** The reading rules of the Custom fields, or of the preset that sets them: the same rules either way. */
function readRules(fn: IExecuteFunctions, parameter: ApiParameter, itemIndex: number): ReadingRules {
	const node = fn.getNode();
	const path = (name: string, field: string) => checkedPath(node, parameter(name, itemIndex, ''), field, itemIndex);
	const words = new Map<string, JobStatus>();
	const wordLists: Array<[string, string, JobStatus]> = [
		['succeededWords', 'Succeeded Words', 'succeeded'],
		['failedWords', 'Failed Words', 'failed'],
		['canceledWords', 'Canceled Words', 'canceled'],
		['queuedWords', 'Queued Words', 'queued'],
		['runningWords', 'Running Words', 'running'],
	];
	for (const [name, field, status] of wordLists) {
		const value = parameter(name, itemIndex, '');
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
	const replyFields = { ...(parameter('replyFields', itemIndex, {}) as ReplyFields) };
	const fields: ReplyFields = { progressScale: replyFields.progressScale === 'fraction' ? 'fraction' : 'percent' };
	for (const [name, field] of REPLY_FIELD_NAMES) fields[name] = checkedPath(node, replyFields[name], field, itemIndex);
	const outputsPaths = typeof replyFields.outputsPath === 'string' ? replyFields.outputsPath.split(',') : [replyFields.outputsPath];
	const checkedOutputsPaths = outputsPaths.map((outputsPath) => checkedPath(node, outputsPath, 'Outputs Path', itemIndex)).filter(Boolean);
	if (checkedOutputsPaths.length > 0) fields.outputsPath = checkedOutputsPaths.join(',');
	if (typeof replyFields.outputUrl === 'string' && replyFields.outputUrl.trim() !== '') fields.outputUrl = checkedUrl(node, replyFields.outputUrl.trim(), 'Output URL', itemIndex);
	const result = parameter('resultRequest', itemIndex, {}) as IDataObject;
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
	const api = apiSettings(fn);
	const authentication = fn.getNodeParameter('authentication', 0, 'none') as string;
	const credentialType = authentication === 'none' ? undefined : authentication;
	if (credentialType !== undefined && !CREDENTIALS[credentialType]) {
		throw invalidValue(fn.getNode(), 0, 'Authentication', `must be one of None, ${Object.keys(CREDENTIALS).join(', ')}, not "${authentication}"`);
	}
	checkPresetCredential(fn, api, credentialType);
	const rules = readRules(fn, api.parameter, 0);
	const apiHeaders = api.parameter('apiHeaders', 0, {}) as Record<string, string>;
	const { fields } = rules;
	const mapStatus = (word: string) => rules.words.get(word.trim().toLowerCase());
	const statusPart = rules.hasResultRequest ? 'status' : 'all';
	/** The Output URL of a succeeded job, where its reply gives no link (and no result request gives outputs). */
	const addressedOutput = (word: string | undefined, jobId: string, body: unknown): Pick<JobSnapshot, 'outputs'> =>
		fields.outputUrl && statusPart === 'all' && word !== undefined && mapStatus(word) === 'succeeded' ? { outputs: [outputAt(fields.outputUrl, jobId, body)] } : {};

	return {
		name: 'httpAsyncJob',
		displayName: api.preset?.name ?? hostOf(fn.getNodeParameter(fn.getNodeParameter('operation', 0) === 'createJob' ? 'url' : 'statusUrl', 0, '')),
		credentialType,
		secretFields: credentialType ? CREDENTIALS[credentialType].secretFields : [],
		waitDefaults: HTTP_WAIT_DEFAULTS,

		authenticate(credentials, withoutApiHeaders) {
			// Headers the API wants on every request (a preset's; Custom has none), beside the credential.
			const options = { ...withoutApiHeaders, headers: { ...apiHeaders, ...withoutApiHeaders.headers } };
			if (credentialType === 'httpQueryAuth') return { ...options, qs: { ...options.qs, [String(credentials.name)]: credentials.value } };
			if (credentialType === 'httpBasicAuth') return { ...options, auth: { username: String(credentials.user ?? ''), password: String(credentials.password ?? '') } };
			return options;
		},

		credentialProblem(credentials) {
			if (credentialType === 'httpHeaderAuth' || credentialType === 'httpQueryAuth') {
				if (!String(credentials.name ?? '').trim()) return 'its Name is empty';
			}
			const preset = api.preset?.credential;
			if (preset?.type === 'httpHeaderAuth' && String(credentials.name).trim().toLowerCase() !== preset.headerName.toLowerCase()) {
				return `its Name is "${String(credentials.name).trim()}", but ${api.preset!.name} reads the key from the header ${preset.headerName} (Value: ${preset.valueFormat})`;
			}
			const secret = credentialType ? CREDENTIALS[credentialType].secretFields[0] : undefined;
			return secret && !String(credentials[secret] ?? '') ? `its ${secret === 'token' ? 'Bearer Token' : secret === 'password' ? 'Password' : 'Value'} is empty` : undefined;
		},

		getJobRequest: (ref) => ({ method: 'GET', path: ref.address!.statusUrl, purpose: `get job ${ref.jobId}` }),

		readJob(body, ref) {
			const word = checkedAt(body, rules.statusPath, STATUS_WORD);
			return { ...readFields(body, fields, statusPart), ...addressedOutput(word, ref!.jobId, body), jobId: ref!.jobId, providerStatus: word };
		},

		readCreatedJob(body) {
			const jobId = String(checkedAt(body, rules.jobIdPath ?? 'id', JOB_ID_VALUE));
			const word = checkedAt(body, rules.statusPath, STATUS_WORD.optional());
			// A reply without a status word (an id alone) says only that the job was accepted.
			return { ...readFields(body, fields, statusPart), ...addressedOutput(word, jobId, body), jobId, providerStatus: word ?? 'created', ...(word === undefined ? { status: 'queued' as const } : {}) };
		},

		mapStatus,

		resultRequest(ref, body) {
			const fromReply = rules.resultUrlPath ? valueAt(body, rules.resultUrlPath) : undefined;
			const url = typeof fromReply === 'string' && fromReply !== '' ? fromReply : ref.address?.resultUrl;
			return url ? { method: 'GET', path: url, purpose: `get the result of job ${ref.jobId}` } : undefined;
		},

		readResult(job, reply: ProviderReply) {
			if (reply.statusCode < 300) return { ...job, ...readFields(reply.body, fields, 'result') };
			return { ...job, status: 'failed', error: { message: errorMessageOf(fields.errorPath ? valueAt(reply.body, fields.errorPath) : reply.body) ?? `HTTP ${reply.statusCode}`, retryable: false } };
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

/** A preset names the credential its API takes: the run stops before any request if another is chosen. */
function checkPresetCredential(fn: IExecuteFunctions, { preset }: ApiSettings, credentialType: string | undefined): void {
	if (!preset || credentialType === preset.credential.type) return;
	const wanted = CREDENTIALS[preset.credential.type].name;
	const how = preset.credential.type === 'httpHeaderAuth' ? ` with Name ${preset.credential.headerName} and Value ${preset.credential.valueFormat}` : ' holding your API key';
	throw invalidValue(fn.getNode(), undefined, 'Authentication', `must be ${wanted} for ${preset.name}`, `Set "Authentication" to ${wanted} and pick a credential${how}.`);
}

const STATUS_WORD = z.string();
const JOB_ID_VALUE = z.union([z.string().min(1), z.number().int()]);

/** The value at `path`, checked by `schema`: a mismatch is a ZodError naming the whole path, as for the provider nodes' schemas. */
function checkedAt<T>(body: unknown, path: string, schema: z.ZodType<T>): T {
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
		const outputs = (fields.outputsPath?.split(',') ?? []).flatMap((path) => outputsOf(at(path), fields.outputUrlField ?? 'url'));
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
		if (isUrl(url)) return [linkOutput(url)];
		return [typeof entry === 'string' ? { kind: 'text', text: entry } : { kind: 'json', value: entry }];
	});
}

/** `{{jobId}}`, or `{{path}}` of a field of the reply, in an Output URL. */
const PLACEHOLDER = /\{\{([^{}\s]+)\}\}/g;
const ADDRESS_PART = z.union([z.string().min(1), z.number()]);

/** The output at an address made from the job ID and fields of the reply (OpenAI's `/v1/videos/{id}/content`). */
function outputAt(template: string, jobId: string, body: unknown): JobOutput {
	return linkOutput(template.replace(PLACEHOLDER, (_, path: string) => encodeURIComponent(path === 'jobId' ? jobId : String(checkedAt(body, path, ADDRESS_PART)))));
}

/** A link output, its kind told by the file name's extension. */
function linkOutput(url: string): JobOutput {
	const format = formatFromUrl(url);
	return { url, kind: kindFromFormat(format), ...(format ? { format } : {}) };
}

/** A readable message from an error value: text, a list of them or of FastAPI's `{loc, msg}`, or an object's message. */
function errorMessageOf(value: unknown): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'string') return value;
	if (Array.isArray(value)) return value.map((entry) => errorMessageOf(entry)).filter(Boolean).join('; ') || undefined;
	if (typeof value === 'object') {
		const { detail, message, msg, error, title, loc } = value as IDataObject;
		const text = errorMessageOf(detail ?? message ?? msg ?? error ?? title);
		if (text && Array.isArray(loc)) return `${loc.filter((part) => part !== 'body').join('.')}: ${text}`;
		return text ?? JSON.stringify(value).slice(0, 300);
	}
	return String(value);
}
