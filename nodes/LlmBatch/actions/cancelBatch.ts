import type { JobOperation, JobRefReader } from '../../shared/operations';
import { requiredString } from '../../shared/parameters';
import type { BatchVendor } from '../batchVendor';

export const CANCEL_BATCH = 'cancelBatch';

/** A batch is addressed by its ID alone at every vendor. */
export const readBatchRef: JobRefReader = (fn, itemIndex) => ({ jobId: requiredString(fn, 'jobId', itemIndex, 'Batch ID') });

/**
 * Cancel Batch: the vendor stops starting requests and answers with the batch, now canceling;
 * requests already done keep their results, which Get Batch Results outputs once it has ended.
 */
export const cancelBatch: JobOperation = async ({ fn, client }, itemIndex, { options }) => {
	const ref = readBatchRef(fn, itemIndex);
	const { body } = await client.request((client.provider as BatchVendor).cancelRequest(ref), { itemIndex });
	return { json: client.toNormalizedJob(body, ref, { itemIndex, includeRaw: options.includeRaw }).job as never };
};
