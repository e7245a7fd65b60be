/**
 * The fault matrix: each fault a provider's API can show, for each provider and each of Create,
 * Get and Wait, in n8n's engine over real HTTP. Every cell runs two items one after the other
 * with Continue On Fail on; the fault hits the first item's request, so each row also shows the
 * failed item paired with its input and the other item unaffected.
 *
 * Expected: reads recover within the deadline; a create that may have reached the provider is
 * sent again only where the provider de-duplicates it (TAMS, by the same requestId: one job),
 * otherwise it stops with an error saying a job may exist.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { Action, ProviderCase } from './harness/providerCases';
import { HTTP_NODE_CASES, PROVIDERS, runAction, tensorArt, withField } from './harness/providerCases';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';
import type { JobScript } from './simulator/jobs';
import type { Fault, LoggedRequest } from './simulator/server';

/** Cells run side by side (their time is mostly the product's backoff), each on a simulator of its own. */
const idleSimulators: ProviderSimulators[] = [];
const allSimulators: ProviderSimulators[] = [];
afterAll(async () => await Promise.all(allSimulators.map(async (sim) => await sim.stop())));

async function withSimulator(use: (sim: ProviderSimulators) => Promise<void>): Promise<void> {
	let sim = idleSimulators.pop();
	if (!sim) allSimulators.push((sim = await startSimulators()));
	sim.reset();
	for (const provider of MATRIX_PROVIDERS) provider.restoreKey(sim);
	try {
		await use(sim);
	} finally {
		idleSimulators.push(sim);
	}
}

/** The provider nodes, and the HTTP Async Job node set up for two APIs no node of ours knows. */
const MATRIX_PROVIDERS = [...PROVIDERS, ...HTTP_NODE_CASES];
const ACTIONS: Action[] = ['create', 'get', 'wait'];
/** Runs for two looks, however slow the machine: a wait sees it once unfinished, then done. */
const JOB: Partial<JobScript> = { queueMs: 0, runMs: 60_000, finishAfterLookups: 2 };
/** Deadline 15 s: every recovery below must happen well within it. */
const WAIT = { waitSettings: { pollInterval: 0.1, maxInterval: 0.2, timeout: 0.25 } };
/** One item after the other, so the fault meets the first item; no request budget in the way. */
const OPTIONS = { maxParallel: 1, requestsPerSecond: 100 };

/** One cell of the matrix: a provider, an action, and the two input items it runs. */
interface Cell {
	sim: ProviderSimulators;
	provider: ProviderCase;
	action: Action;
	inputs: IDataObject[];
	/** For creates: the marker of each item's job. */
	markers: string[];
}

type Outcome =
	/** The item comes out as if nothing had happened. */
	| { recovers: true }
	/** The item comes out as a job matching `json`. */
	| { json: IDataObject }
	/** An error item; for a create, whether a job is left on the server (the error must then say so). */
	| { error: RegExp; description?: RegExp; jobLeft?: boolean };

interface Row {
	fault: string;
	actions: Action[];
	/** Script of the first item's job. */
	script?: Partial<JobScript>;
	/** Parameters beside the action's own. */
	parameters?: IDataObject;
	/** Injects the fault for the first item's request. */
	arm(cell: Cell): void;
	/** What each of the two items comes out as (the second by default as if nothing happened). */
	expected(cell: Cell): [Outcome, Outcome?];
	/** More checks on the first item's requests to the provider. */
	check?(requests: LoggedRequest[], cell: Cell): void;
}

const RECOVERS: Outcome = { recovers: true };
const MAY_EXIST = /The request may have reached .*, so a job may exist and be charged/;

/** Whether the cell's request may be sent again after it may have reached the provider. */
const replayable = ({ action, provider }: Cell) => action !== 'create' || provider === tensorArt;

const readPathOf = (provider: ProviderCase, jobId: string) => provider.readPath?.(jobId) ?? new RegExp(`/${jobId}$`);

/** The fault rule's target: the first item's create, or the reads of its job. */
function firstItemRequests({ provider, action, inputs }: Cell) {
	return action === 'create'
		? { prefix: provider.prefix, method: 'POST' }
		: { prefix: provider.prefix, method: 'GET', path: readPathOf(provider, inputs[0].jobId as string) };
}

const inject = (fault: Fault | ((cell: Cell) => Fault), times = 1) => (cell: Cell) =>
	cell.sim.server.injectFault({ ...firstItemRequests(cell), times, fault: typeof fault === 'function' ? fault(cell) : fault });

const statusFault = (status: number, headers?: Record<string, string>) =>
	inject(({ provider }) => ({ kind: 'status', status, body: provider.errorBody(`simulated ${status}`), headers }));

/** Transient faults: a read or a TAMS create recovers; another create stops, saying whether a job may be left. */
const transient = (error: RegExp, jobLeft: boolean) => (cell: Cell): [Outcome] =>
	[replayable(cell) ? RECOVERS : { error, description: MAY_EXIST, jobLeft }];

const ROWS: Row[] = [
	{
		fault: '429 with Retry-After',
		actions: ACTIONS,
		arm: statusFault(429, { 'retry-after': '1' }),
		expected: () => [RECOVERS],
		check: ([refused, retried]) => expect(retried.at - refused.at).toBeGreaterThanOrEqual(950),
	},
	{ fault: '429 without Retry-After', actions: ACTIONS, arm: statusFault(429), expected: () => [RECOVERS] },
	...[500, 502, 503].map((status) => ({
		fault: String(status),
		actions: ACTIONS,
		arm: statusFault(status),
		expected: transient(new RegExp(`could not create .*: simulated ${status}`), false),
	})),
	{
		fault: 'a connection reset before the provider handled the request',
		actions: ACTIONS,
		arm: inject({ kind: 'resetBeforeHandling' }),
		expected: transient(/could not create .*: the connection was reset/, false),
	},
	{
		fault: 'a connection reset after the provider handled the request',
		actions: ACTIONS,
		arm: inject({ kind: 'resetAfterHandling' }),
		expected: transient(/could not create .*: the connection was reset/, true),
	},
	{
		fault: 'a reply slower than the request timeout',
		actions: ACTIONS,
		parameters: { options: { ...OPTIONS, requestTimeout: 1 } },
		arm: inject({ kind: 'delay', ms: 1500 }),
		expected: transient(/could not create .*: the request timed out/, true),
	},
	{
		fault: 'malformed JSON',
		actions: ACTIONS,
		arm: inject({ kind: 'malformedJson' }),
		expected: transient(/could not create .*: the reply is not valid JSON/, true),
	},
	{
		fault: 'a 200 whose body does not match the schema',
		actions: ACTIONS,
		// Every read of the job is off (a retry would not help), and the create's one reply.
		arm: (cell) =>
			inject(({ provider }) => ({ kind: 'rewrite', rewrite: (body) => withField(body, provider.schemaField, [7]) }), cell.action === 'create' ? 1 : Infinity)(cell),
		expected: ({ provider, action }) => [
			{
				error: new RegExp(`${provider.displayName} answered with a job this node cannot read: field "${provider.schemaField.join('.')}" (expected string, received array|must be text, a number or true/false, not a list)`),
				// A create's reply came back with success: the job exists, and the error says so.
				...(action === 'create' ? { description: MAY_EXIST, jobLeft: true } : {}),
			},
		],
	},
	{
		fault: 'an unknown status',
		actions: ACTIONS,
		script: { runMs: 60_000, finishAfterLookups: undefined, unknownStatus: 'Rendering' },
		parameters: { waitSettings: { pollInterval: 0.1, maxInterval: 0.2, timeout: 0.02 } },
		arm: () => undefined,
		expected: ({ action }) => [
			action === 'wait'
				? { error: /is still "Rendering" \(a status this node does not know, so it was treated as not finished\) after 1 s/ }
				: { json: { status: 'running', providerStatus: 'Rendering', done: false, nextCheckInSeconds: expect.any(Number) } },
		],
		// Never past the deadline: no more checks than 1.2 s at the 0.1 s floor allows (the job runs a minute).
		check: (requests) => expect(requests.length).toBeLessThanOrEqual(13),
	},
	{
		fault: 'a job that returns 404 in the middle of a wait',
		actions: ['wait'],
		script: { runMs: 60_000, finishAfterLookups: undefined, vanishAfterLookups: 2 },
		arm: () => undefined,
		expected: () => [{ error: /could not get job .*not found/i, description: /An earlier check of this wait found the job, so .* has removed it since/ }],
		check: (requests) => expect(requests.map((entry) => (entry.status === 404 ? 404 : Number(entry.status) < 300))).toEqual([...requests.slice(0, -1).map(() => true), 404]),
	},
	{
		fault: 'a credential rejected mid-run',
		actions: ACTIONS,
		// The key is revoked once the first item's first request is answered.
		arm: inject(({ sim, provider }) => ({ kind: 'rewrite', rewrite: (body) => (provider.revokeKey(sim), body) })),
		expected: ({ provider, action }) => {
			const rejected: Outcome = { error: /could not/, description: new RegExp(`Check the ${provider.displayName.replace('.', '\\.')} credential`) };
			// A wait's next check of the first job meets the revoked key too.
			return action === 'wait' ? [rejected, rejected] : [RECOVERS, rejected];
		},
	},
];

/** Cells already shown, one item at a time, by the engine and provider tests. */
const COVERED_ELSEWHERE = new Set([
	'aetherForge get 429 with Retry-After', // engine.test: a read refused with 429 is retried after the Retry-After
	'aetherForge create 429 with Retry-After', // engine.test: a create refused with 429 is sent again
	'aetherForge create 500', // engine.test: a create answered with 500 is not sent again
	'aetherForge wait 503', // engine.test: a read is retried after a 503
	'aetherForge wait a connection reset before the provider handled the request', // engine.test
	'aetherForge wait malformed JSON', // engine.test
	'aetherForge get a 200 whose body does not match the schema', // engine.test
	'aetherForge wait an unknown status', // engine.test
	'pixxel wait an unknown status', // pixxel.test: an unknown status word is kept and waited on
	'aetherForge create a connection reset after the provider handled the request', // aetherForge.test
	'pixxel create a connection reset after the provider handled the request', // pixxel.test
	'tensorArt create a connection reset after the provider handled the request', // tensorArt.test
]);

const cells = ROWS.flatMap((row) =>
	MATRIX_PROVIDERS.flatMap((provider) =>
		row.actions
			.filter((action) => !(row.fault === 'an unknown status' && action === 'create' && !provider.createReplyHasStatus))
			.map((action) => ({ name: `${provider.name} ${action} ${row.fault}`, row, provider, action })),
	),
).filter(({ name }) => !COVERED_ELSEWHERE.has(name));

let runCount = 0;

test.concurrent.each(cells)('$name', async ({ row, provider, action }) => {
	await withSimulator(async (sim) => {
		const run = runCount++;
		const markers = [0, 1].map((item) => `fault-${run}-item-${item}`);
		const scripts = [{ ...JOB, ...row.script }, JOB];
		const inputs =
			action === 'create'
				? markers.map((marker) => provider.createInput(sim, marker))
				: scripts.map((script) => provider.existingJob(sim, script));
		if (action === 'create') provider.nextScripts(sim).push(...scripts);
		const cell: Cell = { sim, provider, action, inputs, markers };
		row.arm(cell);

		const { outputs, error } = await runAction(sim, {
			provider,
			action,
			input: inputs,
			continueOnFail: true,
			parameters: { ...WAIT, options: OPTIONS, ...row.parameters },
		});

		expect(error).toBeUndefined();
		expect(outputs.Job.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		const [first, second = RECOVERS] = row.expected(cell);
		expectOutcome(cell, 0, outputs.Job[0], first);
		expectOutcome(cell, 1, outputs.Job[1], second);
		row.check?.(requestsOf(cell, 0), cell);
	});
});

/** The provider requests of one item's create, or of reads of its job. */
function requestsOf({ sim, provider, action, inputs, markers }: Cell, item: number): LoggedRequest[] {
	return sim.server.log.filter((entry) => {
		if (entry.prefix !== provider.prefix) return false;
		if (action !== 'create') return entry.method === 'GET' && readPathOf(provider, inputs[item].jobId as string).test(entry.path);
		const workflowId = inputs[item].workflowId as string | undefined;
		return entry.method === 'POST' && (entry.body.includes(markers[item]) || (workflowId !== undefined && entry.path.includes(workflowId)));
	});
}

function expectOutcome(cell: Cell, item: number, output: INodeExecutionData, outcome: Outcome): void {
	const { sim, provider, action, inputs, markers } = cell;
	const jobsOfItem = [...provider.jobs(sim).values()].filter((job) => provider.markerOf(job) === markers[item]);
	if ('error' in outcome) {
		expect(output.json.error).toMatch(outcome.error);
		if (outcome.description) expect(output.json.errorDescription).toMatch(outcome.description);
		if (action === 'create') {
			expect(jobsOfItem).toHaveLength(outcome.jobLeft ? 1 : 0);
			// Never sent again where a second send could make a second job.
			if (!replayable(cell)) expect(requestsOf(cell, item)).toHaveLength(1);
		}
		return;
	}
	// A job item (its `error` is the job's own, null here), not an error item.
	expect(output.json).toMatchObject({ provider: provider.nodeType ?? provider.name, error: null });
	if ('json' in outcome) expect(output.json).toMatchObject(outcome.json);
	if (action === 'wait') expect(output.json).toMatchObject({ jobId: inputs[item].jobId, status: 'succeeded' });
	if (action === 'get') expect(output.json.jobId).toBe(inputs[item].jobId);
	if (action === 'create') {
		// One job, the one reported, however often the create was sent.
		expect(jobsOfItem.map((job) => job.id)).toEqual([output.json.jobId]);
		if (provider === tensorArt) {
			const requestIds = requestsOf(cell, item).map((entry) => (JSON.parse(entry.body) as { requestId: string }).requestId);
			expect(new Set(requestIds).size).toBe(1);
		}
	}
}

test.concurrent('tensorArt create: when every try may have reached TAMS, the error says a job may exist and gives the Request ID that gets it back', async () => {
	await withSimulator(async (sim) => {
		const input = tensorArt.createInput(sim, 'every-try-reset');
		sim.server.injectFault({ prefix: tensorArt.prefix, method: 'POST', times: Infinity, fault: { kind: 'resetAfterHandling' } });
		const failed = await runAction(sim, { provider: tensorArt, action: 'create', input: [input] });
		const requestIds = sim.server.log.map((entry) => (JSON.parse(entry.body) as { requestId: string }).requestId);
		expect(new Set(requestIds).size).toBe(1);
		expect(failed.error?.message).toBe('Tensor.Art could not create the job: the connection was reset');
		expect(failed.error?.description).toMatch(MAY_EXIST);
		expect(failed.error?.description).toContain(`set the "Request ID" option to ${requestIds[0]} and run this item again`);

		sim.server.clearFaults();
		const again = await runAction(sim, { provider: tensorArt, action: 'create', input: [input], parameters: { options: { requestId: requestIds[0] } } });
		const jobs = [...tensorArt.jobs(sim).values()].filter((job) => tensorArt.markerOf(job) === 'every-try-reset');
		expect(jobs.map((job) => job.id)).toEqual([again.outputs.Job[0].json.jobId]);
	});
});
