import type { IExecuteFunctions } from 'n8n-workflow';

import { toolTimeoutField } from './descriptions';
import type { WaitSettings } from './itemSettings';
import { checkedParameter } from './parameters';

/** n8n's AI Agent runs a node as a tool with a context that says so (older n8n has no such call). */
export function isToolRun(fn: IExecuteFunctions): boolean {
	return typeof fn.isToolExecution === 'function' && fn.isToolExecution();
}

/**
 * As a tool, a wait holds the agent only up to the tool timeout, and a job still running then is
 * an answer (done: false, with nextCheckInSeconds), not an error: the agent can check it later.
 */
export function asToolWait(fn: IExecuteFunctions, itemIndex: number, wait: WaitSettings): WaitSettings {
	const toolTimeoutMs = checkedParameter<number>(fn, toolTimeoutField, itemIndex) * 1000;
	return { ...wait, timeoutMs: Math.min(wait.timeoutMs, toolTimeoutMs), onTimeout: 'output' };
}
