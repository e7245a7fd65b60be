import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { JobRef } from '../../shared/JobProvider';
import type { JobRefReader } from '../../shared/operations';
import { invalidValue, requiredString } from '../../shared/parameters';
import { JOB_ID, checkedPath, checkedUrl, valueAt } from '../httpAsyncJobProvider';

/** The job's addresses for one item: its status URL (and result URL) with the job ID filled in. */
export function jobRefOf(fn: IExecuteFunctions, itemIndex: number, jobId: string, createReply?: unknown): JobRef {
	const node = fn.getNode();
	const statusUrlPath = createReply === undefined ? undefined : checkedPath(node, fn.getNodeParameter('statusUrlPath', itemIndex, ''), 'Status URL Path', itemIndex);
	const statusUrlReplyField = statusUrlPath ? `Status URL Path "${statusUrlPath}" of the create reply` : undefined;
	const statusUrl = statusUrlReplyField
		? checkedUrl(node, valueAt(createReply, statusUrlPath!), statusUrlReplyField, itemIndex)
		: checkedUrl(node, fn.getNodeParameter('statusUrl', itemIndex, ''), 'Status URL', itemIndex, jobId);
	const resultUrl = (fn.getNodeParameter('resultRequest', itemIndex, {}) as IDataObject).resultUrl;
	// Where a reply named the status URL, the credential goes with it only to the API's own origins.
	const address: Record<string, string> = statusUrlReplyField ? { statusUrl, statusUrlReplyField } : { statusUrl };
	if (typeof resultUrl === 'string' && resultUrl.trim() !== '') address.resultUrl = checkedUrl(node, resultUrl, 'Result URL', itemIndex, jobId);
	return { jobId, address };
}

export const readJobRef: JobRefReader = (fn, itemIndex) => jobRefOf(fn, itemIndex, requiredString(fn, 'jobId', itemIndex, 'Job ID'));

/**
 * Checks, before a create is sent, that its job can be addressed afterwards: a Status URL Path,
 * or a Status URL template with {{jobId}}, and a Result URL template that is an address.
 */
export function checkCreatedJobAddress(fn: IExecuteFunctions, itemIndex: number): void {
	const node = fn.getNode();
	if (checkedPath(node, fn.getNodeParameter('statusUrlPath', itemIndex, ''), 'Status URL Path', itemIndex) === undefined) {
		const template = fn.getNodeParameter('statusUrl', itemIndex, '') as unknown;
		if (typeof template !== 'string' || !template.includes(JOB_ID)) {
			throw invalidValue(node, itemIndex, 'Status URL', `must hold ${JOB_ID} where the job ID goes, or "Status URL Path" must say where the create's reply has the status URL`, 'For example https://api.example.com/v1/jobs/{{jobId}}.');
		}
		checkedUrl(node, template, 'Status URL', itemIndex, 'job');
	}
	const resultUrl = (fn.getNodeParameter('resultRequest', itemIndex, {}) as IDataObject).resultUrl;
	if (typeof resultUrl === 'string' && resultUrl.trim() !== '') checkedUrl(node, resultUrl, 'Result URL', itemIndex, 'job');
}
