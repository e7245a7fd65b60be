import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { checkedParameter, describeValue, invalidValue, optionalString, requiredString } from '../../shared/parameters';
import type { ChatRequest } from '../batchVendor';

export const CREATE_BATCH = 'createBatch';
const show = { show: { operation: [CREATE_BATCH] } };

const maxTokensProperty: INodeProperties = {
	displayName: 'Max Tokens',
	name: 'maxTokens',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 1024,
	description: 'The longest answer, in tokens, each request may get',
	displayOptions: show,
};

/** The fields of one request, each read per item (an expression over the item's row). */
export const chatRequestProperties: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'gpt-4o-mini',
		description: 'The model every request of the batch runs on, read from the first item (e.g. gpt-4o-mini, claude-sonnet-4-5, mistral-small-latest)',
		displayOptions: show,
	},
	{
		displayName: 'Input',
		name: 'input',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Prompt', value: 'prompt', description: "One user message per item, from the item's fields" },
			{ name: 'Messages', value: 'messages', description: 'A list of {role, content} messages per item' },
		],
		default: 'prompt',
		displayOptions: show,
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'Classify this review as positive or negative: {{ $json.review }}',
		description: 'The user message of each item’s request; use an expression to put the row in',
		displayOptions: { show: { operation: [CREATE_BATCH], input: ['prompt'] } },
	},
	{
		displayName: 'Messages',
		name: 'messages',
		type: 'json',
		default: '=[{ "role": "user", "content": {{ JSON.stringify($json.text) }} }]',
		description: 'The messages of each item’s request, as a JSON list of {role, content}',
		displayOptions: { show: { operation: [CREATE_BATCH], input: ['messages'] } },
	},
	{
		displayName: 'System Prompt',
		name: 'systemPrompt',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description: 'Instructions sent with every request; leave empty for none',
		displayOptions: show,
	},
	maxTokensProperty,
	{
		displayName: 'JSON Output Schema',
		name: 'jsonSchema',
		type: 'json',
		default: '',
		placeholder: '{ "type": "object", "properties": { "label": { "type": "string" } }, "required": ["label"], "additionalProperties": false }',
		description: 'A JSON Schema every answer must follow (structured outputs); leave empty for plain text. Set "JSON Answers" in Get Batch Results to get the parsed answer.',
		displayOptions: show,
	},
];

/** One item's request, checked: every refusal names the item and the field. */
export function readChatRequest(fn: IExecuteFunctions, itemIndex: number): Omit<ChatRequest, 'customId' | 'model'> {
	const input = fn.getNodeParameter('input', itemIndex, 'prompt') as string;
	const messages =
		input === 'messages' ? readMessages(fn, itemIndex) : [{ role: 'user', content: requiredString(fn, 'prompt', itemIndex, 'Prompt') }];
	return {
		messages,
		system: optionalString(fn, 'systemPrompt', itemIndex, 'System Prompt'),
		maxTokens: checkedParameter<number>(fn, maxTokensProperty, itemIndex),
		schema: readSchema(fn, itemIndex),
	};
}

function readMessages(fn: IExecuteFunctions, itemIndex: number): ChatRequest['messages'] {
	const messages = jsonValue(fn, 'messages', itemIndex, 'Messages');
	const valid =
		Array.isArray(messages) &&
		messages.length > 0 &&
		messages.every((message) => typeof (message as IDataObject)?.role === 'string' && (message as IDataObject).content !== undefined);
	if (!valid) {
		throw invalidValue(fn.getNode(), itemIndex, 'Messages', `must be a list of {role, content} messages, not ${describeValue(messages)}`, 'E.g. [{ "role": "user", "content": "…" }].');
	}
	return messages as ChatRequest['messages'];
}

function readSchema(fn: IExecuteFunctions, itemIndex: number): IDataObject | undefined {
	const schema = jsonValue(fn, 'jsonSchema', itemIndex, 'JSON Output Schema');
	if (schema === undefined) return undefined;
	if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
		throw invalidValue(fn.getNode(), itemIndex, 'JSON Output Schema', `must be a JSON Schema object, not ${describeValue(schema)}`);
	}
	return schema as IDataObject;
}

/** A JSON parameter's value: parsed where it is text, undefined where empty. */
function jsonValue(fn: IExecuteFunctions, name: string, itemIndex: number, field: string): unknown {
	const value = fn.getNodeParameter(name, itemIndex, '') as unknown;
	if (typeof value !== 'string') return value ?? undefined;
	if (value.trim() === '') return undefined;
	try {
		return JSON.parse(value) as unknown;
	} catch (error) {
		throw invalidValue(fn.getNode(), itemIndex, field, `must be valid JSON (${(error as Error).message})`);
	}
}
