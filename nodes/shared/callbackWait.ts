import { createHmac, timingSafeEqual } from 'crypto';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { NormalizedJob } from './JobItem';
import type { JobProvider } from './JobProvider';
import { hostKind } from './linkPolicy';
import { ProviderClient } from './ProviderClient';
import { secretValues } from './secrets';

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
const TOKEN_PARAMETER = 'token';

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

/**
 * Parked nodes this process is checking or has resumed. n8n does not stop two callbacks that
 * arrive together (jobs that end at once, a duplicate call) from both resuming an execution, so
 * callbacks that come while a check of the same jobs runs only ask it to look again once it is
 * done, and after the resume they are only answered. Bounded: a resumed execution is never parked
 * at this node again, so the oldest entries can go.
 */
const checking = new Map<string, { again: boolean }>();
const resumedHere = new Set<string>();
const RESUMED_KEPT = 10_000;

export const WAIT_MODE_POLL = 'poll';
export const WAIT_MODE_CALLBACK = 'callback';

/**
 * The token of this execution and node: an HMAC keyed with the credential's secrets, so the
 * webhook can check it without storing it, and no one without the API key can make one.
 */
async function callbackToken(fn: IExecuteFunctions | IWebhookFunctions, provider: JobProvider): Promise<string> {
	// Callback mode is offered by providers with a credential and a base URL (Tensor.Art).
	const credentials = await fn.getCredentials(provider.credentialType!);
	const key = secretValues(credentials, provider.secretFields).join('\n');
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
 * Checks that the provider can call back and registers the wait, before any job is created:
 * a callback that comes before n8n has saved the execution as waiting is answered 409 by n8n,
 * and the fallback at the limit then covers that job.
 */
export async function registerCallbackWait(fn: IExecuteFunctions, client: ProviderClient, timeoutMinutes: number): Promise<CallbackWait> {
	const { provider } = client;
	const notifyUrl = resumeUrlOf(fn, await callbackToken(fn, provider));
	const reason = unreachableReason(notifyUrl, provider.baseUrl!(await fn.getCredentials(provider.credentialType!)));
	if (reason) {
		throw new NodeOperationError(fn.getNode(), `${provider.displayName} cannot call back: ${reason}`, {
			description: `Set WEBHOOK_URL (N8N_WEBHOOK_URL in some setups) to the public https:// address of this n8n instance, so that ${provider.displayName} can reach it, and restart n8n. Or choose "Poll" as the wait.`,
		});
	}
	await fn.putExecutionToWait(new Date(Date.now() + timeoutMinutes * 60_000));
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

function isUnfinishedJob(json: IDataObject): boolean {
	return json.done === false && typeof json.jobId === 'string';
}

/**
 * The webhook a provider calls. Its body is not trusted (its shape is undocumented): the token
 * is checked, every unfinished job of the run is looked up at the provider, newest first, and the
 * execution resumes only once all of them have ended. Until then the call is answered 200 and the
 * execution keeps waiting. A call without a valid token is refused and changes nothing.
 */
export async function receiveCallback(
	this: IWebhookFunctions,
	provider: JobProvider,
	toOutputItem: (job: NormalizedJob, itemIndex: number, client: ProviderClient) => Promise<INodeExecutionData>,
	options: { includeRaw?: boolean; requestsPerSecond?: number },
): Promise<IWebhookResponseData> {
	const response = this.getResponseObject();
	const given = String((this.getQueryData() as IDataObject)[TOKEN_PARAMETER] ?? '');
	const expected = await callbackToken(this, provider);
	if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
		response.status(403).json({ message: 'This callback does not carry the token of the waiting execution' });
		return { noWebhookResponse: true };
	}
	const parkedNode = `${this.getExecutionId()}/${this.getNode().id}`;
	if (resumedHere.has(parkedNode)) return { webhookResponse: { message: 'The execution has resumed already' } };
	const running = checking.get(parkedNode);
	if (running) {
		running.again = true;
		return { webhookResponse: { message: 'A check of the jobs is under way' } };
	}
	const state = { again: false };
	checking.set(parkedNode, state);
	try {
		const parked = this.evaluateExpression('{{ $input.all().map((item) => item.json) }}', 0) as IDataObject[];
		const client = new ProviderClient(this, provider, { requestsPerSecond: options.requestsPerSecond });
		for (;;) {
			const outcome = await checkJobs(client, parked, options.includeRaw);
			if ('ended' in outcome) {
				resumedHere.add(parkedNode);
				if (resumedHere.size > RESUMED_KEPT) resumedHere.delete(resumedHere.values().next().value!);
				const items = await Promise.all(
					parked.map(async (json, itemIndex) => {
						const job = outcome.ended.get(itemIndex);
						const item = job ? await toOutputItem(job, itemIndex, client) : { json };
						return { ...item, pairedItem: { item: itemIndex } };
					}),
				);
				return { workflowData: [items] };
			}
			if ('failure' in outcome) {
				response.status(503).json({ message: outcome.failure });
				return { noWebhookResponse: true };
			}
			if (!state.again) return { webhookResponse: { message: outcome.waiting } };
			state.again = false;
		}
	} finally {
		checking.delete(parkedNode);
	}
}

type CheckOutcome = { ended: Map<number, NormalizedJob> } | { waiting: string } | { failure: string };

/**
 * Looks the unfinished jobs up, newest first (jobs end roughly in the order they were made, so
 * the newest shows soonest that the wait goes on), and stops at the first that has not ended.
 */
async function checkJobs(
	client: ProviderClient,
	parked: IDataObject[],
	includeRaw: boolean | undefined,
): Promise<CheckOutcome> {
	const ended = new Map<number, NormalizedJob>();
	const unfinished = parked.map((json, itemIndex) => ({ json, itemIndex })).filter(({ json }) => isUnfinishedJob(json));
	for (const { json, itemIndex } of unfinished.reverse()) {
		let job: NormalizedJob;
		try {
			({ job } = await client.getJob({ jobId: String(json.jobId) }, { itemIndex, includeRaw }));
		} catch (error) {
			// The limit's fallback still holds every job, so a failed look-up only ends this call.
			return { failure: `Job ${String(json.jobId)} could not be looked up: ${(error as Error).message}` };
		}
		if (!job.done) return { waiting: `Job ${job.jobId} is still ${job.status}: the execution keeps waiting` };
		ended.set(itemIndex, job);
	}
	return { ended };
}
