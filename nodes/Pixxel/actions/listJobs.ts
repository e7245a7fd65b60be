import type { IDataObject, INode, INodeProperties } from 'n8n-workflow';

import type { JobStatus, NormalizedJob } from '../../shared/JobItem';
import { JOB_STATUSES } from '../../shared/JobItem';
import { checkedCollection, checkedParameter } from '../../shared/parameters';
import type { ProviderClient } from '../../shared/ProviderClient';
import type { JobOperation } from '../../shared/operations';
import { jobListSchema, jobsPath, parseReply, readWorkflowId } from '../pixxelProvider';

export const LIST_JOBS = 'listJobs';

interface ListFilters {
	statuses?: JobStatus[];
	providerStatus?: string;
}

const returnAllProperty: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
	displayOptions: { show: { operation: [LIST_JOBS] } },
};

const limitProperty: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { operation: [LIST_JOBS], returnAll: [false] } },
};

const filtersProperty: INodeProperties = {
	displayName: 'Filters',
	name: 'filters',
	type: 'collection',
	placeholder: 'Add Filter',
	default: {},
	displayOptions: { show: { operation: [LIST_JOBS] } },
	options: [
		{
			displayName: 'Provider Status',
			name: 'providerStatus',
			type: 'string',
			default: '',
			placeholder: 'e.g. completed',
			description: "Pixxel's own status word, sent to the API as its status filter (exact word)",
		},
		{
			displayName: 'Status',
			name: 'statuses',
			type: 'multiOptions',
			options: JOB_STATUSES.map((status) => ({ name: status.charAt(0).toUpperCase() + status.slice(1), value: status })),
			default: [],
			description: "Keep only jobs whose normalized status is one of these, whatever Pixxel's word for it",
		},
	],
};

export const listJobsProperties: INodeProperties[] = [returnAllProperty, limitProperty, filtersProperty];

/** All jobs of a workflow, normalized (the list holds summaries: no tasks, no spec). */
export async function listWorkflowJobs(
	client: ProviderClient,
	node: INode,
	workflowId: string,
	{ providerStatus, includeRaw, itemIndex }: { providerStatus?: string; includeRaw?: boolean; itemIndex?: number } = {},
): Promise<NormalizedJob[]> {
	const { body } = await client.request(
		{
			method: 'GET',
			path: jobsPath(workflowId),
			qs: providerStatus ? { status: providerStatus } : undefined,
			purpose: `list the jobs of workflow ${workflowId}`,
		},
		{ itemIndex },
	);
	const { jobs } = parseReply(node, jobListSchema, body, 'a job list', itemIndex);
	return (jobs ?? []).map((summary) => {
		const { job } = client.toNormalizedJob(summary, undefined, { itemIndex, includeRaw });
		job.workflowId ??= workflowId;
		return job;
	});
}

/** List Jobs: one item per job of the workflow, newest first, so a schedule can pick up jobs started elsewhere. */
export const listJobs: JobOperation = async ({ fn, client }, itemIndex, settings) => {
	const workflowId = readWorkflowId(fn, itemIndex);
	const filters = checkedCollection(fn, 'filters', itemIndex, 'Filters', filtersProperty.options as INodeProperties[]) as ListFilters;
	const returnAll = checkedParameter<boolean>(fn, returnAllProperty, itemIndex);
	const limit = returnAll ? Infinity : checkedParameter<number>(fn, limitProperty, itemIndex);

	const jobs = await listWorkflowJobs(client, fn.getNode(), workflowId, {
		providerStatus: filters.providerStatus?.trim(),
		includeRaw: settings.options.includeRaw,
		itemIndex,
	});
	const statuses = filters.statuses ?? [];
	return jobs
		.filter((job) => statuses.length === 0 || statuses.includes(job.status))
		.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''))
		.slice(0, limit)
		.map((job) => ({ json: job as unknown as IDataObject }));
};
