import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import type { NormalizedJob } from '../../shared/JobItem';
import type { JobRef, ProviderRequest } from '../../shared/JobProvider';
import { itemKey } from '../../shared/itemKey';
import { checkedText, describeValue, invalidValue, optionalString } from '../../shared/parameters';
import { checkedUrl } from '../httpAsyncJobProvider';
import { checkCreatedJobAddress, jobRefOf } from './jobRef';

const METHODS = ['POST', 'PUT', 'PATCH', 'GET'] as const;

/** The create request of one item, every parameter checked before it is sent. */
export function buildCreateRequest(fn: IExecuteFunctions, itemIndex: number): ProviderRequest {
	const node = fn.getNode();
	const method = fn.getNodeParameter('method', itemIndex, 'POST') as ProviderRequest['method'];
	if (!(METHODS as readonly string[]).includes(method)) throw invalidValue(node, itemIndex, 'Method', `must be one of ${METHODS.join(', ')}, not ${describeValue(method)}`);
	const url = checkedUrl(node, fn.getNodeParameter('url', itemIndex, ''), 'URL', itemIndex);
	checkCreatedJobAddress(fn, itemIndex);
	const request: ProviderRequest = {
		method,
		path: url,
		qs: entriesOf(fn, 'queryParameters', 'Query Parameters', itemIndex),
		headers: entriesOf(fn, 'headers', 'Headers', itemIndex),
		purpose: 'create the job',
		urlField: 'URL',
		uncertainOutcomeHint: `Check the jobs made at ${new URL(url).host} before running this item again, or set "Idempotency Header" if the API de-duplicates creates by one.`,
	};
	const bodyType = fn.getNodeParameter('bodyType', itemIndex, 'json') as string;
	if (bodyType === 'json') request.body = jsonBodyOf(node, fn.getNodeParameter('jsonBody', itemIndex, '{}'), itemIndex);
	else if (bodyType === 'form') request.urlencodedForm = entriesOf(fn, 'formFields', 'Form Fields', itemIndex);
	else if (bodyType === 'multipart') {
		const form = new FormData();
		for (const [name, value] of Object.entries(entriesOf(fn, 'formFields', 'Form Fields', itemIndex))) form.append(name, value);
		request.formData = form;
	} else if (bodyType !== 'none') throw invalidValue(node, itemIndex, 'Body', `must be JSON, Form URL-Encoded, Form-Data or None, not ${describeValue(bodyType)}`);

	const idempotencyHeader = optionalString(fn, 'idempotencyHeader', itemIndex, 'Idempotency Header');
	if (idempotencyHeader !== undefined) {
		if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(idempotencyHeader)) {
			throw invalidValue(node, itemIndex, 'Idempotency Header', `must be a header name such as Idempotency-Key, not "${idempotencyHeader}"`);
		}
		// One key per item, the same on this request's retries and on n8n's Retry On Fail: the API makes one job of them.
		const key = itemKey(fn, itemIndex);
		request.headers = { ...request.headers, [idempotencyHeader]: key };
		request.replayable = true;
		request.uncertainOutcomeHint = `The job was created with ${idempotencyHeader} ${key}: send that key again to get it rather than a second one.`;
	}
	return request;
}

/** The job's addresses from the create's reply: a status URL the reply gives, else the Status URL template. */
export function createdJobRef(fn: IExecuteFunctions, itemIndex: number, job: NormalizedJob, body: unknown): JobRef {
	return jobRefOf(fn, itemIndex, job.jobId, body);
}

/** Name/value entries of a fixed collection, as an object; names must not be empty. */
function entriesOf(fn: IExecuteFunctions, name: string, field: string, itemIndex: number): Record<string, string> {
	const { entries } = fn.getNodeParameter(name, itemIndex, {}) as { entries?: Array<{ name?: unknown; value?: unknown }> };
	const result: Record<string, string> = {};
	for (const entry of entries ?? []) {
		const key = checkedText(fn.getNode(), entry.name, `${field} name`, itemIndex);
		const value = entry.value;
		if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
			throw invalidValue(fn.getNode(), itemIndex, `${field} "${key}"`, `must be text, not ${describeValue(value)}`);
		}
		result[key] = String(value);
	}
	return result;
}

function jsonBodyOf(node: INode, value: unknown, itemIndex: number): IDataObject | IDataObject[] {
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch (error) {
			throw invalidValue(node, itemIndex, 'JSON Body', `is not valid JSON (${(error as Error).message})`, 'Check quotes and commas, or build it with an expression such as {{ JSON.stringify($json.input) }}.');
		}
	}
	if (typeof parsed !== 'object' || parsed === null) throw invalidValue(node, itemIndex, 'JSON Body', `must be a JSON object or list, not ${describeValue(parsed)}`);
	return parsed as IDataObject | IDataObject[];
}
