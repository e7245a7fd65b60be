import { timingSafeEqual } from 'crypto';
import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { TOKEN_PARAMETER, callbackToken, isUnfinishedJob } from './callbackWait';
import { DEFAULT_PARALLEL_DOWNLOADS, Transfers } from './downloads';
import type { JobOptions } from './itemSettings';
import { waitSettingsOf } from './itemSettings';
import type { NormalizedJob } from './JobItem';
import type { JobProvider } from './JobProvider';
import { checkFinishedJob, toOutputItem } from './operations';
import { ProviderClient } from './ProviderClient';
import { errorJson } from './runItems';

/*
 * The webhook side of callback mode (see callbackWait.ts for the park): a provider's call to the
 * resume URL, and the items the execution resumes with.
 */

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

/**
 * What a provider's callback webhook makes of a job that ended while the execution waited:
 * the item Poll mode outputs, with the options and wait settings as the resumed node reads them.
 * A failure that On Job Failure turns into an error is Poll's error item with Continue On Fail,
 * the only way the park allows (see failureCannotStop in callbackWait.ts).
 */
export function outputOnResume(fn: IWebhookFunctions, provider: JobProvider, options: JobOptions) {
	const settings = waitSettingsOf(fn.getNodeParameter('waitSettings', {}) as IDataObject, provider.waitDefaults);
	let transfers: Transfers | undefined;
	return async (job: NormalizedJob, itemIndex: number, client: ProviderClient): Promise<INodeExecutionData> => {
		try {
			checkFinishedJob(fn, job, settings, itemIndex);
		} catch (error) {
			return { json: errorJson(error) };
		}
		transfers ??= new Transfers(fn, () => client.baseUrl, options.maxParallelDownloads ?? DEFAULT_PARALLEL_DOWNLOADS);
		return await toOutputItem({ transfers }, job, itemIndex, options);
	};
}
