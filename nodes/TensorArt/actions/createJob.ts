import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ProviderRequest } from '../../shared/JobProvider';
import { itemKey } from '../../shared/itemKey';
import { optionalString } from '../../shared/parameters';
import { CREATE_JOB, CREATE_JOB_FROM_TEMPLATE } from './operationNames';


/** A small text-to-image workflow, so a new node shows the shape (model IDs are Tensor.Art's). */
const DEFAULT_PARAMS = `{
  "4": { "classType": "CheckpointLoaderSimple", "inputs": { "ckpt_name": "757279507095956705" } },
  "5": { "classType": "EmptyLatentImage", "inputs": { "width": 768, "height": 512, "batch_size": 1 } },
  "6": { "classType": "CLIPTextEncode", "inputs": { "text": "a lighthouse on a cliff at dawn", "clip": ["4", 1] } },
  "7": { "classType": "CLIPTextEncode", "inputs": { "text": "blurry", "clip": ["4", 1] } },
  "3": { "classType": "KSampler", "inputs": { "seed": 1, "steps": 20, "cfg": 7, "sampler_name": "euler", "scheduler": "normal", "denoise": 1,
    "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0] } },
  "8": { "classType": "VAEDecode", "inputs": { "samples": ["3", 0], "vae": ["4", 2] } },
  "9": { "classType": "SaveImage", "inputs": { "images": ["8", 0] } }
}`;

/** The `params` field, shown for Create Job and Check Params. */
export function paramsProperty(operations: string[]): INodeProperties {
	return {
		displayName: 'Params (JSON)',
		name: 'params',
		type: 'json',
		required: true,
		default: DEFAULT_PARAMS,
		description:
			'The workflow in ComfyUI API format: node IDs mapped to {"classType", "inputs"}; links are ["nodeId", outputIndex] and models are Tensor.Art model IDs. An expression may hand over an object from the previous node. A ComfyUI export\'s "class_type" is accepted.',
		displayOptions: { show: { operation: operations } },
	};
}

/** Create options of TAMS beside the shared job options. */
export const createOptions: INodeProperties[] = [
	{
		displayName: 'Notify URL',
		name: 'runningNotifyUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/webhook/tams',
		description:
			'URL Tensor.Art calls as the job runs (sent as runningNotifyUrl), e.g. {{ $execution.resumeUrl }} of a Wait node set to resume on a webhook call, followed by Get Job. "Wait By: Callback" sets it itself.',
		displayOptions: { show: { '/operation': [CREATE_JOB] }, hide: { '/waitMode': ['callback'] } },
	},
	{
		displayName: 'Request ID',
		name: 'requestId',
		type: 'string',
		default: '',
		description:
			"Tensor.Art makes one job per request ID. Empty: an ID made from the execution, this node, its run and the item, so the same item of the same execution run again (a retry, a queue-mode worker re-running it) gets its job back, while a new execution makes new jobs. Set it, e.g. from the item's own ID, to get the same job across executions.",
		displayOptions: { show: { '/operation': [CREATE_JOB, CREATE_JOB_FROM_TEMPLATE] } },
	},
];

/** POST /v1/jobs/workflow with the item's params, checked before anything is sent. */
export function buildCreateRequest(fn: IExecuteFunctions, itemIndex: number): ProviderRequest {
	const body: IDataObject = { requestId: requestIdOf(fn, itemIndex), params: readParams(fn, itemIndex) };
	const notifyUrl = optionalString(fn, 'options.runningNotifyUrl', itemIndex, 'Notify URL');
	if (notifyUrl) body.runningNotifyUrl = notifyUrl;
	return createRequest('/v1/jobs/workflow', body);
}

export function createRequest(path: string, body: IDataObject): ProviderRequest {
	// Sent again after a lost answer: TAMS returns the job already made for this requestId.
	return {
		method: 'POST',
		path,
		body,
		replayable: true,
		purpose: 'create the job',
		uncertainOutcomeHint: `To get that job rather than a second one, set the "Request ID" option to ${String(body.requestId)} and run this item again.`,
	};
}

export function requestIdOf(fn: IExecuteFunctions, itemIndex: number): string {
	return optionalString(fn, 'options.requestId', itemIndex, 'Request ID') ?? itemKey(fn, itemIndex);
}

/**
 * The item's params as TAMS takes them: a non-empty map of nodes that each name a `classType`.
 * ComfyUI's own export says `class_type` and adds `_meta` (editor titles); both are adapted.
 */
export function readParams(fn: IExecuteFunctions, itemIndex: number): IDataObject {
	const invalid = (problem: string, description?: string) =>
		new NodeOperationError(fn.getNode(), `The params of item ${itemIndex} ${problem}`, {
			itemIndex,
			description: description ?? 'Params map node IDs to nodes, e.g. {"3": {"classType": "KSampler", "inputs": {…}}}.',
		});
	let params = fn.getNodeParameter('params', itemIndex, '') as unknown;
	if (typeof params === 'string') {
		if (params.trim() === '') throw invalid('are empty');
		try {
			params = JSON.parse(params);
		} catch (error) {
			throw invalid(`are not valid JSON: ${(error as Error).message}`, 'Check quotes and commas, or build the params with an expression such as {{ $json.params }}.');
		}
	}
	if (typeof params !== 'object' || params === null || Array.isArray(params)) {
		throw invalid(`must be a JSON object of nodes, not ${Array.isArray(params) ? 'a list' : typeof params}`);
	}
	const entries = Object.entries(params as IDataObject);
	if (entries.length === 0) throw invalid('have no nodes');
	// Built from entries, not by assignment: a node id "__proto__" stays an ordinary key and is sent as given.
	return Object.fromEntries(
		entries.map(([nodeId, node]) => {
			if (typeof node !== 'object' || node === null || Array.isArray(node)) throw invalid(`have node "${nodeId}" that is not an object`);
			const { class_type: comfyClassType, _meta: _editorMeta, ...rest } = node as IDataObject;
			const classType = rest.classType ?? comfyClassType;
			if (typeof classType !== 'string' || classType.trim() === '') throw invalid(`have node "${nodeId}" without a classType`);
			return [nodeId, { ...rest, classType }];
		}),
	);
}
