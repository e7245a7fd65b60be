import type { IDataObject } from 'n8n-workflow';

import { runWorkflow } from './engine';
import type { WorkflowRun } from './engine';
import type { PresetCase } from './presetCases';
import { singleNodeWorkflow } from './workflows';

/** Polls quickly, so a job of a few hundred ms on the simulator is waited for in a test. */
export const FAST_WAIT = { pollInterval: 0.1, maxInterval: 0.2, timeout: 2 };

/** Runs the HTTP Async Job node with a preset set up as its case in presetCases.ts has it, and the parameters of the operation. */
export async function runPreset(setup: Pick<PresetCase, 'parameters' | 'credentials'>, parameters: IDataObject, input: IDataObject[] = [{}]): Promise<WorkflowRun> {
	const options = { requestsPerSecond: 100, ...(parameters.options as IDataObject) };
	return await runWorkflow(singleNodeWorkflow('httpAsyncJob', { ...setup.parameters, ...parameters, options }), { credentials: setup.credentials, input });
}
