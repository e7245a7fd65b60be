import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { CANCEL_JOB, CREATE_JOB, GET_JOB, WAIT_FOR_JOB, labelOf } from '../shared/descriptions';
import { createJob, executeJobOperation, getJob, waitForJob } from '../shared/operations';
import { cancelJob } from './actions/cancelJob';
import { buildCreateRequest, createdJobRef } from './actions/createJob';
import { readJobRef } from './actions/jobRef';
import { httpAsyncJobProvider } from './httpAsyncJobProvider';
import { AUTHENTICATIONS, httpAsyncJobProperties } from './properties';

export class HttpAsyncJob implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HTTP Async Job',
		name: 'httpAsyncJob',
		icon: { light: 'file:httpAsyncJob.svg', dark: 'file:httpAsyncJob.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ ${labelOf({ [CREATE_JOB]: 'Create Job', [GET_JOB]: 'Get Job', [WAIT_FOR_JOB]: 'Wait For Job', [CANCEL_JOB]: 'Cancel Job' })} }}`,
		description: 'Start a job at any HTTP API, look it up and wait for it, with the same item as the provider nodes',
		defaults: { name: 'HTTP Async Job' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: AUTHENTICATIONS.filter(({ value }) => value !== 'none').map(({ value }) => ({
			name: value,
			required: true,
			displayOptions: { show: { authentication: [value] } },
		})),
		properties: httpAsyncJobProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeJobOperation.call(this, httpAsyncJobProvider(this), {
			[CREATE_JOB]: createJob(buildCreateRequest, createdJobRef),
			[GET_JOB]: getJob(readJobRef),
			[WAIT_FOR_JOB]: waitForJob(readJobRef),
			[CANCEL_JOB]: cancelJob,
		});
	}
}
