import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import type { NormalizedJob } from '../shared/JobItem';
import { ProviderClient } from '../shared/ProviderClient';
import type { FinishedJobsCursor } from './finishedJobs';
import { latestFinished, takeNewlyFinished } from './finishedJobs';
import { workflowJobRef } from './actions/jobRef';
import { listWorkflowJobs } from './actions/listJobs';
import { checkedWorkflowId, pixxelProvider } from './pixxelProvider';
import { projectIdProperty, searchProjects, searchWorkflows, workflowProperty } from './workflowSelection';

export class PixxelTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Pixxel Aurora Trigger',
		name: 'pixxelTrigger',
		icon: { light: 'file:pixxel.svg', dark: 'file:pixxel.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'When a job finishes',
		// n8n's nodes panel shows one entry for this trigger and the Pixxel Aurora node, with the
		// trigger's description: so it describes both.
		description: 'Run Pixxel Aurora workflows as jobs, follow them and fetch their results, or start a workflow when a job finishes',
		defaults: { name: 'Pixxel Aurora Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'pixxelApi', required: true }],
		properties: [
			projectIdProperty({ required: false }),
			workflowProperty,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Include Raw Response',
						name: 'includeRaw',
						type: 'boolean',
						default: false,
						description: 'Whether to add the job as Pixxel sent it (byte fields decoded) as "raw" to each item',
					},
				],
			},
		],
	};

	methods = { listSearch: { searchProjects, searchWorkflows } };

	/**
	 * One item per job of the workflow that reached a final status since the last poll. The
	 * first poll only records what exists; in manual mode the latest finished job is the sample.
	 */
	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const workflowId = checkedWorkflowId(this.getNodeParameter('workflow', '', { extractValue: true }), this.getNode());
		const { includeRaw } = this.getNodeParameter('options', {}) as { includeRaw?: boolean };
		const client = new ProviderClient(this, pixxelProvider);
		const jobs = await listWorkflowJobs(client, this.getNode(), workflowId);
		// The list holds summaries; the full job adds the tasks, and with them a failure's reason.
		const toItem = async (summary: NormalizedJob): Promise<INodeExecutionData> => {
			const { job } = await client.getJob(workflowJobRef(workflowId, summary.jobId), { includeRaw });
			return { json: job as unknown as IDataObject };
		};

		if (this.getMode() === 'manual') {
			const sample = latestFinished(jobs.filter((job) => job.done));
			if (!sample) {
				throw new NodeOperationError(this.getNode(), `Workflow ${workflowId} has no finished job yet`, {
					description: 'The trigger shows the latest finished job as a sample: run a job of this workflow first.',
				});
			}
			return [[await toItem(sample)]];
		}

		const state = this.getWorkflowStaticData('node');
		const { fresh, cursor } = takeNewlyFinished(jobs, state.cursor as FinishedJobsCursor | undefined, workflowId);
		const items: INodeExecutionData[] = [];
		for (const job of fresh) items.push(await toItem(job));
		// Stored only once every item is read, so a failed poll leaves these jobs for the next one.
		state.cursor = cursor as unknown as IDataObject;
		return items.length > 0 ? [items] : null;
	}
}
