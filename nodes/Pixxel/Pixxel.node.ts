import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { CREATE_JOB, GET_JOB, TOOL_RETURNS, WAIT_FOR_JOB, jobIdProperty, jobOptionsProperty, toolProperties, waitProperties } from '../shared/descriptions';
import { createJob, executeJobOperation, getJob, waitForJob } from '../shared/operations';
import { buildCreateRequest } from './actions/createJob';
import { GET_RESULTS, getResults, getResultsProperties } from './actions/getResults';
import { createdJobRef, readJobRef } from './actions/jobRef';
import { LIST_JOBS, listJobs, listJobsProperties } from './actions/listJobs';
import { pixxelProvider } from './pixxelProvider';
import { projectIdProperty, searchProjects, searchWorkflows, workflowProperty } from './workflowSelection';

const defaults = pixxelProvider.waitDefaults;
const TOOL_DESCRIPTIONS = {
	[CREATE_JOB]: 'Start a job of a Pixxel Aurora workflow (a satellite-imagery analysis that can run for hours).' + TOOL_RETURNS,
	[GET_JOB]: 'Look up a job of a Pixxel Aurora workflow by its jobId.' + TOOL_RETURNS,
	[WAIT_FOR_JOB]: 'Wait a short while for a Pixxel Aurora job (by jobId) to finish; if it is still running (done false), look it up again after nextCheckInSeconds.' + TOOL_RETURNS,
	[LIST_JOBS]: 'List the jobs of a Pixxel Aurora workflow, newest first, one item per job.' + TOOL_RETURNS,
	[GET_RESULTS]: "Get a link to a ZIP of a finished Pixxel Aurora job's inputs and outputs." + TOOL_RETURNS,
};

/** Pixxel jobs have no output links until Get Results packages them, so only it offers downloads. */
function optionsProperties(): INodeProperties[] {
	const withDownloads = jobOptionsProperty(defaults, [GET_RESULTS]);
	const withoutDownloads = jobOptionsProperty(defaults, [CREATE_JOB, GET_JOB, WAIT_FOR_JOB, LIST_JOBS]);
	// Also the options shown only with Download Outputs: n8n 1.x refuses a field whose condition names a field that is not there.
	withoutDownloads.options = withoutDownloads.options?.filter(
		(option) => option.name !== 'downloadOutputs' && !(option as INodeProperties).displayOptions?.show?.downloadOutputs,
	);
	return [withDownloads, withoutDownloads];
}

export class Pixxel implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Pixxel Aurora',
		name: 'pixxel',
		icon: { light: 'file:pixxel.svg', dark: 'file:pixxel.dark.svg' },
		group: ['transform'],
		version: 1,
		// The operation as the editor names it (n8n's lint wants a plain string here).
		subtitle: '={{ {"createJob":"Create Job","getJob":"Get Job","getResults":"Get Results","listJobs":"List Jobs","waitForJob":"Wait For Job","__CUSTOM_API_CALL__":"Custom API Call"}[$parameter["operation"]] || $parameter["operation"] }}',
		description: 'Run Pixxel Aurora workflows as jobs, follow them and fetch their results',
		defaults: { name: 'Pixxel Aurora' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'pixxelApi', required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Create Job', value: CREATE_JOB, action: 'Create a job', description: 'Run an Aurora workflow as a new job' },
					{ name: 'Get Job', value: GET_JOB, action: 'Get a job', description: 'Look up the status, progress and failure of a job' },
					{
						name: 'Get Results',
						value: GET_RESULTS,
						action: 'Get the results of a job',
						description: "Get a link to a ZIP of a finished job's inputs and outputs, or the file itself",
					},
					{ name: 'List Jobs', value: LIST_JOBS, action: 'List jobs', description: 'List the jobs of a workflow, whoever started them' },
					{ name: 'Wait For Job', value: WAIT_FOR_JOB, action: 'Wait for a job', description: 'Poll a job until it is done' },
				],
				default: CREATE_JOB,
			},
			projectIdProperty({ required: true, operations: [CREATE_JOB] }),
			projectIdProperty({ required: false, operations: [LIST_JOBS] }),
			workflowProperty,
			jobIdProperty(
				'4f1c9a2e-8b3d-4e6f-a7c5-2d9e0b1f3a6c',
				'The ID of the job within the workflow, as Create Job and List Jobs output it in "jobId"',
				[GET_JOB, WAIT_FOR_JOB, GET_RESULTS],
			),
			...listJobsProperties,
			...getResultsProperties,
			...waitProperties(defaults, [CREATE_JOB]),
			...optionsProperties(),
			...toolProperties(TOOL_DESCRIPTIONS, [CREATE_JOB, WAIT_FOR_JOB]),
		],
	};

	methods = { listSearch: { searchProjects, searchWorkflows } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeJobOperation.call(this, pixxelProvider, {
			[CREATE_JOB]: createJob(buildCreateRequest, createdJobRef),
			[GET_JOB]: getJob(readJobRef),
			[WAIT_FOR_JOB]: waitForJob(readJobRef),
			[LIST_JOBS]: listJobs,
			[GET_RESULTS]: getResults,
		});
	}
}
