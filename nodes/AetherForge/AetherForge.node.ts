import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { CREATE_JOB, GET_JOB, TOOL_RETURNS, WAIT_FOR_JOB, jobIdProperty, jobOptionsProperty, labelOf, toolProperties, waitProperties } from '../shared/descriptions';
import { createJob, executeJobOperation, getJob, waitForJob } from '../shared/operations';
import { buildCreateRequest, parameterName } from './actions/createJob';
import type { FormField } from './actions/createTypes';
import { CREATE_TYPES } from './actions/createTypes';
import { readJobRef } from './actions/jobRef';
import { aetherForgeProvider } from './aetherForgeProvider';

const defaults = aetherForgeProvider.waitDefaults;
const TYPE_NAMES = Object.fromEntries(CREATE_TYPES.map(({ value, name }) => [value, name]));
const TOOL_DESCRIPTIONS = {
	[CREATE_JOB]: 'Start an AetherForge AI game-asset job (image, effect, upscale, sprite …) of the type this tool is set to.' + TOOL_RETURNS,
	[GET_JOB]: 'Look up an AetherForge AI job by its jobId (a UUID).' + TOOL_RETURNS,
	[WAIT_FOR_JOB]: 'Wait a short while for an AetherForge AI job (by jobId) to finish; if it is still running (done false), look it up again after nextCheckInSeconds.' + TOOL_RETURNS,
};

/** One node property per form field of each creation type, shown only for that type. */
function createFieldProperties(): INodeProperties[] {
	return CREATE_TYPES.flatMap((type) =>
		type.fields.map((field) => ({
			...fieldProperty(field),
			displayOptions: { show: { operation: [CREATE_JOB], type: [type.value] } },
		})),
	);
}

function fieldProperty(field: FormField): INodeProperties {
	const common = { displayName: field.displayName, name: parameterName(field), required: !field.optional };
	switch (field.kind) {
		case 'options': {
			const choices = field.values!.map((value) => ({ name: value, value }));
			return field.optional
				? { ...common, type: 'options', options: [{ name: 'None', value: '' }, ...choices], default: '' }
				: { ...common, type: 'options', options: choices, default: field.defaultValue ?? field.values![0] };
		}
		case 'boolean':
			return { ...common, type: 'boolean', default: false, required: false, description: 'Whether to make pixel art' };
		case 'json':
			return { ...common, type: 'json', default: '[{"row":1,"title":"Idle","description":"standing still"}]', description: field.description };
		case 'file':
			return {
				...common,
				type: 'string',
				default: field.optional ? '' : 'data',
				placeholder: 'data',
				description: "Name of the input item's binary field that holds the image",
			};
		case 'files':
			return {
				...common,
				type: 'string',
				default: field.optional ? '' : 'data',
				placeholder: 'data, data_1',
				description: `Comma-separated names of the input item's binary fields that hold the images (${field.minFiles ?? 0}–${field.maxFiles} files)`,
			};
		default:
			return { ...common, type: 'string', typeOptions: { rows: 2 }, default: '', description: field.description };
	}
}

export class AetherForge implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AetherForge AI',
		name: 'aetherForge',
		icon: { light: 'file:aetherForge.svg', dark: 'file:aetherForge.dark.svg' },
		group: ['transform'],
		version: 1,
		// Create Job shows its type ("Upscale Image"), the others their operation ("Get Job").
		subtitle: `={{ $parameter["operation"] === "${CREATE_JOB}" ? ${labelOf(TYPE_NAMES, 'type')} : ${labelOf({ [GET_JOB]: 'Get Job', [WAIT_FOR_JOB]: 'Wait For Job' })} }}`,
		description: 'Create game-asset jobs at AetherForge AI, look them up and wait for their images',
		defaults: { name: 'AetherForge AI' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'aetherForgeApi', required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Create Job', value: CREATE_JOB, action: 'Create a job', description: 'Start a generation, edit or sprite job' },
					{ name: 'Get Job', value: GET_JOB, action: 'Get a job', description: 'Look up the status and images of a job' },
					{ name: 'Wait For Job', value: WAIT_FOR_JOB, action: 'Wait for a job', description: 'Poll a job until it is done' },
				],
				default: CREATE_JOB,
			},
			{
				displayName: 'Type',
				name: 'type',
				type: 'options',
				noDataExpression: true,
				options: CREATE_TYPES.map(({ name, value }) => ({ name, value })),
				default: 'generateImage',
				displayOptions: { show: { operation: [CREATE_JOB] } },
			},
			...createFieldProperties(),
			jobIdProperty('550e8400-e29b-41d4-a716-446655440000', 'The UUID of the job, as Create Job outputs it in "jobId"', [GET_JOB, WAIT_FOR_JOB]),
			...waitProperties(defaults, [CREATE_JOB]),
			jobOptionsProperty(defaults, [CREATE_JOB, GET_JOB, WAIT_FOR_JOB]),
			...toolProperties(TOOL_DESCRIPTIONS, [CREATE_JOB, WAIT_FOR_JOB]),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeJobOperation.call(this, aetherForgeProvider, {
			[CREATE_JOB]: createJob(buildCreateRequest),
			[GET_JOB]: getJob(readJobRef),
			[WAIT_FOR_JOB]: waitForJob(readJobRef),
		});
	}
}
