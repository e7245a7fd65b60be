/**
 * An execution run again from the start under the same execution ID, as n8n 1.x's queue does
 * with a stalled job (QUEUE_WORKER_MAX_STALLED_COUNT): which providers make a second job.
 * Only Tensor.Art de-duplicates a create (by requestId); docs/queue-mode.md says what to do
 * for the others.
 */
import { runWorkflow } from './harness/engine';
import { PROVIDERS } from './harness/providerCases';
import { singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());

const JOBS_PER_RUN = 2;

test.each(PROVIDERS.map((provider) => [provider.displayName, provider.name === 'tensorArt' ? 1 : 2, provider] as const))(
	'%s: the same execution run twice from the start makes each item\'s job %i time(s)',
	async (_name, timesEach, provider) => {
		const workflow = singleNodeWorkflow(provider.name, provider.parameters('create'));
		const input = Array.from({ length: JOBS_PER_RUN }, (_, i) => provider.createInput(sim, `rerun-${provider.name}-${i}`));
		const before = provider.jobs(sim).size;
		for (let run = 0; run < 2; run++) {
			const { error } = await runWorkflow(workflow, { credentials: sim.credentials, input, executionId: '7001' });
			expect(error).toBeUndefined();
		}
		expect(provider.jobs(sim).size - before).toBe(JOBS_PER_RUN * timesEach);
	},
);
