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
 * A check of a parked node's jobs under way in this process. n8n does not stop two callbacks
 * that arrive together (jobs that end at once, a duplicate call) from both resuming an
 * execution, so a callback that comes meanwhile only hands the check the job it names and asks
 * it to look again once it is done.
 */
interface Check {
	again: boolean;
	/** Items whose jobs callbacks named while the check ran. */
	named: number[];
}
const checking = new Map<string, Check>();

/**
 * Parked nodes this process has resumed: later callbacks are only answered. Bounded: a resumed
 * execution is never parked at this node again, so the oldest entries can go.
 */
const resumedHere = new Set<string>();
const RESUMED_KEPT = 10_000;

/**
 * Jobs of each parked node this process has seen ended (by item), so that a callback looks up
 * only the job it names and those not yet seen ended. An ended job stays ended, so what the
 * provider answered once stays true; a process without this memory (a restart, another webhook
 * process) looks the jobs up again. Bounded like `resumedHere`.
 */
const seenEnded = new Map<string, Map<number, NormalizedJob>>();
const PARKED_KEPT = 1_000;

/**
 * The webhook a provider calls. The token is checked; the body only hints which job changed (its
 * shape is undocumented, and a caller may lie): that job is looked up first, and the provider's
 * answer is what counts. The execution resumes once every job of the run has been seen ended;
 * until then the call is answered 200 and the execution keeps waiting. A call without a valid
 * token is refused and changes nothing.
 */
export async function receiveCallback(
	this: IWebhookFunctions,
	provider: JobProvider,
	outputItemOf: (job: NormalizedJob, itemIndex: number, client: ProviderClient) => Promise<INodeExecutionData>,
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
	// The items as parked: unfinished jobs, and items that ended before the park (with their files).
	const parked = this.evaluateExpression('{{ $input.all() }}', 0) as INodeExecutionData[];
	const named = namedItem(parked, this.getBodyData());
	const running = checking.get(parkedNode);
	if (running) {
		running.again = true;
		if (named !== undefined) running.named.push(named);
		return { webhookResponse: { message: 'A check of the jobs is under way' } };
	}
	const check: Check = { again: false, named: named === undefined ? [] : [named] };
	checking.set(parkedNode, check);
	try {
		const client = new ProviderClient(this, provider, { requestsPerSecond: options.requestsPerSecond });
		const ended = seenEndedOf(parkedNode);
		for (;;) {
			const outcome = await checkJobs(client, parked, ended, check.named.splice(0), options.includeRaw);
			if (outcome.allEnded) {
				// The provider is answered now: building the items may download files for a while.
				response.status(200).json({ message: 'Every job has ended: the execution resumes' });
				const items = await Promise.all(
					parked.map(async (item, itemIndex) => {
						const job = ended.get(itemIndex);
						const built = job ? await outputItemOf(job, itemIndex, client) : { json: item.json, binary: item.binary };
						return { ...built, pairedItem: { item: itemIndex } };
					}),
				);
				// Marked only now: until every item is built, a later callback can still resume the run.
				resumedHere.add(parkedNode);
				if (resumedHere.size > RESUMED_KEPT) resumedHere.delete(resumedHere.values().next().value!);
				seenEnded.delete(parkedNode);
				return { noWebhookResponse: true, workflowData: [items] };
			}
			if (outcome.failure) {
				response.status(503).json({ message: outcome.failure });
				return { noWebhookResponse: true };
			}
			if (!check.again) return { webhookResponse: { message: outcome.waiting } };
			check.again = false;
		}
	} finally {
		checking.delete(parkedNode);
	}
}

/** The item of the unfinished job a callback's body names (TAMS sends the job as its status shows it), if any. */
function namedItem(parked: INodeExecutionData[], body: IDataObject | undefined): number | undefined {
	const job = body?.job as IDataObject | undefined;
	const jobId = job?.id ?? body?.jobId;
	if (typeof jobId !== 'string' && typeof jobId !== 'number') return undefined;
	const index = parked.findIndex(({ json }) => isUnfinishedJob(json) && json.jobId === String(jobId));
	return index < 0 ? undefined : index;
}

function seenEndedOf(parkedNode: string): Map<number, NormalizedJob> {
	let ended = seenEnded.get(parkedNode);
	if (!ended) {
		ended = new Map();
		seenEnded.set(parkedNode, ended);
		if (seenEnded.size > PARKED_KEPT) seenEnded.delete(seenEnded.keys().next().value!);
	}
	return ended;
}

type CheckOutcome = { allEnded: true; waiting?: undefined; failure?: undefined } | { allEnded: false; waiting: string; failure?: string };

/**
 * Looks up the jobs callbacks named (not yet seen ended), then the other unfinished jobs not yet
 * seen ended, newest first (jobs end roughly in the order they were made, so the newest shows
 * soonest that the wait goes on), and stops at the first that has not ended. A named job that
 * ended while a newer one has not been seen ended leaves the rest to that job's own callback:
 * one look-up per callback while jobs end in order, and a lost callback of an older job is made
 * up for by the look-ups that follow the newest one's.
 */
async function checkJobs(
	client: ProviderClient,
	parked: INodeExecutionData[],
	ended: Map<number, NormalizedJob>,
	named: number[],
	includeRaw: boolean | undefined,
): Promise<CheckOutcome> {
	const lookUp = async (itemIndex: number): Promise<CheckOutcome | undefined> => {
		const jobId = String(parked[itemIndex].json.jobId);
		let job: NormalizedJob;
		try {
			({ job } = await client.getJob({ jobId }, { itemIndex, includeRaw }));
		} catch (error) {
			// The limit's fallback still holds every job, so a failed look-up only ends this call.
			const failure = `Job ${jobId} could not be looked up: ${(error as Error).message}`;
			return { allEnded: false, waiting: failure, failure };
		}
		if (!job.done) return { allEnded: false, waiting: `Job ${job.jobId} is still ${job.status}: the execution keeps waiting` };
		ended.set(itemIndex, job);
		return undefined;
	};
	for (const itemIndex of new Set(named)) {
		if (ended.has(itemIndex)) continue;
		const outcome = await lookUp(itemIndex);
		if (outcome) return outcome;
	}
	const rest = parked
		.map((_, itemIndex) => itemIndex)
		.filter((itemIndex) => isUnfinishedJob(parked[itemIndex].json) && !ended.has(itemIndex))
		.reverse();
	if (named.length > 0 && rest.length > 0 && rest[0] > Math.max(...named)) {
		return { allEnded: false, waiting: `Job ${String(parked[rest[0]].json.jobId)} has not been seen ended: the execution keeps waiting for its call` };
	}
	for (const itemIndex of rest) {
		const outcome = await lookUp(itemIndex);
		if (outcome) return outcome;
	}
	return { allEnded: true };
}

/**
 * What a provider's callback webhook makes of a job that ended while the execution waited:
 * the item Poll mode outputs, with the options and wait settings as the resumed node reads them.
 * A failure (On Job Failure "Stop With an Error", a download refused or cut off) never loses the
 * run: with On Error set to continue it is Poll's error item for the job, otherwise (the park
 * allows that only for downloads, see failureCannotStop in callbackWait.ts) the job without its files.
 */
export function outputOnResume(fn: IWebhookFunctions, provider: JobProvider, options: JobOptions) {
	const settings = waitSettingsOf(fn.getNodeParameter('waitSettings', {}) as IDataObject, provider.waitDefaults);
	const { onError, continueOnFail } = fn.getNode();
	const continuesOnFail = continueOnFail === true || onError === 'continueRegularOutput' || onError === 'continueErrorOutput';
	let transfers: Transfers | undefined;
	return async (job: NormalizedJob, itemIndex: number, client: ProviderClient): Promise<INodeExecutionData> => {
		try {
			checkFinishedJob(fn, job, settings, itemIndex);
			transfers ??= new Transfers(fn, () => client.baseUrl, options.maxParallelDownloads ?? DEFAULT_PARALLEL_DOWNLOADS);
			return await toOutputItem({ transfers }, job, itemIndex, options);
		} catch (error) {
			return continuesOnFail ? { json: errorJson(error) } : { json: job as unknown as IDataObject };
		}
	};
}
