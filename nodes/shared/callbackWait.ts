import { createHmac } from 'crypto';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { waitForCompletionProperty } from './descriptions';
import type { WaitSettings } from './itemSettings';
import type { JobProvider } from './JobProvider';
import { hostKind } from './linkPolicy';
import { checkedParameter } from './parameters';
import type { ProviderClient } from './ProviderClient';

/*
 * Callback mode: the jobs are created with this execution's resume URL as the provider's notify
 * URL and the execution is parked in n8n's database, so no worker is held while they run.
 *
 * What survives the wait is what n8n saves of the parked execution. n8n resumes a parked node
 * either through its webhook (a callback) or, at the limit, without running any node code: the
 * node then passes on the items it was given. So before parking, the node's input in the saved
 * execution is replaced by the items it would output at the limit (every unfinished job with
 * done: false and nextCheckInSeconds). That list is both the fallback output and, in queue mode
 * too, the record from which a callback learns every job of the run.
 */

/** The token query parameter of the notify URL, checked by the webhook. */
export const TOKEN_PARAMETER = 'token';

/** The resume webhook: n8n routes `<waiting base>/<execution>/<node id>` to the parked node. */
export const CALLBACK_WEBHOOKS: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	},
];

export const WAIT_MODE_POLL = 'poll';
export const WAIT_MODE_CALLBACK = 'callback';

/**
 * The token of this execution and node: an HMAC keyed with the credential's secrets, so the
 * webhook can check it without storing it, and no one without the API key can make one.
 */
export async function callbackToken(fn: IExecuteFunctions | IWebhookFunctions, provider: JobProvider): Promise<string> {
	// Callback mode is offered by providers with a credential and a base URL (Tensor.Art).
	const credentials = await fn.getCredentials(provider.credentialType!);
	// The secrets as stored, not as cut out of replies: that list may change between versions.
	const key = (provider.callbackKeyFields ?? []).map((field) => String(credentials[field] ?? '')).join('\n');
	return createHmac('sha256', key).update(`${fn.getExecutionId()}\n${fn.getNode().id}`).digest('hex');
}

/**
 * This execution's resume URL for this node, with the token. n8n 2.x adds its own per-execution
 * `signature` to `$execution.resumeUrl` and refuses calls without it; 1.x has none.
 */
function resumeUrlOf(fn: IExecuteFunctions, token: string): string {
	const url = new URL(String(fn.evaluateExpression('{{ $execution.resumeUrl }}', 0)));
	url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(fn.getNode().id)}`;
	url.searchParams.set(TOKEN_PARAMETER, token);
	return url.toString();
}

/**
 * Why the provider cannot call this resume URL, or undefined when it can. A loopback address
 * is accepted while the provider's base URL is loopback too (a local proxy or simulator).
 */
export function unreachableReason(resumeUrl: string, providerBaseUrl: string): string | undefined {
	let url: URL;
	try {
		url = new URL(resumeUrl);
	} catch {
		return `n8n's resume URL "${resumeUrl.split('?')[0]}" is not an address`;
	}
	const shown = `${url.origin}${url.pathname.split('/').slice(0, 2).join('/')}/…`;
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return `n8n's resume URL ${shown} is not an http(s) address`;
	const kind = hostKind(url.hostname);
	const providerIsLocal = URL.canParse(providerBaseUrl) && hostKind(new URL(providerBaseUrl).hostname) === 'loopback';
	if (kind === 'public' || providerIsLocal) return undefined;
	return kind === 'loopback' ? `n8n's resume URL ${shown} points at this machine (loopback)` : `n8n's resume URL ${shown} is a ${kind} network address`;
}

export interface CallbackWait {
	/** The notify URL to create each job with. */
	notifyUrl: string;
	/** Parks the execution with the items the node outputs now and, at the limit, again. */
	park(items: INodeExecutionData[]): Promise<void>;
}

/**
 * For a create that waits by callback (not as a tool: a tool's answer cannot wait for a
 * callback, so a tool polls up to its timeout), checks that the first item's wait settings can
 * end by callback and that the provider can call back, and registers the wait with the first
 * item's Timeout, before any job is created. Undefined for any other run.
 */
export async function startCallbackWait(
	fn: IExecuteFunctions,
	client: ProviderClient,
	firstItemWait: () => WaitSettings,
): Promise<CallbackWait | undefined> {
	const waitsForCallbacks = checkedParameter<boolean>(fn, waitForCompletionProperty, 0) && fn.getNodeParameter('waitMode', 0, '') === WAIT_MODE_CALLBACK;
	if (!waitsForCallbacks) return undefined;
	const { timeoutMs, onJobFailure } = firstItemWait();
	if (onJobFailure === 'error' && !fn.continueOnFail()) throw failureCannotStop(fn);
	return await registerCallbackWait(fn, client, timeoutMs);
}

/**
 * n8n resumes a parked execution with what the callback's webhook returns and gives it no way to
 * stop the execution with an error, so a failed job can only become an item: the job itself, or
 * (On Error set to continue) the error item Poll mode outputs then.
 */
function failureCannotStop(fn: IExecuteFunctions): NodeOperationError {
	return new NodeOperationError(fn.getNode(), 'On Job Failure "Stop With an Error" cannot stop an execution that waits for a callback', {
		description:
			'Set "On Job Failure" to "Output the Failed Job" and route failed jobs with an IF node, or set the node\'s "On Error" setting to continue (a failed job is then output as an error item), or choose "Poll" as the wait.',
	});
}

/**
 * Checks that the provider can call back and registers the wait, before any job is created:
 * a callback that comes before n8n has saved the execution as waiting is answered 409 by n8n,
 * and the fallback at the limit then covers that job.
 */
async function registerCallbackWait(fn: IExecuteFunctions, client: ProviderClient, timeoutMs: number): Promise<CallbackWait> {
	const { provider } = client;
	const notifyUrl = resumeUrlOf(fn, await callbackToken(fn, provider));
	const reason = unreachableReason(notifyUrl, provider.baseUrl!(await fn.getCredentials(provider.credentialType!)));
	if (reason) {
		throw new NodeOperationError(fn.getNode(), `${provider.displayName} cannot call back: ${reason}`, {
			description: `Set WEBHOOK_URL (N8N_WEBHOOK_URL in some setups) to the public https:// address of this n8n instance, so that ${provider.displayName} can reach it, and restart n8n. Or choose "Poll" as the wait.`,
		});
	}
	await fn.putExecutionToWait(new Date(Date.now() + timeoutMs));
	return {
		notifyUrl,
		park: async (items) => {
			// What n8n resumes the node with at the limit, and what a callback reads back (see above).
			fn.getExecuteData().data.main[0] = items;
			// Nothing left to wait for (every job already ended): resume at n8n's next wait check.
			if (!items.some((item) => isUnfinishedJob(item.json))) await fn.putExecutionToWait(new Date());
		},
	};
}

export function isUnfinishedJob(json: IDataObject): boolean {
	return json.done === false && typeof json.jobId === 'string';
}

