import { FUZZ_PROVIDERS, fuzzName, fuzzProvider } from './harness/fuzz';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';

/** `npm run fuzz` runs ten times as many cases, from a seed of its own (replayable with --seed). */
const SEED = 20_261_206;
const CASES_PER_PROVIDER = 1_000;

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());

test.each(FUZZ_PROVIDERS.map((provider) => [fuzzName(provider), provider] as const))(
	'%s: every generated reply and input ends in a schema-valid job item or an error a user can act on',
	async (_name, provider) => {
		const { cases, findings, jobItems, errorItems } = await fuzzProvider(sim, provider, { seed: SEED, count: CASES_PER_PROVIDER });
		expect(cases).toBeGreaterThanOrEqual(CASES_PER_PROVIDER);
		expect(findings).toEqual([]);
		// Both outcomes are common: the generated replies reach the code that reads jobs, and the code that refuses them.
		expect(Math.min(jobItems, errorItems)).toBeGreaterThan(cases / 20);
		expect(jobItems + errorItems).toBe(cases);
	},
	120_000,
);
