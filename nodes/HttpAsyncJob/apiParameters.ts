import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import type { JobStatus } from '../shared/JobItem';
import { checkedText, describeValue, invalidValue, trimmedBaseUrl } from '../shared/parameters';
import type { ApiPreset } from './presets/ApiPreset';
import { PRESETS } from './presets';

export const CUSTOM_API = 'custom';

/** Reads one of the node's API settings for an item, as `getNodeParameter` does. */
export type ApiParameter = (name: string, itemIndex: number, fallback?: unknown) => unknown;

/**
 * The API the node runs jobs at: its settings as the Custom fields name them, whether the user
 * typed them (Custom) or a preset gives them, so the adapter reads both the same way.
 */
export interface ApiSettings {
	parameter: ApiParameter;
	preset?: ApiPreset;
}

export function apiSettings(fn: IExecuteFunctions): ApiSettings {
	const custom: ApiParameter = (name, itemIndex, fallback) => fn.getNodeParameter(name, itemIndex, fallback as never) as unknown;
	const api = fn.getNodeParameter('api', 0, CUSTOM_API) as unknown;
	if (api === CUSTOM_API) return { parameter: custom };
	const preset = PRESETS.find(({ value }) => value === api);
	if (!preset) {
		throw invalidValue(fn.getNode(), undefined, 'API', `must be Custom or one of ${PRESETS.map(({ name }) => name).join(', ')}, not ${describeValue(api)}`);
	}
	const fromPreset = presetParameters(fn, preset);
	return {
		preset,
		parameter: (name, itemIndex, fallback) => (name in fromPreset ? fromPreset[name](itemIndex) : custom(name, itemIndex, fallback)),
	};
}

const STATUS_OWN_FIELDS = new Set(['url', 'path', 'words', 'outputUrl']);

const STATUS_LISTS: Array<[string, JobStatus]> = [
	['succeededWords', 'succeeded'],
	['failedWords', 'failed'],
	['canceledWords', 'canceled'],
	['queuedWords', 'queued'],
	['runningWords', 'running'],
];

/** Each Custom field a preset sets, as the value the user would have typed there. */
function presetParameters(fn: IExecuteFunctions, preset: ApiPreset): Record<string, (itemIndex: number) => unknown> {
	const { create, status, result, cancel } = preset;
	const address = (template: string | undefined, itemIndex: number) => (template ? filledAddress(fn, preset, template, itemIndex) : '');
	const wordLists = Object.fromEntries(STATUS_LISTS.map(([name, meaning]) => [name, () => (status.words[meaning] ?? []).join(', ')]));
	return {
		...wordLists,
		apiHeaders: () => preset.headers ?? {},
		method: () => create.method,
		url: (itemIndex) => address(create.url, itemIndex),
		queryParameters: () => ({}),
		headers: () => ({ entries: Object.entries(create.headers ?? {}).map(([name, value]) => ({ name, value })) }),
		bodyType: () => create.bodyType ?? 'json',
		jsonBody: (itemIndex) => {
			const input = inputOf(fn.getNode(), fn.getNodeParameter('input', itemIndex, '{}'), itemIndex);
			return create.inputField ? { [create.inputField]: input } : input;
		},
		formFields: (itemIndex) => ({
			entries: Object.entries(inputOf(fn.getNode(), fn.getNodeParameter('input', itemIndex, '{}'), itemIndex)).map(([name, value]) => ({
				name,
				value: typeof value === 'string' ? value : JSON.stringify(value),
			})),
		}),
		idempotencyHeader: () => '',
		jobIdPath: () => create.jobIdPath,
		statusUrlPath: () => create.statusUrlPath ?? '',
		statusUrl: (itemIndex) => address(status.url, itemIndex),
		statusPath: () => status.path,
		// The status entries the Reply Fields collection holds; the address, path and words have fields of their own.
		replyFields: (itemIndex) => ({
			...Object.fromEntries(Object.entries(status).filter(([key]) => !STATUS_OWN_FIELDS.has(key))),
			outputUrl: address(status.outputUrl, itemIndex),
		}),
		resultRequest: (itemIndex) => ({ resultUrl: address(result?.url, itemIndex), resultUrlPath: result?.urlPath ?? '' }),
		cancelMethod: () => cancel?.method,
		cancelUrl: (itemIndex) => address(cancel?.url, itemIndex),
	};
}

/** A preset's address for an item: the base URL and the endpoint filled in, `{{jobId}}` left for the job. */
function filledAddress(fn: IExecuteFunctions, preset: ApiPreset, template: string, itemIndex: number): string {
	const node = fn.getNode();
	const baseUrl = trimmedBaseUrl(fn.getNodeParameter('baseUrl', itemIndex, '') as unknown, preset.origin);
	if (!/^https?:\/\/[^/\s?#]+(\/[^\s?#]*)?$/i.test(baseUrl)) {
		throw invalidValue(node, itemIndex, 'API Base URL', `must be an http(s) address such as ${preset.origin}, not ${describeValue(baseUrl)}`, `Leave it empty to use ${preset.origin}.`);
	}
	let url = template.split('{{baseUrl}}').join(baseUrl);
	if (preset.endpoint && /\{\{(endpoint|app)\}\}/.test(template)) {
		const endpoint = checkedEndpoint(node, fn.getNodeParameter('endpoint', itemIndex, ''), preset.endpoint.displayName, itemIndex);
		url = url.split('{{endpoint}}').join(endpoint).split('{{app}}').join(endpoint.split('/').slice(0, 2).join('/'));
	}
	return url;
}

/** A model or endpoint name: path segments of letters, digits and `-._~:@`, as `owner/name` or `fal-ai/flux/dev`. */
function checkedEndpoint(node: INode, value: unknown, field: string, itemIndex: number): string {
	const endpoint = checkedText(node, value, field, itemIndex).replace(/^\/+|\/+$/g, '');
	if (!/^[\w.~:@-]+(\/[\w.~:@-]+)*$/.test(endpoint)) {
		throw invalidValue(node, itemIndex, field, `must be a name such as owner/model, not ${describeValue(endpoint)}`, 'Use the name as the API documents it, without spaces, "?" or "#".');
	}
	return endpoint;
}

/** The item's input: a JSON object, as text or as an expression's object. */
function inputOf(node: INode, value: unknown, itemIndex: number): IDataObject {
	const parsed = parsedJson(node, value, 'Input', itemIndex);
	if (Array.isArray(parsed)) throw invalidValue(node, itemIndex, 'Input', "must be a JSON object of the job's inputs, not a list");
	return parsed;
}

/** A JSON field's value: text is parsed, and it must be an object or a list (an expression may give either as is). */
export function parsedJson(node: INode, value: unknown, field: string, itemIndex: number): IDataObject | IDataObject[] {
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch (error) {
			throw invalidValue(node, itemIndex, field, `is not valid JSON (${(error as Error).message})`, 'Check quotes and commas, or build it with an expression such as {{ JSON.stringify({ prompt: $json.prompt }) }}.');
		}
	}
	if (typeof parsed !== 'object' || parsed === null) throw invalidValue(node, itemIndex, field, `must be a JSON object or list, not ${describeValue(parsed)}`);
	return parsed as IDataObject | IDataObject[];
}
