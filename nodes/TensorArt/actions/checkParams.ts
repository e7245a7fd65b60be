import { NodeApiError } from 'n8n-workflow';
import { z } from 'zod';

import type { JobOperation } from '../../shared/operations';
import { readParams } from './createJob';

/**
 * proto3 JSON leaves out false and 0, so a missing `valid` means false and missing credits 0.
 * int64 credits may come as a string.
 */
const checkReplySchema = z.object({
	valid: z.boolean().nullish(),
	credits: z.union([z.number(), z.string()]).nullish(),
});

/** POST /v1/jobs/workflow/params/check: whether TAMS takes the params, and their price in credits. */
export const checkParams: JobOperation = async ({ fn, client }, itemIndex) => {
	const params = readParams(fn, itemIndex);
	const outcome = await client
		.request({ method: 'POST', path: '/v1/jobs/workflow/params/check', body: { params }, replayable: true, purpose: 'accept the params' }, { itemIndex })
		.then(
			({ body }) => ({ body }),
			(error: unknown) => ({ error }),
		);
	if ('error' in outcome) {
		// TAMS refuses invalid params with 400 (invalid argument): that is this action's answer, not a failure.
		const { error } = outcome;
		if (error instanceof NodeApiError && error.httpCode === '400') {
			return { json: { valid: false, credits: null, reason: error.message, ...(error.description ? { hint: error.description } : {}) } };
		}
		throw error;
	}
	const reply = checkReplySchema.safeParse(outcome.body);
	if (!reply.success) {
		throw new NodeApiError(fn.getNode(), { reply: JSON.stringify(outcome.body ?? null).slice(0, 300) }, {
			message: 'Tensor.Art answered the params check with a reply this node cannot read',
			itemIndex,
		});
	}
	return { json: { valid: reply.data.valid === true, credits: Number(reply.data.credits ?? 0) } };
};
