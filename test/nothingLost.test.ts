/**
 * Nothing lost or duplicated: over a thousand creates across the three providers in n8n's
 * engine, each request to a provider meeting a fault of the matrix drawn from a seeded random
 * stream keyed by the item it is for and how often that item has asked (FAULT_SEED=<n> replays
 * another), with Continue On Fail on. Every input item comes out, paired with it; every job on a
 * provider is reported by its item or named in its item's error as a job that may exist; and no
 * item warns of a job where the provider refused every request it made.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { ProviderCase } from './harness/providerCases';
import { PROVIDERS, runAction, withField } from './harness/providerCases';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';
import type { Fault } from './simulator/server';

const SEED = Number(process.env.FAULT_SEED ?? 20261123);
const ITEMS_PER_PROVIDER = 350;
/**
 * Below the delay fault's, and far above what a request takes on a loaded machine: a request that
 * times out on its way (never seen by the simulator) could still arrive and make a job, so the
 * simulator could not tell that an item surely has none.
 */
const REQUEST_TIMEOUT_SECONDS = 8;

/** The faults of the matrix a create can meet, by weight; a draw of none lets the request through. */
const FAULTS: Array<[weight: number, fault: (provider: ProviderCase) => Fault | undefined]> = [
	[70, () => undefined],
	[3, (provider) => ({ kind: 'status', status: 429, body: provider.errorBody('slow down'), headers: { 'retry-after': '0' } })],
	[3, (provider) => ({ kind: 'status', status: 429, body: provider.errorBody('slow down') })],
	[3, (provider) => ({ kind: 'status', status: 500, body: provider.errorBody('internal error') })],
	[2, (provider) => ({ kind: 'status', status: 502, body: provider.errorBody('bad gateway') })],
	[2, (provider) => ({ kind: 'status', status: 503, body: provider.errorBody('unavailable') })],
	[3, () => ({ kind: 'resetBeforeHandling' })],
	[3, () => ({ kind: 'resetAfterHandling' })],
	[2, () => ({ kind: 'delay', ms: REQUEST_TIMEOUT_SECONDS * 1000 + 500 })],
	[3, () => ({ kind: 'malformedJson' })],
	[3, (provider) => ({ kind: 'rewrite', rewrite: (body) => withField(body, provider.schemaField, 7) })],
	[3, (provider) => ({ kind: 'status', ...provider.keyRefused })],
];

/** mulberry32: a small seeded generator, so the fault stream is the same on every run. */
function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function drawFault(random: () => number, provider: ProviderCase): Fault | undefined {
	const total = FAULTS.reduce((sum, [weight]) => sum + weight, 0);
	let pick = random() * total;
	for (const [weight, fault] of FAULTS) {
		pick -= weight;
		if (pick < 0) return fault(provider);
	}
	return undefined;
}

/** FNV-1a: a number from a text, so each item's requests have a stream of their own. */
function hash(text: string): number {
	let value = 0x811c9dc5;
	for (let index = 0; index < text.length; index++) value = Math.imul(value ^ text.charCodeAt(index), 0x01000193);
	return value >>> 0;
}

/** The fault the `attempt`-th create request of an item meets: the same on every run of a seed, whatever order requests arrive in. */
function faultFor(provider: ProviderCase, item: number, attempt: number): Fault | undefined {
	return drawFault(seededRandom(hash(`${SEED}/${provider.name}/${item}/${attempt}`)), provider);
}

/** A refusal the provider makes before any work, which the node can read as one. */
const refusedBeforeWork = (fault: Fault | undefined) => fault?.kind === 'status' && fault.status < 500;

/**
 * The simulator shows the item surely has no job: the one request of it that reached the
 * simulator was refused before any work, and the item failed on that refusal. (On a busy machine
 * some items' one request is answered after the node's 8 s timeout: the node rightly says a job
 * may exist, as it cannot know the refusal came. With a 30 s timeout no such item is left.)
 */
const surelyNoJob = ({ faults, httpCode }: ItemOutcome) => {
	const [only] = faults;
	return faults.length === 1 && refusedBeforeWork(only) && only?.kind === 'status' && httpCode === String(only.status);
};

let sim: ProviderSimulators;
beforeAll(async () => {
	sim = await startSimulators();
});
afterAll(async () => await sim.stop());

interface ItemOutcome {
	/** The faults its create requests met, in order (undefined: none). */
	faults: Array<Fault | undefined>;
	reportedJobId?: string;
	error?: string;
	/** The HTTP status of the reply the item failed on; none where no reply came (a reset, a timeout). */
	httpCode?: string;
	saysJobMayExist: boolean;
	/** Jobs made at the provider from this item's input. */
	jobs: string[];
}

let runs = 0;

/** Creates `count` jobs at one provider, each create request meeting the fault its item and attempt draw. */
async function createThroughFaults(provider: ProviderCase, count: number, maxParallel = 100): Promise<ItemOutcome[]> {
	// Markers new to the simulator, which keeps the jobs of earlier runs.
	runs++;
	const markers = Array.from({ length: count }, (_, item) => `storm-${provider.name}-${runs}-${item}`);
	const itemOfMarker = new Map(markers.map((marker, item) => [marker, item]));
	const faultsMet = markers.map((): Array<Fault | undefined> => []);
	const removeFaults = sim.server.injectFault({
		prefix: provider.prefix,
		method: 'POST',
		times: Infinity,
		fault: (request) => {
			const item = itemOfMarker.get(provider.markerOfRequest(sim, request) ?? '');
			if (item === undefined) return undefined;
			const fault = faultFor(provider, item, faultsMet[item].length);
			faultsMet[item].push(fault);
			return fault;
		},
	});
	const input = markers.map((marker) => provider.createInput(sim, marker));
	const { outputs, error } = await runAction(sim, {
		provider,
		action: 'create',
		input,
		continueOnFail: true,
		parameters: { options: { maxParallel, requestsPerSecond: 2000, requestTimeout: REQUEST_TIMEOUT_SECONDS } },
	});
	removeFaults();
	expect(error).toBeUndefined();

	// No item missing: one output per input item, in order, paired with it.
	const items: INodeExecutionData[] = outputs.Job;
	expect(items.map((item) => item.pairedItem)).toEqual(markers.map((_, item) => ({ item })));

	const jobsByMarker = new Map<string, string[]>();
	for (const job of provider.jobs(sim).values()) {
		const marker = provider.markerOf(job);
		if (marker && itemOfMarker.has(marker)) jobsByMarker.set(marker, [...(jobsByMarker.get(marker) ?? []), job.id]);
	}
	return items.map(({ json }, item) => ({
		faults: faultsMet[item],
		reportedJobId: json.provider === provider.name ? String(json.jobId) : undefined,
		error: typeof json.error === 'string' ? json.error : undefined,
		httpCode: typeof json.httpCode === 'string' ? json.httpCode : undefined,
		saysJobMayExist: /a job may exist/.test(String(json.errorDescription ?? '')),
		jobs: jobsByMarker.get(markers[item]) ?? [],
	}));
}

test(`${ITEMS_PER_PROVIDER * PROVIDERS.length} creates through random faults (seed ${SEED}): every job reported or warned of, no warning where none can exist`, async () => {
	const outcomes = (await Promise.all(PROVIDERS.map(async (provider) => await createThroughFaults(provider, ITEMS_PER_PROVIDER)))).flat();
	for (const [item, outcome] of outcomes.entries()) {
		const { faults, reportedJobId, error, saysJobMayExist, jobs } = outcome;
		const seen = { item, faults: faults.map((fault) => fault?.kind), error, jobs };
		// Never two jobs for one item.
		expect({ ...seen, jobs: jobs.length <= 1 }).toEqual({ ...seen, jobs: true });
		// An item either reports a job (the one its input made) or fails with an error item.
		if (reportedJobId !== undefined) expect({ ...seen, reported: reportedJobId }).toEqual({ ...seen, reported: jobs[0] });
		else expect({ ...seen, error: typeof error }).toEqual({ ...seen, error: 'string' });
		// Every job on the provider is reported by its item, or named in its error as one that may exist.
		if (jobs.length === 1 && reportedJobId === undefined) expect({ ...seen, saysJobMayExist }).toEqual({ ...seen, saysJobMayExist: true });
		// Where the provider refused every request of the item before doing any work, no job can exist: none is warned of.
		if (surelyNoJob(outcome)) expect({ ...seen, jobs: jobs.length, saysJobMayExist }).toEqual({ ...seen, jobs: 0, saysJobMayExist: false });
	}
	// The stream did bite, every way: jobs left behind and warned of, items refused without a job, and plain successes.
	expect(outcomes.filter((outcome) => outcome.jobs.length === 1 && outcome.reportedJobId === undefined).length).toBeGreaterThan(0);
	expect(outcomes.filter(surelyNoJob).length).toBeGreaterThan(0);
	expect(outcomes.filter((outcome) => outcome.reportedJobId !== undefined).length).toBeGreaterThan(0);
	// Its length is the backoff of the items whose retries met fault after fault, and a loaded machine's pace.
}, 400_000);

test(`a seed meets the same faults on the same items whatever order their requests arrive in (seed ${SEED})`, async () => {
	const kinds = (faults: Array<Fault | undefined>) => faults.map((fault) => (fault?.kind === 'status' ? fault.status : fault?.kind));
	await Promise.all(
		PROVIDERS.map(async (provider) => {
			// All items at once, then eight at a time: the order requests reach the provider differs.
			const together = await createThroughFaults(provider, 40, 40);
			const fewAtATime = await createThroughFaults(provider, 40, 8);
			// Each item met the same faults in both runs, as far as both asked (a try timed out on a starved machine adds one).
			const common = (a: ItemOutcome, b: ItemOutcome) => Math.min(a.faults.length, b.faults.length);
			const met = (runs: ItemOutcome[], others: ItemOutcome[]) => runs.map((outcome, item) => kinds(outcome.faults.slice(0, common(outcome, others[item]))));
			expect({ provider: provider.name, items: met(fewAtATime, together) }).toEqual({ provider: provider.name, items: met(together, fewAtATime) });
			expect(together.some(({ faults }) => faults.some((fault) => fault !== undefined))).toBe(true);
		}),
	);
}, 400_000);
