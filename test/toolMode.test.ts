/**
 * Our nodes as tools of n8n's AI Agent, run as n8n runs an agent's tool call: the node type
 * `<type>Tool`, connected to an agent node that asks n8n-core for its tools and invokes one with
 * the arguments a model would choose (see harness/agentTool.ts).
 */
import type { IDataObject } from 'n8n-workflow';

import { agentWithTool } from './harness/agentTool';
import { runWorkflow } from './harness/engine';
import type { ProviderCase } from './harness/providerCases';
import { PROVIDERS } from './harness/providerCases';
import { singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

const HOUR = 3_600_000;

/** Wait For Job with the job picked by the model, as a user sets up the tool. */
function waitToolParameters(provider: ProviderCase, extra: IDataObject = {}): IDataObject {
	const parameters: IDataObject = { ...provider.parameters('wait'), jobId: "={{ $fromAI('jobId', 'The jobId of the job') }}", ...extra };
	if (provider.name === 'pixxel') parameters.workflow = { __rl: true, mode: 'id', value: "={{ $fromAI('workflowId', 'The workflowId of the job') }}" };
	return parameters;
}

describe.each(PROVIDERS)('$displayName Wait For Job as a tool', (provider) => {
	test('answers within the tool timeout with the job still running, not after the node Timeout', async () => {
		const job = provider.existingJob(sim, { queueMs: 0, runMs: HOUR, outcome: 'succeeded' });
		const started = Date.now();
		// No Timeout set: the node's own default (10 min to 2 h) would hold the agent that long.
		const result = await runWorkflow(agentWithTool(provider.name, waitToolParameters(provider, { toolTimeout: 1, waitSettings: { pollInterval: 0.2 } }), job), {
			credentials: sim.credentials,
		});
		const seconds = (Date.now() - started) / 1000;
		expect(result.error).toBeUndefined();
		const [{ json }] = result.outputs.Agent;
		expect(json.answer).toEqual([
			expect.objectContaining({ provider: provider.name, jobId: job.jobId, done: false, status: expect.stringMatching(/^(queued|running)$/), nextCheckInSeconds: expect.any(Number) }),
		]);
		expect(seconds).toBeGreaterThanOrEqual(1);
		expect(seconds).toBeLessThan(10);
		expect(json.description).toMatch(/^Wait a short while for .+ to finish; if it is still running \(done false\), look it up again after nextCheckInSeconds\. Returns the job as JSON/);
	});

	test('a job that finishes in time comes back done', async () => {
		const job = provider.existingJob(sim, { queueMs: 0, runMs: 300, outcome: 'succeeded' });
		const result = await runWorkflow(agentWithTool(provider.name, waitToolParameters(provider, { toolTimeout: 30, waitSettings: { pollInterval: 0.2, maxInterval: 0.5 } }), job), {
			credentials: sim.credentials,
		});
		expect(result.error).toBeUndefined();
		expect(result.outputs.Agent[0].json.answer).toEqual([expect.objectContaining({ jobId: job.jobId, status: 'succeeded', done: true })]);
	});
});

test('outside an agent the same wait still stops with an error at its Timeout', async () => {
	const [provider] = PROVIDERS;
	const job = provider.existingJob(sim, { queueMs: 0, runMs: HOUR, outcome: 'succeeded' });
	const result = await runWorkflow(singleNodeWorkflow(provider.name, { ...provider.parameters('wait'), waitSettings: { pollInterval: 0.2, timeout: 0.02 } }), {
		credentials: sim.credentials,
		input: [job],
	});
	expect(result.error?.message).toMatch(/is still ".+" after 1 s/);
});

test('each action tells the agent what it does and returns', async () => {
	const [provider] = PROVIDERS;
	const job = provider.existingJob(sim, { queueMs: 0, runMs: 100, outcome: 'succeeded' });
	const result = await runWorkflow(agentWithTool(provider.name, { ...waitToolParameters(provider), operation: 'getJob' }, job), { credentials: sim.credentials });
	expect(result.outputs.Agent[0].json.description).toMatch(/^Look up an AetherForge AI job by its jobId \(a UUID\)\. Returns the job as JSON: jobId, status/);
});
