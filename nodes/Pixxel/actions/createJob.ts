import type { IExecuteFunctions } from 'n8n-workflow';

import type { ProviderRequest } from '../../shared/JobProvider';
import { checkedText } from '../../shared/parameters';
import { jobsPath, readWorkflowId } from '../pixxelProvider';

/** POST …/jobs?project_id=: no body, as a job re-runs a workflow built in Aurora. */
export function buildCreateRequest(fn: IExecuteFunctions, itemIndex: number): ProviderRequest {
	const projectId = checkedText(fn.getNode(), fn.getNodeParameter('projectId', itemIndex, '', { extractValue: true }), 'Project ID', itemIndex);
	const workflowId = readWorkflowId(fn, itemIndex);
	return {
		method: 'POST',
		path: jobsPath(workflowId),
		qs: { project_id: projectId },
		purpose: `create a job of workflow ${workflowId}`,
		uncertainOutcomeHint: `Check the job list of workflow ${workflowId} (List Jobs, or the Aurora app) before running this item again.`,
	};
}
