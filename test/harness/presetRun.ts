import type { IDataObject } from 'n8n-workflow';

import { runWorkflow } from './engine';
import type { WorkflowRun } from './engine';
import type { ProviderSimulators } from '../simulator';
import { startSimulators } from '../simulator';
import type { PresetCase, PresetName } from './presetCases';
import { presetCase } from './presetCases';
import { singleNodeWorkflow } from './workflows';

/** Polls quickly, so a job of a few hundred ms on the simulator is waited for in a test. */
export const FAST_WAIT = { pollInterval: 0.1, maxInterval: 0.2, timeout: 2 };

/** Runs the HTTP Async Job node with a preset set up as its case in presetCases.ts has it, and the parameters of the operation. */
export async function runPreset(setup: Pick<PresetCase, 'parameters' | 'credentials'>, parameters: IDataObject, input: IDataObject[] = [{}]): Promise<WorkflowRun> {
	const options = { requestsPerSecond: 100, ...(parameters.options as IDataObject) };
	return await runWorkflow(singleNodeWorkflow('httpAsyncJob', { ...setup.parameters, ...parameters, options }), { credentials: setup.credentials, input });
}

/** The simulators of a test file, and a fresh case of its preset for each test. */
export interface PresetSuite {
	sim: ProviderSimulators;
	setup: PresetCase;
}

/** Starts the simulators for a test file of one preset and sets the preset up again before each test. */
export function presetSuite(name: PresetName): PresetSuite {
	const suite = {} as PresetSuite;
	beforeAll(async () => (suite.sim = await startSimulators()));
	afterAll(async () => await suite.sim.stop());
	beforeEach(() => {
		suite.sim.reset();
		suite.setup = presetCase(suite.sim, name);
	});
	return suite;
}
