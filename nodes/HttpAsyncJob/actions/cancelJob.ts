import type { ProviderRequest } from '../../shared/JobProvider';
import type { JobOperation } from '../../shared/operations';
import { getJob } from '../../shared/operations';
import { describeValue, invalidValue } from '../../shared/parameters';
import { apiSettings } from '../apiParameters';
import { checkedUrl } from '../httpAsyncJobProvider';
import { readJobRef } from './jobRef';

const METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Sends the API's cancel request for the item's job, then outputs the job as it now stands. */
export const cancelJob: JobOperation = async (ctx, itemIndex, settings) => {
	const { fn, client } = ctx;
	const node = fn.getNode();
	const { parameter, preset } = apiSettings(fn);
	const ref = readJobRef(fn, itemIndex);
	const template = parameter('cancelUrl', itemIndex, '');
	if (template === '' || template === undefined) {
		throw invalidValue(node, itemIndex, preset ? 'API' : 'Cancel URL', preset ? `${preset.name} has no request that cancels a job` : 'is empty', preset ? undefined : 'Give the address that cancels a job, with {{jobId}} where the job ID goes.');
	}
	const method = parameter('cancelMethod', itemIndex, 'POST') as ProviderRequest['method'];
	if (!(METHODS as readonly string[]).includes(method)) throw invalidValue(node, itemIndex, 'Cancel Method', `must be one of ${METHODS.join(', ')}, not ${describeValue(method)}`);
	const path = checkedUrl(node, template, 'Cancel URL', itemIndex, ref.jobId);
	// Canceling twice is harmless, so a cancel whose answer was lost may be sent again.
	await client.request({ method, path, replayable: true, purpose: `cancel job ${ref.jobId}` }, { itemIndex });
	return await getJob(() => ref)(ctx, itemIndex, settings);
};
