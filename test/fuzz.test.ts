import { FUZZ_PROVIDERS, fuzzName, fuzzProvider } from './harness/fuzz';
import { aetherForge, runAction } from './harness/providerCases';
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

describe('what the fuzzer found', () => {
	test('an unusable run-wide option of the first item, with On Error → Continue, makes every item an error item naming item 0 and the field', async () => {
		const input = [aetherForge.existingJob(sim, { queueMs: 0, runMs: 0 }), aetherForge.existingJob(sim, { queueMs: 0, runMs: 0 })].map((job, index) => ({ ...job, requestTimeout: index === 0 ? 'x' : 30 }));
		const result = await runAction(sim, { provider: aetherForge, action: 'get', input, continueOnFail: true, parameters: { options: { requestTimeout: '={{ $json.requestTimeout }}' } } });
		expect(result.error).toBeUndefined();
		expect(result.outputs.Job.map((item) => [item.json.error, item.pairedItem])).toEqual([
			['"Request Timeout (Seconds)" of item 0 must be a number of at least 1, not "x"', { item: 0 }],
			['"Request Timeout (Seconds)" of item 0 must be a number of at least 1, not "x"', { item: 1 }],
		]);
	});
});
