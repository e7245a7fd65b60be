/**
 * The fuzzer: every provider node and the HTTP Async Job node run in n8n's engine against
 * replies generated from the real ones (fields missing, renamed, extra; wrong types, null,
 * huge, negative, fractional and non-finite numbers; deep nesting; HTML, cut-off JSON, empty
 * bodies; 2xx holding errors; odd status codes and headers; the key echoed back) and with
 * generated user input (job IDs, params JSON, wait settings and options from expressions).
 *
 * The property, for every case: its item is a job item of the published schema (the harness
 * checks every run's items, and every run for leaked secrets), or an error item with a message
 * that is not an internal error (a TypeError, a stack overflow); the run ends within the
 * longest Timeout of its waits; nothing a user sees holds the key.
 *
 * Cases are drawn with fast-check from a seed and run many to a workflow run (one item each,
 * On Error → Continue), Create, Get and Wait side by side; each request is answered from the
 * replies of the case it belongs to (found by the job ID in its path, or a create's marker),
 * so a seed replays the same cases with the same replies.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import type { WorkflowRun } from './engine';
import type { Action, ProviderCase } from './providerCases';
import { PROVIDERS, httpReplicate, runAction } from './providerCases';
import type { ProviderSimulators } from '../simulator';
import type { Fault, SimRequest } from '../simulator/server';

export const FUZZ_PROVIDERS: ProviderCase[] = [...PROVIDERS, httpReplicate];
export const fuzzName = (provider: ProviderCase) => provider.nodeType ?? provider.name;

/** One reply as generated; `echoKey` puts the credential's secret into it when served. */
interface GeneratedReply {
	status: number;
	headers: Record<string, string>;
	/** JSON to send, or text sent as it is. */
	body: { json: unknown } | { text: string };
	echoKey: boolean;
}

interface FuzzCase {
	action: Action;
	replies: GeneratedReply[];
	/** Input fields beside the job reference (wait settings and options read by expressions). */
	input: IDataObject;
	/** A job ID typed by the user instead of a real one; undefined: the case's own job. */
	jobId?: unknown;
	/** Tensor.Art's params JSON as the user gave it, instead of the marked one. */
	params?: unknown;
}

export interface Finding {
	provider: string;
	action: Action;
	caseIndex?: number;
	problem: string;
}

export interface FuzzResult {
	cases: number;
	/** Output items that are jobs, and error items: both must be common, or the replies miss the code that reads them. */
	jobItems: number;
	errorItems: number;
	findings: Finding[];
}

/** Messages of JavaScript's own failures: a reply or input the code did not expect, not an error a user can act on. */
const INTERNAL_ERROR = /TypeError|ReferenceError|RangeError|Cannot read propert|is not a function|is not iterable|Maximum call stack|\[object Object\]/;

/** How much longer than its Timeout a wait may go on asking (a loaded machine's slack). */
const DEADLINE_SLACK_MS = 2_000;

const deep = (depth: number, list: boolean): unknown => {
	let value: unknown = 'bottom';
	for (let level = 0; level < depth; level++) value = list ? [value] : { a: value };
	return value;
};

const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
	fc.constantFrom(null, true, false, 0, -1, 0.5, -0.0001, 1e308, -1e308, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 1e-300, ''),
	fc.integer(),
	fc.double({ noNaN: true, noDefaultInfinity: true }),
	fc.string({ maxLength: 30 }),
	fc.constantFrom('NaN', 'Infinity', '-1', 'null', '<html>', 'SUCCESS', 'succeeded', 'Succeed', 'completed', 'FAILED', 'https://example.com/x.png', 'file:///etc/passwd', 'http://169.254.169.254/latest/meta-data'),
	fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
	fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
	// Deeper nesting comes as text (below): the generator's own JSON.stringify would overflow on it.
	fc.tuple(fc.integer({ min: 50, max: 800 }), fc.boolean()).map(([depth, list]) => deep(depth, list)),
	fc.integer({ min: 1_000, max: 200_000 }).map((length) => 'x'.repeat(length)),
);

/** Every path to a value inside `value` (objects and lists), the root first. */
function pathsOf(value: unknown, path: string[] = [], into: string[][] = []) {
	into.push(path);
	if (typeof value === 'object' && value !== null && path.length < 8) {
		for (const [key, child] of Object.entries(value)) pathsOf(child, [...path, key], into);
	}
	return into;
}

type Mutation = { kind: 'delete' | 'rename' | 'set' | 'extra'; at: number; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.record({
	kind: fc.constantFrom('delete', 'rename', 'set', 'set', 'set', 'extra'),
	at: fc.nat(),
	value: weirdValue,
});

/** `sample` with the mutations applied, each at a path picked by its `at` among the paths there are then. */
function mutated(sample: unknown, mutations: Mutation[]): unknown {
	let root = structuredClone(sample);
	for (const { kind, at, value } of mutations) {
		const paths = pathsOf(root);
		const path = paths[at % paths.length];
		if (path.length === 0) {
			root = kind === 'set' ? value : root;
			continue;
		}
		const parent = path.slice(0, -1).reduce<unknown>((current, key) => (current as Record<string, unknown>)[key], root) as Record<string, unknown>;
		const key = path[path.length - 1];
		if (typeof parent !== 'object' || parent === null) continue;
		if (kind === 'delete') delete parent[key];
		else if (kind === 'rename') {
			parent[`${String(key)}_renamed`] = parent[key];
			delete parent[key];
		} else if (kind === 'set') parent[key] = value;
		else if (typeof parent[key] === 'object' && parent[key] !== null) (parent[key] as Record<string, unknown>).extra_field = value;
	}
	return root;
}

const HTML_PAGE = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>nginx</p></body></html>';

/** A reply generated from the provider's real reply `sample`. */
function replyFrom(sample: unknown): fc.Arbitrary<GeneratedReply> {
	// One reply in four as sent, so the cases that follow it reach the reading of real jobs too.
	const json = fc.oneof({ weight: 1, arbitrary: fc.constant<Mutation[]>([]) }, { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) }).map((mutations) => mutated(sample, mutations));
	const body: fc.Arbitrary<GeneratedReply['body']> = fc.oneof(
		{ weight: 12, arbitrary: json.map((value) => ({ json: value })) },
		{ weight: 2, arbitrary: fc.constantFrom({ json: { error: { code: 403, message: 'Quota exceeded', status: 'PERMISSION_DENIED' } } }, { json: { detail: 'Not allowed' } }, { json: { code: 13, message: 'internal' } }, { json: [] }, { json: 'a string' }, { json: null }, { json: 7 }) },
		{ weight: 1, arbitrary: fc.constant({ text: HTML_PAGE }) },
		{ weight: 1, arbitrary: fc.tuple(json, fc.nat()).map(([value, cut]) => { const text = JSON.stringify(value) ?? ''; return { text: text.slice(0, cut % Math.max(1, text.length)) }; }) },
		{ weight: 1, arbitrary: fc.constantFrom({ text: '' }, { text: 'OK' }, { text: '{"status": NaN}' }, { text: '{"id": 1e999, "status": Infinity}' }, { text: '\uFEFF{}' }, { text: `${'['.repeat(20_000)}${']'.repeat(20_000)}` }, { text: `${'{"job":'.repeat(5_000)}1${'}'.repeat(5_000)}` }) },
		{ weight: 1, arbitrary: json.map((value) => ({ text: (JSON.stringify(value) ?? '').replace(/\d+(\.\d+)?/, '1e999') })) },
	);
	const status = fc.oneof(
		{ weight: 16, arbitrary: fc.constant(200) },
		{ weight: 2, arbitrary: fc.constantFrom(201, 202, 204, 206, 299) },
		{ weight: 2, arbitrary: fc.constantFrom(400, 401, 403, 404, 405, 409, 410, 413, 418, 422, 451) },
		{ weight: 1, arbitrary: fc.constantFrom(429, 500, 502, 503, 504, 599) },
		{ weight: 1, arbitrary: fc.constantFrom(301, 302, 303, 304, 307, 308) },
	);
	const headers = fc.record(
		{
			'content-type': fc.constantFrom('application/json', 'text/html', 'text/plain', 'application/octet-stream', 'application/json; charset=utf-8', 'application/problem+json'),
			'retry-after': fc.constantFrom('0', '1', '-5', 'soon', '0.5', 'Thu, 01 Jan 1970 00:00:00 GMT', ''),
			location: fc.constantFrom('https://other.example/steal', '/relative/path', '', 'http://169.254.169.254/'),
			'x-extra': fc.string({ maxLength: 20 }).map((text) => text.replace(/[^\x20-\x7e]/g, '')),
		},
		{ requiredKeys: [] },
	);
	return fc.record({ status, headers, body, echoKey: fc.boolean() });
}

/** Needs no retry: answered, refused, or redirected. Replies that are retried cost backoff time without a deadline. */
const isRetried = (reply: GeneratedReply) => reply.status === 429 || reply.status >= 500 || (reply.status < 300 && 'text' in reply.body);

function caseArbitrary(samples: Samples, action: Action, provider: ProviderCase): fc.Arbitrary<FuzzCase> {
	const sample = action === 'create' ? samples.create : samples.running;
	const replies = fc.array(fc.oneof(replyFrom(sample), replyFrom(samples.succeeded)), { minLength: 1, maxLength: 3 })
		// Get Job and Create have no deadline: one retried reply each keeps a run to a few seconds.
		.map((list) => (action === 'wait' ? list : list.filter((reply, index) => !isRetried(reply) || list.findIndex(isRetried) === index)));
	const userJobId = fc.option(fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constantFrom(2 ** 60, -1, 0.5, '', ' ', '../../v1/account', 'a/b?c#d', '%2e%2e', null, '9'.repeat(40))), { freq: 8, nil: undefined });
	const userParams = fc.option(fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('not json', '{"9": ', '[]', null, { 9: null }, { 9: { classType: 'SaveImage', inputs: 'x' } })), { freq: 6, nil: undefined });
	const timeout = fc.oneof({ weight: 8, arbitrary: fc.double({ min: 0.01, max: 0.02, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 0, 'soon', null, '0.01', Number.NaN) });
	const pollInterval = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(0.1, 0.15, 0.2) }, { weight: 1, arbitrary: fc.constantFrom(-1, 0, 'x', null, 1e9) });
	const input = fc.record({
		timeout,
		pollInterval,
		requestTimeout: fc.oneof({ weight: 8, arbitrary: fc.constant(30) }, { weight: 1, arbitrary: fc.constantFrom(-3, 'x', null, 0) }),
		includeRaw: fc.boolean(),
	});
	return fc.record({
		action: fc.constant(action),
		replies,
		input,
		jobId: action === 'create' ? fc.constant(undefined) : userJobId,
		params: action === 'create' && provider.name === 'tensorArt' ? userParams : fc.constant(undefined),
	});
}

interface Samples {
	create: unknown;
	running: unknown;
	succeeded: unknown;
}

/** The provider's real replies, as its simulator sends them: a create's, a running job's and a succeeded job's. */
async function captureSamples(sim: ProviderSimulators, provider: ProviderCase): Promise<Samples> {
	const record = async (action: Action, input: IDataObject): Promise<unknown> => {
		const bodies: unknown[] = [];
		const remove = sim.server.injectFault({ prefix: provider.prefix, times: Infinity, fault: { kind: 'rewrite', rewrite: (body) => (bodies.push(body), body) } });
		try {
			await runAction(sim, { provider, action, input: [input], parameters: { options: { requestsPerSecond: 1000 } } });
		} finally {
			remove();
		}
		return bodies[bodies.length - 1];
	};
	return {
		create: await record('create', provider.createInput(sim, 'sample')),
		running: await record('get', provider.existingJob(sim, { queueMs: 0, runMs: 3_600_000 })),
		succeeded: await record('get', provider.existingJob(sim, { queueMs: 0, runMs: 0, outcome: 'succeeded' })),
	};
}

/** What the simulator serves for a generated reply, with the key put in where the reply echoes it. */
function served(reply: GeneratedReply, secret: string): Fault {
	const headers = { ...reply.headers };
	if (reply.echoKey && headers.location !== undefined) headers.location = `${headers.location}?key=${encodeURIComponent(secret)}`;
	if ('text' in reply.body) return { kind: 'status', status: reply.status, headers, rawBody: reply.echoKey ? `${reply.body.text} ${secret}` : reply.body.text };
	const json = reply.echoKey && typeof reply.body.json === 'object' && reply.body.json !== null ? { ...reply.body.json, echo: `Authorization: Bearer ${secret}` } : reply.body.json;
	return { kind: 'status', status: reply.status, headers, rawBody: JSON.stringify(json) ?? '' };
}

/** A case as its requests find it: by a create's marker or the job ID in the path. */
interface Served {
	fuzzCase: FuzzCase;
	index: number;
	served: number;
	/** When it was first and last asked (epoch ms). */
	firstAt: number;
	lastAt: number;
}

/** Answers each request of the provider's runs from the replies of its case, then with the real reply that ends it. */
function serveCases(sim: ProviderSimulators, provider: ProviderCase, samples: Samples, byKey: Map<string, Served>): () => void {
	const secret = provider.secret?.(sim) ?? String(sim.credentials[provider.credentialType].apiKey);
	const caseOf = (request: SimRequest) => byKey.get(markerOf(sim, provider, request) ?? '') ?? request.path.split('/').map((part) => byKey.get(safeDecode(part))).find(Boolean);
	return sim.server.injectFault({
		prefix: provider.prefix,
		times: Infinity,
		fault: (request) => {
			const entry = caseOf(request);
			if (!entry) return undefined;
			entry.lastAt = Date.now();
			entry.firstAt ||= entry.lastAt;
			const reply = entry.fuzzCase.replies[entry.served++];
			const terminal = entry.fuzzCase.action === 'create' ? samples.create : samples.succeeded;
			return reply ? served(reply, secret) : { kind: 'status', status: 200, rawBody: JSON.stringify(terminal) };
		},
	});
}

/** Runs `cases` of one action as one workflow run and checks the property for each. */
async function runBatch(sim: ProviderSimulators, provider: ProviderCase, byKey: Map<string, Served>, cases: FuzzCase[], offset: number, result: FuzzResult): Promise<void> {
	const { findings } = result;
	if (cases.length === 0) return;
	const { action } = cases[0];
	const batch: Served[] = [];
	const inputs = cases.map((fuzzCase, index) => {
		const marker = `fuzz-${offset + index}`;
		const base = action === 'create' ? provider.createInput(sim, marker) : provider.existingJob(sim, { queueMs: 0, runMs: 3_600_000 });
		const entry = { fuzzCase, index: offset + index, served: 0, firstAt: 0, lastAt: 0 };
		batch.push(entry);
		byKey.set(action === 'create' ? marker : String(base.jobId), entry);
		const input: IDataObject = { ...base, ...fuzzCase.input };
		if (fuzzCase.jobId !== undefined) input.jobId = fuzzCase.jobId as IDataObject[string];
		if (fuzzCase.params !== undefined) input.params = fuzzCase.params as IDataObject[string];
		return input;
	});
	const parameters: IDataObject = {
		options: { requestsPerSecond: 2000, includeRaw: '={{ $json.includeRaw }}', requestTimeout: '={{ $json.requestTimeout }}' },
		waitSettings: { pollInterval: '={{ $json.pollInterval }}', maxInterval: 0.3, timeout: '={{ $json.timeout }}', onTimeout: 'output' },
	};
	let run: WorkflowRun;
	try {
		run = await runAction(sim, { provider, action, input: inputs, parameters, continueOnFail: true });
	} catch (error) {
		// The harness's own checks (an item off the schema, a leaked key) fail the whole run.
		findings.push({ provider: fuzzName(provider), action, problem: (error as Error).message.slice(0, 600) });
		return;
	}
	// A wait sends nothing after its deadline: its last request comes within its Timeout of its first.
	for (const entry of action === 'wait' ? batch : []) {
		const { timeout } = entry.fuzzCase.input;
		const waitedMs = entry.lastAt - entry.firstAt;
		if (typeof timeout === 'number' && timeout >= 0.01 && waitedMs > timeout * 60_000 + DEADLINE_SLACK_MS) {
			const replies = entry.fuzzCase.replies.map(({ status, headers }) => `${status} ${JSON.stringify(headers)}`).join(', ');
			findings.push({ provider: fuzzName(provider), action, caseIndex: entry.index, problem: `asked ${waitedMs} ms after its first request, its Timeout is ${timeout * 60_000} ms; replies ${replies}` });
		}
	}
	if (run.error) findings.push({ provider: fuzzName(provider), action, problem: `the run stopped although On Error is Continue: ${run.error.message}` });
	const items = run.outputs.Job ?? [];
	const seen = new Set<number>();
	for (const item of items) {
		const paired = item.pairedItem as { item?: number } | undefined;
		const index = paired?.item ?? -1;
		seen.add(index);
		const error = item.json.error;
		if (typeof item.json.jobId === 'string') result.jobItems++;
		else result.errorItems++;
		if (typeof error === 'string' && item.json.jobId === undefined && INTERNAL_ERROR.test(`${error} ${String(item.json.errorDescription ?? '')}`)) {
			findings.push({ provider: fuzzName(provider), action, caseIndex: offset + index, problem: `an internal error: ${error.slice(0, 300)}` });
		}
	}
	if (!run.error && cases.some((_fuzzCase, index) => !seen.has(index))) {
		findings.push({ provider: fuzzName(provider), action, problem: `${cases.length - seen.size} of ${cases.length} items have no output item paired with them` });
	}
}

/** A create's marker; none where generated params JSON has no place for one. */
function markerOf(sim: ProviderSimulators, provider: ProviderCase, request: SimRequest): string | undefined {
	try {
		return provider.markerOfRequest(sim, request);
	} catch {
		return undefined;
	}
}

function safeDecode(part: string): string {
	try {
		return decodeURIComponent(part);
	} catch {
		return part;
	}
}

/**
 * Runs `count` generated cases against `provider` from `seed`, a third each of Create, Get and
 * Wait For Job, `batchSize` to a workflow run; the three actions' runs go side by side.
 */
export async function fuzzProvider(sim: ProviderSimulators, provider: ProviderCase, { seed, count, batchSize = 400 }: { seed: number; count: number; batchSize?: number }): Promise<FuzzResult> {
	const samples = await captureSamples(sim, provider);
	const actions: Action[] = ['create', 'get', 'wait'];
	const result: FuzzResult = { cases: 0, jobItems: 0, errorItems: 0, findings: [] };
	const byKey = new Map<string, Served>();
	const stopServing = serveCases(sim, provider, samples, byKey);
	const perAction = Math.ceil(count / actions.length);
	const drawn = actions.map((action, actionIndex) => fc.sample(caseArbitrary(samples, action, provider), { seed: seed + actionIndex, numRuns: perAction }));
	try {
		for (let start = 0; start < perAction; start += batchSize) {
			await Promise.all(
				drawn.map(async (cases, actionIndex) => await runBatch(sim, provider, byKey, cases.slice(start, start + batchSize), actionIndex * perAction + start, result)),
			);
		}
	} finally {
		stopServing();
	}
	result.cases = perAction * actions.length;
	return result;
}
