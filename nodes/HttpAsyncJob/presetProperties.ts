import type { INodeProperties } from 'n8n-workflow';

import { CANCEL_JOB, CREATE_JOB, GET_JOB, WAIT_FOR_JOB } from '../shared/descriptions';
import type { ApiPreset } from './presets/ApiPreset';

const NAMES_ENDPOINT = /\{\{(endpoint|app)\}\}/;

const inputProperty: INodeProperties = {
	displayName: 'Input',
	name: 'input',
	type: 'json',
	default: '{}',
	description: "The job's inputs as a JSON object; an expression can build it from the item",
};

/** The fields a preset leaves to the user: its model or endpoint and the input, with a notice of the requests it sends. */
export function presetProperties(preset: ApiPreset): INodeProperties[] {
	const onPreset = { api: [preset.value] };
	const addressesNameEndpoint = [preset.status.url, preset.result?.url, preset.cancel?.url].some((url) => url !== undefined && NAMES_ENDPOINT.test(url));
	const properties: INodeProperties[] = [
		{ displayName: requestsSent(preset), name: `${preset.value}Requests`, type: 'notice', default: '', displayOptions: { show: onPreset } },
	];
	if (preset.endpoint) {
		properties.push({
			displayName: preset.endpoint.displayName,
			name: 'endpoint',
			type: 'string',
			required: true,
			default: '',
			placeholder: preset.endpoint.example,
			description: preset.endpoint.description,
			displayOptions: { show: { ...onPreset, operation: addressesNameEndpoint ? [CREATE_JOB, GET_JOB, WAIT_FOR_JOB, CANCEL_JOB] : [CREATE_JOB] } },
		});
	}
	properties.push(
		// A new node starts with the API's example input.
		{ ...inputProperty, default: preset.exampleInput, displayOptions: { show: { ...onPreset, operation: [CREATE_JOB] } } },
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: preset.origin,
			description: `Leave empty for ${preset.origin}; set it only for another region or a proxy of the same API. The credential is sent there.`,
			displayOptions: { show: onPreset },
		},
	);
	return properties;
}

/** What the preset sends, in one line the user reads in the editor. */
function requestsSent({ name, origin, endpoint, headers: everyRequest, create, status, result, cancel, credential, checkedAgainst }: ApiPreset): string {
	const shown = (template: string) =>
		template
			.split('{{baseUrl}}')
			.join(origin)
			.split('{{endpoint}}')
			.join(`{${endpoint?.displayName ?? 'endpoint'}}`)
			.split('{{app}}')
			.join('{owner/app}')
			.split('{{jobId}}')
			.join('{job ID}');
	const body = create.bodyType === 'multipart' ? "the Input's fields as multipart/form-data" : create.inputField ? `{"${create.inputField}": Input}` : 'the Input';
	const headers = Object.entries(create.headers ?? {}).map(([header, value]) => ` and ${header}: ${value}`).join('');
	const words = (['succeeded', 'failed', 'canceled'] as const).flatMap((meaning) => status.words[meaning] ?? []);
	const key = credential.type === 'httpHeaderAuth' ? `Header Auth (Name ${credential.headerName}, Value ${credential.valueFormat})` : 'Bearer Auth holding your API key';
	return [
		`${name}: Create sends ${create.method} ${shown(create.url)} with ${body}${headers}.`,
		`The status is read from GET ${shown(status.url)} until "${status.path}" is ${words.join(', ')}${result ? '; then the result from its result address' : ''}.`,
		cancel ? `Cancel sends ${cancel.method} ${shown(cancel.url)}.` : `${name} has no cancel.`,
		everyRequest ? `Every request carries ${Object.entries(everyRequest).map(([header, value]) => `${header}: ${value}`).join(', ')}.` : '',
		`Authentication: ${key}. Checked against ${checkedAgainst}.`,
	]
		.filter(Boolean)
		.join(' ')
		// The editor shows a notice as HTML: angle brackets would be read as tags.
		.replace(/</g, '‹')
		.replace(/>/g, '›');
}
