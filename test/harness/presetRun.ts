import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { runWorkflow } from './engine';
import type { WorkflowRun } from './engine';
import { singleNodeWorkflow } from './workflows';

/** Polls quickly, so a job of a few hundred ms on the simulator is waited for in a test. */
export const FAST_WAIT = { pollInterval: 0.1, maxInterval: 0.2, timeout: 2 };

/**
 * Runs the HTTP Async Job node with one of its API presets, as a user sets it up: the preset, its
 * credential, the API Base URL pointing at the simulator, and the parameters of the operation.
 */
export async function runPreset(
	preset: { api: string; baseUrl: string; authentication: string; credentials: Record<string, ICredentialDataDecryptedObject> },
	parameters: IDataObject,
	input: IDataObject[] = [{}],
): Promise<WorkflowRun> {
	const { api, baseUrl, authentication, credentials } = preset;
	return await runWorkflow(
		singleNodeWorkflow('httpAsyncJob', { api, baseUrl, authentication, ...parameters, options: { requestsPerSecond: 100, ...(parameters.options as IDataObject) } }),
		{ credentials, input },
	);
}
