import type { JobOperation } from '../../shared/operations';
import { getJob } from '../../shared/operations';
import { readJobRef } from './jobRef';

const getCanceledJob = getJob(readJobRef);

/**
 * DELETE /v1/jobs/{id}, then the job as it now stands: TAMS answers the cancel with the id
 * alone, and a job that had already finished keeps its outcome.
 */
export const cancelJob: JobOperation = async (ctx, itemIndex, settings) => {
	const { jobId } = readJobRef(ctx.fn, itemIndex);
	// Canceling twice is harmless, so a cancel whose answer was lost may be sent again.
	await ctx.client.request({ method: 'DELETE', path: `/v1/jobs/${encodeURIComponent(jobId)}`, replayable: true, purpose: `cancel job ${jobId}` }, { itemIndex });
	return await getCanceledJob(ctx, itemIndex, settings);
};
