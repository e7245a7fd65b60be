import { createHash } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * A key (UUID-shaped) that is the same for one item of one node run of one execution, wherever
 * and however often it runs: n8n's Retry On Fail, and n8n 1.x's queue re-running a stalled
 * execution under the same execution ID, send the same key, so an API that de-duplicates by it
 * hands back the job it already made instead of a second one.
 */
export function itemKey(fn: IExecuteFunctions, itemIndex: number): string {
	const runIndex = fn.getWorkflowDataProxy(itemIndex).$thisRunIndex;
	const node = fn.getNode();
	const key = [fn.getInstanceId(), fn.getWorkflow().id, fn.getExecutionId(), node.id ?? node.name, runIndex, itemIndex].join('\n');
	const hex = createHash('sha256').update(key).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
