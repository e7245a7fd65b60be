import type { ILoadOptionsFunctions, INodeListSearchResult, INodeProperties } from 'n8n-workflow';

import { ProviderClient } from '../shared/ProviderClient';
import { parseReply, pixxelProvider, workflowListSchema } from './pixxelProvider';

const PAGE_SIZE = 100;

/**
 * The Aurora project: Create Job must send it; elsewhere it only picks whose workflows the
 * workflow list shows. Pixxel tells it with every workflow, so the list offers the projects of
 * the workflows the API key can see (a key belongs to one project's service account).
 */
export function projectIdProperty({ required, operations }: { required: boolean; operations?: string[] }): INodeProperties {
	return {
		displayName: 'Project ID',
		name: 'projectId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required,
		description: required
			? "The Aurora project the workflow belongs to: the API key's project, in the list"
			: "The Aurora project whose workflows the workflow list shows; empty: the API key's project",
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchProjects', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 0c5b1f7e-2d8a-4c3e-9f1a-7b6d5e4c3b2a',
			},
		],
		...(operations ? { displayOptions: { show: { operation: operations } } } : {}),
	};
}

/** The Aurora workflow: picked from a searchable list, or given by ID or expression. */
export const workflowProperty: INodeProperties = {
	displayName: 'Workflow',
	name: 'workflow',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The Aurora workflow whose jobs to run or read',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchWorkflows', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. {{ $json.workflowId }}',
		},
	],
};

/**
 * List search of the workflow picker: one page of the project's workflows per call, filtered
 * by name or ID on this side (the API's `name` filter is for exact names).
 */
export async function searchWorkflows(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const projectId = this.getCurrentNodeParameter('projectId', { extractValue: true });
	const offset = Number(paginationToken ?? 0) || 0;
	const qs: Record<string, string | number> = { limit: PAGE_SIZE, offset };
	// An expression cannot be resolved while editing: the key's own project is listed instead.
	if (typeof projectId === 'string' && projectId.trim() !== '' && !projectId.startsWith('=')) qs.project_id = projectId.trim();

	const client = new ProviderClient(this, pixxelProvider);
	const { body } = await client.request({ method: 'GET', path: '/v0/workflows', qs, purpose: 'list the workflows' });
	const { workflows, pagination } = parseReply(this.getNode(), workflowListSchema, body, 'the workflow list');
	const page = workflows ?? [];
	const wanted = filter?.trim().toLowerCase() ?? '';
	const results = page
		.filter((workflow) => wanted === '' || `${workflow.name ?? ''} ${workflow.id}`.toLowerCase().includes(wanted))
		.map((workflow) => ({ name: workflow.name || workflow.id, value: workflow.id, description: workflow.description ?? undefined }));

	const nextOffset = offset + page.length;
	const total = pagination?.total;
	const more = typeof total === 'number' ? nextOffset < total : page.length === PAGE_SIZE;
	return { results, paginationToken: more && page.length > 0 ? String(nextOffset) : undefined };
}

/** List search of the project picker: the projects of the workflows the API key can see. */
export async function searchProjects(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const client = new ProviderClient(this, pixxelProvider);
	const { body } = await client.request({ method: 'GET', path: '/v0/workflows', qs: { limit: PAGE_SIZE }, purpose: 'list the workflows' });
	const { workflows } = parseReply(this.getNode(), workflowListSchema, body, 'the workflow list');
	const byProject = new Map<string, string[]>();
	for (const workflow of workflows ?? []) {
		if (!workflow.project_id) continue;
		byProject.set(workflow.project_id, [...(byProject.get(workflow.project_id) ?? []), workflow.name || workflow.id]);
	}
	const wanted = filter?.trim().toLowerCase() ?? '';
	const results = [...byProject]
		.filter(([projectId, names]) => wanted === '' || `${projectId} ${names.join(' ')}`.toLowerCase().includes(wanted))
		.map(([projectId, names]) => ({ name: projectId, value: projectId, description: `Workflows: ${names.join(', ')}` }));
	return { results };
}
