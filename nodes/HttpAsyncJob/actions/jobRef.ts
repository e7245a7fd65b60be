import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { JobRef } from '../../shared/JobProvider';
import type { JobRefReader } from '../../shared/operations';
import { checkedText, invalidValue } from '../../shared/parameters';
import type { ApiParameter } from '../apiParameters';
import { apiSettings } from '../apiParameters';
import { JOB_ID, checkedPath, checkedUrl, valueAt } from '../httpAsyncJobProvider';

/** The job's addresses for one item: its status URL (and result and cancel URLs) with the job ID filled in. */
export function jobRefOf(fn: IExecuteFunctions, itemIndex: number, jobId: string, createReply?: unknown): JobRef {
	const node = fn.getNode();
	const { parameter } = apiSettings(fn);
	const statusUrlPath = createReply === undefined ? undefined : checkedPath(node, parameter('statusUrlPath', itemIndex, ''), 'Status URL Path', itemIndex);
	const statusUrlReplyField = statusUrlPath ? `Status URL Path "${statusUrlPath}" of the create reply` : undefined;
	const statusUrl = statusUrlReplyField
		? checkedUrl(node, valueAt(createReply, statusUrlPath!), statusUrlReplyField, itemIndex)
		: checkedUrl(node, parameter('statusUrl', itemIndex, ''), 'Status URL', itemIndex, jobId);
	const resultUrl = (parameter('resultRequest', itemIndex, {}) as IDataObject).resultUrl;
	// Where a reply named the status URL, the credential goes with it only to the API's own origins.
	const address: Record<string, string> = statusUrlReplyField ? { statusUrl, statusUrlReplyField } : { statusUrl };
	if (typeof resultUrl === 'string' && resultUrl.trim() !== '') address.resultUrl = checkedUrl(node, resultUrl, 'Result URL', itemIndex, jobId);
	return { jobId, address };
}

export const readJobRef: JobRefReader = (fn, itemIndex) => jobRefOf(fn, itemIndex, checkedText(fn.getNode(), fn.getNodeParameter('jobId', itemIndex, ''), 'Job ID', itemIndex));

/**
 * Checks, before a create is sent, that its job can be addressed afterwards: a Status URL Path,
 * or a Status URL template with {{jobId}}, and a Result URL template that is an address.
 */
export function checkCreatedJobAddress(fn: IExecuteFunctions, parameter: ApiParameter, itemIndex: number): void {
	const node = fn.getNode();
	if (checkedPath(node, parameter('statusUrlPath', itemIndex, ''), 'Status URL Path', itemIndex) === undefined) {
		const template = parameter('statusUrl', itemIndex, '');
		if (typeof template !== 'string' || !template.includes(JOB_ID)) {
			throw invalidValue(node, itemIndex, 'Status URL', `must hold ${JOB_ID} where the job ID goes, or "Status URL Path" must say where the create's reply has the status URL`, 'For example https://api.example.com/v1/jobs/{{jobId}}.');
		}
		checkedUrl(node, template, 'Status URL', itemIndex, 'job');
	}
	const resultUrl = (parameter('resultRequest', itemIndex, {}) as IDataObject).resultUrl;
	if (typeof resultUrl === 'string' && resultUrl.trim() !== '') checkedUrl(node, resultUrl, 'Result URL', itemIndex, 'job');
}
