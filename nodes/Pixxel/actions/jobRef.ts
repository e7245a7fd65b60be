import type { IExecuteFunctions } from 'n8n-workflow';

import type { NormalizedJob } from '../../shared/JobItem';
import type { JobRef } from '../../shared/JobProvider';
import type { JobRefReader } from '../../shared/operations';
import { requiredString } from '../../shared/parameters';
import { readWorkflowId } from '../pixxelProvider';

/** A Pixxel job is addressed within its workflow. */
export function workflowJobRef(workflowId: string, jobId: string): JobRef {
	return { jobId, address: { workflowId } };
}

export const readJobRef: JobRefReader = (fn, itemIndex) =>
	workflowJobRef(readWorkflowId(fn, itemIndex), requiredString(fn, 'jobId', itemIndex, 'Job ID'));

/** The job a create started, in the workflow the item names. */
export const createdJobRef = (fn: IExecuteFunctions, itemIndex: number, job: NormalizedJob): JobRef =>
	workflowJobRef(readWorkflowId(fn, itemIndex), job.jobId);
