import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ProviderRequest } from '../../shared/JobProvider';
import { readTamsId } from '../tensorArtProvider';
import { createRequest, requestIdOf } from './createJob';
import { CREATE_JOB_FROM_TEMPLATE, GET_TEMPLATE } from './operationNames';

/** Template ID: shown for Create Job From Template and Get Template. */
export const templateIdProperty: INodeProperties = {
	displayName: 'Template ID',
	name: 'templateId',
	type: 'string',
	required: true,
	default: '',
	placeholder: '676018193025756628',
	description: 'The ID of a workflow template from the Tensor.Art site or the TAMS console',
	displayOptions: { show: { operation: [CREATE_JOB_FROM_TEMPLATE, GET_TEMPLATE] } },
};

export const templateFieldsProperty: INodeProperties = {
	displayName: 'Fields',
	name: 'fields',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Field',
	default: {},
	description: 'Values for the editable fields of the template, as Get Template lists them; fields left out keep the template\'s value',
	displayOptions: { show: { operation: [CREATE_JOB_FROM_TEMPLATE] } },
	options: [
		{
			displayName: 'Field',
			name: 'field',
			values: [
				{ displayName: 'Node ID', name: 'nodeId', type: 'string', default: '', placeholder: '6' },
				{ displayName: 'Field Name', name: 'fieldName', type: 'string', default: '', placeholder: 'text' },
				{ displayName: 'Value', name: 'fieldValue', type: 'string', default: '', placeholder: 'a lighthouse on a cliff at dawn' },
			],
		},
	],
};

/** POST /v1/jobs/workflow/template: the template and its field values, as TAMS names them. */
export function buildTemplateRequest(fn: IExecuteFunctions, itemIndex: number): ProviderRequest {
	const templateId = readTamsId(fn, 'templateId', itemIndex, 'Template ID');
	const { field = [] } = fn.getNodeParameter('fields', itemIndex, {}) as { field?: IDataObject[] };
	const fieldAttrs = field.map((entry, index) => {
		const nodeId = String(entry.nodeId ?? '').trim();
		const fieldName = String(entry.fieldName ?? '').trim();
		if (!nodeId || !fieldName) {
			throw new NodeOperationError(fn.getNode(), `Field ${index + 1} of item ${itemIndex} needs both a node ID and a field name`, {
				itemIndex,
				description: 'Get Template lists the editable fields of a template with their node IDs and field names.',
			});
		}
		const value = entry.fieldValue;
		return { nodeId, fieldName, fieldValue: typeof value === 'string' ? value : JSON.stringify(value ?? '') };
	});
	return createRequest('/v1/jobs/workflow/template', { requestId: requestIdOf(fn, itemIndex), templateId, fields: { fieldAttrs } });
}
