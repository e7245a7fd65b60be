import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { outputOnResume, receiveCallback } from '../shared/callbackResume';
import { CALLBACK_WEBHOOKS, WAIT_MODE_CALLBACK, WAIT_MODE_POLL } from '../shared/callbackWait';
import { TOOL_RETURNS, customApiCallOption, jobIdProperty, jobOptionsProperty, toolProperties, waitProperties } from '../shared/descriptions';
import type { JobOptions } from '../shared/operations';
import { createJob, executeJobOperation, getJob, waitForJob } from '../shared/operations';
import { cancelJob } from './actions/cancelJob';
import { checkParams } from './actions/checkParams';
import { buildCreateRequest, createOptions, paramsProperty } from './actions/createJob';
import { buildTemplateRequest, templateFieldsProperty, templateIdProperty } from './actions/createJobFromTemplate';
import { getTemplate } from './actions/getTemplate';
import { readJobRef } from './actions/jobRef';
import {
	CANCEL_JOB,
	CHECK_PARAMS,
	CREATE_JOB,
	CREATE_JOB_FROM_TEMPLATE,
	GET_JOB,
	GET_TEMPLATE,
	UPLOAD_IMAGE,
	WAIT_FOR_JOB,
} from './actions/operationNames';
import { uploadImage, uploadImageProperties } from './actions/uploadImage';
import { tensorArtProvider } from './tensorArtProvider';

const defaults = tensorArtProvider.waitDefaults;
const CREATE_OPERATIONS = [CREATE_JOB, CREATE_JOB_FROM_TEMPLATE];
const JOB_OPERATIONS = [...CREATE_OPERATIONS, GET_JOB, WAIT_FOR_JOB, CANCEL_JOB];
const TOOL_DESCRIPTIONS = {
	[CREATE_JOB]: 'Start a Tensor.Art job that runs a ComfyUI workflow given as API-format params.' + TOOL_RETURNS,
	[CREATE_JOB_FROM_TEMPLATE]: 'Start a Tensor.Art job from a workflow template and field values.' + TOOL_RETURNS,
	[GET_JOB]: 'Look up a Tensor.Art job by its jobId.' + TOOL_RETURNS,
	[WAIT_FOR_JOB]: 'Wait a short while for a Tensor.Art job (by jobId) to finish; if it is still running (done false), look it up again after nextCheckInSeconds.' + TOOL_RETURNS,
	[CANCEL_JOB]: 'Cancel a Tensor.Art job by its jobId.' + TOOL_RETURNS,
	[CHECK_PARAMS]: 'Check ComfyUI API-format params with Tensor.Art before running them. Returns valid (true or false), the reason when not, and the price in credits.',
	[GET_TEMPLATE]: 'Get a Tensor.Art workflow template by its ID. Returns its name and the fields that can be set.',
	[UPLOAD_IMAGE]: "Upload an image from the input's binary data to Tensor.Art. Returns its resourceId, to use as an image input in params.",
};

/** The shared job options plus TAMS's create options, in the alphabetical order n8n shows. */
function optionsProperty(): INodeProperties {
	const shared = jobOptionsProperty(defaults, JOB_OPERATIONS);
	const options = [...(shared.options as INodeProperties[]), ...createOptions];
	return { ...shared, options: options.sort((a, b) => a.displayName.localeCompare(b.displayName)) };
}

export class TensorArt implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tensor.Art',
		name: 'tensorArt',
		icon: { light: 'file:tensorArt.svg', dark: 'file:tensorArt.dark.svg' },
		group: ['transform'],
		version: 1,
		// The Operation and Resource as the editor names them (n8n's lint wants a plain string here).
		subtitle:
			'={{ {"cancelJob":"Cancel: Job","checkParams":"Check Params: Job","createJob":"Create: Job","createJobFromTemplate":"Create From Template: Job","getJob":"Get: Job","waitForJob":"Wait For: Job","getTemplate":"Get: Template","uploadImage":"Upload: Image","__CUSTOM_API_CALL__":"Custom API Call"}[$parameter["operation"]] || $parameter["operation"] }}',
		description: 'Run ComfyUI workflows and templates on Tensor.Art TAMS, follow the jobs and get their images and videos',
		defaults: { name: 'Tensor.Art' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'tensorArtApi', required: true }],
		webhooks: CALLBACK_WEBHOOKS,
		waitingNodeTooltip: 'Waiting for Tensor.Art to call back that the jobs have ended (at the latest until the Timeout in the wait settings, then the unfinished jobs are output with done = false)',
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Image', value: 'image' },
					{ name: 'Job', value: 'job' },
					{ name: 'Template', value: 'template' },
					{ ...customApiCallOption },
				],
				default: 'job',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['job'] } },
				options: [
					{ name: 'Cancel', value: CANCEL_JOB, action: 'Cancel a job', description: 'Stop a job that has not finished' },
					{ name: 'Check Params', value: CHECK_PARAMS, action: 'Check job params', description: 'Whether TAMS takes the params, and their price in credits, before spending any' },
					{ name: 'Create', value: CREATE_JOB, action: 'Create a job', description: 'Run a workflow given as ComfyUI API-format params' },
					{ name: 'Create From Template', value: CREATE_JOB_FROM_TEMPLATE, action: 'Create a job from a template', description: 'Run a workflow template with your field values' },
					{ name: 'Get', value: GET_JOB, action: 'Get a job', description: 'Look up the status, progress and outputs of a job' },
					{ name: 'Wait For', value: WAIT_FOR_JOB, action: 'Wait for a job', description: 'Poll a job until it is done' },
					{ ...customApiCallOption },
				],
				default: CREATE_JOB,
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['template'] } },
				options: [
					{ name: 'Get', value: GET_TEMPLATE, action: 'Get a template', description: 'Get the name and editable fields of a workflow template' },
					{ ...customApiCallOption },
				],
				default: GET_TEMPLATE,
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['image'] } },
				options: [
					{ name: 'Upload', value: UPLOAD_IMAGE, action: 'Upload an image', description: 'Upload binary data for workflows that load an image; outputs its resourceId' },
					{ ...customApiCallOption },
				],
				default: UPLOAD_IMAGE,
			},
			paramsProperty([CREATE_JOB, CHECK_PARAMS]),
			templateIdProperty,
			templateFieldsProperty,
			jobIdProperty('881417947308949275', 'The ID of the job as text, as Create outputs it in "jobId"', [GET_JOB, WAIT_FOR_JOB, CANCEL_JOB]),
			...uploadImageProperties,
			...waitProperties(defaults, CREATE_OPERATIONS),
			{
				displayName: 'Wait By',
				name: 'waitMode',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Poll', value: WAIT_MODE_POLL, description: 'Check the jobs\' status at growing intervals; the worker stays busy' },
					{
						// The value stays "callback" (saved workflows): the name says what happens at the Timeout.
						name: 'Callback, Unfinished Jobs Output at the Timeout',
						value: WAIT_MODE_CALLBACK,
						description:
							'Tensor.Art calls this n8n back when the jobs end; the execution waits in the database meanwhile, and no status is polled. n8n must be reachable from the internet (WEBHOOK_URL).',
					},
				],
				default: WAIT_MODE_POLL,
				description: 'How to learn that the jobs have ended. With a callback, jobs still running at the Timeout are output with done = false and nextCheckInSeconds, for Wait For Job to finish.',
				displayOptions: { show: { operation: CREATE_OPERATIONS, waitForCompletion: [true] } },
			},
			optionsProperty(),
			...toolProperties(TOOL_DESCRIPTIONS, [...CREATE_OPERATIONS, WAIT_FOR_JOB]),
		],
	};

	/**
	 * n8n calls these only for webhooks it must register at a service when a workflow is
	 * activated. The callback webhook is handed to TAMS with each job, so there is nothing to do.
	 */
	webhookMethods = {
		default: {
			async checkExists(): Promise<boolean> {
				return true;
			},
			async create(): Promise<boolean> {
				return true;
			},
			async delete(): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const options = this.getNodeParameter('options', {}) as JobOptions;
		return await receiveCallback.call(this, tensorArtProvider, outputOnResume(this, tensorArtProvider, options), options);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeJobOperation.call(this, tensorArtProvider, {
			[CREATE_JOB]: createJob(buildCreateRequest),
			[CREATE_JOB_FROM_TEMPLATE]: createJob(buildTemplateRequest),
			[GET_JOB]: getJob(readJobRef),
			[WAIT_FOR_JOB]: waitForJob(readJobRef),
			[CANCEL_JOB]: cancelJob,
			[CHECK_PARAMS]: checkParams,
			[GET_TEMPLATE]: getTemplate,
			[UPLOAD_IMAGE]: uploadImage,
		});
	}
}
