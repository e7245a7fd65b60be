/**
 * `npm run fuzz`: the fuzzer of test/harness/fuzz.ts at 10,000 cases per provider (the
 * Tensor.Art, Pixxel and AetherForge nodes and the HTTP Async Job node), from a new seed each
 * run unless `--seed <n>` replays one (`--cases <n>` sets the count). Prints the seed first,
 * every finding, and ends with one JSON line:
 * {"fuzz_cases": N, "fuzz_uncaught": 0, "fuzz_by_provider": {...}}. Exits 1 on any finding.
 */
import { FUZZ_PROVIDERS, fuzzName, fuzzProvider } from '../test/harness/fuzz';
import { startSimulators } from '../test/simulator';

function argument(name: string): number | undefined {
	const index = process.argv.indexOf(`--${name}`);
	if (index < 0) return undefined;
	const value = Number(process.argv[index + 1]);
	if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, not "${process.argv[index + 1]}"`);
	return value;
}

async function main(): Promise<void> {
	const seed = argument('seed') ?? Date.now() % 2 ** 31;
	const count = argument('cases') ?? 10_000;
	console.log(`fuzz seed ${seed} (replay: npm run fuzz -- --seed ${seed}), ${count} cases per provider`);
	const sim = await startSimulators();
	const byProvider: Record<string, { cases: number; uncaught: number }> = {};
	let cases = 0;
	let uncaught = 0;
	try {
		for (const provider of FUZZ_PROVIDERS) {
			const startedAt = Date.now();
			const result = await fuzzProvider(sim, provider, { seed, count });
			for (const finding of result.findings) console.log(`FINDING ${JSON.stringify(finding)}`);
			byProvider[fuzzName(provider)] = { cases: result.cases, uncaught: result.findings.length };
			cases += result.cases;
			uncaught += result.findings.length;
			console.log(`${fuzzName(provider)}: ${result.cases} cases, ${result.jobItems} job items, ${result.errorItems} error items, ${result.findings.length} findings, ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
		}
	} finally {
		await sim.stop();
	}
	console.log(JSON.stringify({ fuzz_cases: cases, fuzz_uncaught: uncaught, fuzz_by_provider: byProvider }));
	process.exitCode = uncaught === 0 ? 0 : 1;
}

void main();
