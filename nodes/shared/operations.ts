import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CallbackWait } from './callbackWait';
import { startCallbackWait } from './callbackWait';
import { CUSTOM_API_CALL, waitForCompletionProperty } from './descriptions';
import { DEFAULT_PARALLEL_DOWNLOADS, Transfers } from './downloads';
import type { NormalizedJob } from './JobItem';
import { isLinkOutput } from './JobItem';
import type { JobProvider, JobRef, ProviderRequest } from './JobProvider';
import type { ItemSettings, JobOptions, WaitSettings } from './itemSettings';
import { readItemSettings, readOptions } from './itemSettings';
import type { JobReading } from './ProviderClient';
import { ProviderClient } from './ProviderClient';
import { checkedParameter } from './parameters';
import { pollUntilDone } from './pollLoop';
import type { PollScheduleOptions } from './pollSchedule';
import { nextPollDelayMs } from './pollSchedule';
import type { ItemResult } from './runItems';
import { itemsSignal, runForEachItem } from './runItems';
import { asToolWait, isToolRun } from './toolMode';

export type { ItemSettings, JobOptions } from './itemSettings';

export interface OperationContext {
	fn: IExecuteFunctions;
	client: ProviderClient;
	/** The run's downloads and uploads of files at links from provider replies. */
	transfers: Transfers;
	/** Set when the creates of this run wait for the provider's callbacks instead of polling. */
	callback?: CallbackWait;
}

/** One action of a node, run for one input item. */
export type JobOperation = (ctx: OperationContext, itemIndex: number, settings: ItemSettings) => Promise<ItemResult>;

/** The `execute` of every provider node: runs the chosen action for all items side by side. */
export async function executeJobOperation(
	this: IExecuteFunctions,
	provider: JobProvider,
	operations: Record<string, JobOperation>,
): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0, '') as string;
	if (operation === CUSTOM_API_CALL || this.getNodeParameter('resource', 0, '') === CUSTOM_API_CALL) {
		throw new NodeOperationError(this.getNode(), 'Custom API Call runs in the HTTP Request node, not in this one', {
			description: `Add an HTTP Request node, set Authentication to "Predefined Credential Type" and pick this node's ${provider.displayName} credential: it signs the request as this node does.`,
		});
	}
	const run = operations[operation];
	if (!run) throw new NodeOperationError(this.getNode(), `The action "${operation}" is not supported`);
	const defaults = provider.waitDefaults;
	// The first item's options set up the run for all items.
	const options = readOptions(this, defaults, 0);
	const stopOthers = new AbortController();
	const client = new ProviderClient(this, provider, {
		signal: itemsSignal(this, stopOthers),
		requestsPerSecond: options.requestsPerSecond,
		requestTimeoutMs: options.requestTimeout !== undefined ? options.requestTimeout * 1000 : undefined,
	});
	const transfers = new Transfers(this, () => client.baseUrl, options.maxParallelDownloads ?? DEFAULT_PARALLEL_DOWNLOADS);
	const isTool = isToolRun(this);
	const settingsOf = (itemIndex: number): ItemSettings => {
		const settings = readItemSettings(this, defaults, itemIndex);
		return isTool ? { ...settings, wait: asToolWait(this, itemIndex, settings.wait) } : settings;
	};
	const ctx: OperationContext = { fn: this, client, transfers };
	if (provider.withNotifyUrl && !isTool) ctx.callback = await startCallbackWait(this, client, () => settingsOf(0).wait);
	const items = await runForEachItem(this, { maxParallel: options.maxParallel ?? 1000, stopOthers }, async (itemIndex) => await run(ctx, itemIndex, settingsOf(itemIndex)));
	await ctx.callback?.park(items);
	return [items];
}

/** Reads and checks the job an item names before anything is sent: the node maps its parameters to the job's address. */
export type JobRefReader = (fn: IExecuteFunctions, itemIndex: number) => JobRef;

export function getJob(readJobRef: JobRefReader): JobOperation {
	return async (ctx, itemIndex, settings) => {
		const { fn, client } = ctx;
		const { job } = await client.getJob(readJobRef(fn, itemIndex), { itemIndex, includeRaw: settings.options.includeRaw });
		suggestNextCheck(job, settings.wait.schedule);
		return await toOutputItem(ctx, job, itemIndex, settings.options);
	};
}

/**
 * For an item that leaves the node unfinished (Get Job, Create Job without waiting): when to look
 * again, on Wait For Job's schedule from the job's age where the provider tells it. It is what
 * n8n's Wait node should wait in a loop for jobs of hours, so no worker is held meanwhile.
 */
function suggestNextCheck(job: NormalizedJob, schedule: PollScheduleOptions): void {
	if (job.done) return;
	const createdAt = job.createdAt ? Date.parse(job.createdAt) : NaN;
	const age = Number.isFinite(createdAt) ? Math.max(0, Date.now() - createdAt) : 0;
	job.nextCheckInSeconds = toSeconds(nextPollDelayMs(age, secondsToMs(job.estimatedSecondsLeft), schedule));
}

export function waitForJob(readJobRef: JobRefReader): JobOperation {
	return async (ctx, itemIndex, settings) => {
		const { fn, client } = ctx;
		const job = await waitUntilDone(fn, client, readJobRef(fn, itemIndex), itemIndex, settings);
		return await toOutputItem(ctx, job, itemIndex, settings.options);
	};
}

/**
 * Create Job for a provider: `buildRequest` checks the item's input and builds the create call;
 * `createdJobRef`, where a job's address is more than its id, builds it from the item and the create's reply.
 */
export function createJob(
	buildRequest: (fn: IExecuteFunctions, itemIndex: number) => Promise<ProviderRequest> | ProviderRequest,
	createdJobRef?: (fn: IExecuteFunctions, itemIndex: number, job: NormalizedJob, body: unknown) => JobRef,
): JobOperation {
	return async (ctx, itemIndex, settings) => {
		const { fn, client, callback } = ctx;
		let request = await buildRequest(fn, itemIndex);
		const waitForCompletion = checkedParameter<boolean>(fn, waitForCompletionProperty, itemIndex);
		if (callback) request = client.provider.withNotifyUrl!(request, callback.notifyUrl);
		const { body } = await client.request(request, { itemIndex });
		let { job } = client.toNormalizedJob(body, undefined, { itemIndex, includeRaw: settings.options.includeRaw }, request);
		if (!callback && waitForCompletion && !job.done) {
			const ref = createdJobRef?.(fn, itemIndex, job, body) ?? { jobId: job.jobId };
			job = await waitUntilDone(fn, client, ref, itemIndex, settings);
		} else {
			suggestNextCheck(job, settings.wait.schedule);
		}
		return await toOutputItem(ctx, job, itemIndex, settings.options);
	};
}

/** Wait For Job (and a create that waits): checks the job until it is done or the Timeout passes. */
async function waitUntilDone(
	fn: IExecuteFunctions,
	client: ProviderClient,
	ref: JobRef,
	itemIndex: number,
	{ options: { includeRaw }, wait: settings }: ItemSettings,
): Promise<NormalizedJob> {
	const { timeoutMs } = settings;
	return await pollUntilDone<NormalizedJob, JobReading>(client, {
		request: client.provider.getJobRequest(ref),
		itemIndex,
		schedule: settings.schedule,
		timeoutMs,
		async read(body, deadline) {
			const reading = await client.readJob(body, ref, { itemIndex, includeRaw, deadline });
			if (reading.job.done) return { done: true, result: checkFinishedJob(fn, reading.job, settings, itemIndex) };
			return { done: false, pending: reading, msLeft: secondsToMs(reading.job.estimatedSecondsLeft) };
		},
		planned: ({ job }, delayMs) => {
			job.nextCheckInSeconds = toSeconds(delayMs);
		},
		timedOut(last, cutOff) {
			if (!last) throw cutOff ? notAnsweredInTime(fn, client, ref.jobId, timeoutMs, itemIndex) : notCheckedInTime(fn, client, ref.jobId, timeoutMs, itemIndex);
			return timedOut(fn, last.job, last.knownStatus, settings, timeoutMs, itemIndex);
		},
	});
}

/** A crowd of items outran the request budget: this one got no turn before its Timeout. */
function notCheckedInTime(fn: IExecuteFunctions, client: ProviderClient, jobId: string, timeoutMs: number, itemIndex: number) {
	return new NodeOperationError(
		fn.getNode(),
		`Job ${jobId} could not be checked once within ${formatMinutes(timeoutMs)}: the items of this run take turns at ${client.requestsPerSecond} requests per second`,
		{
			itemIndex,
			description:
				'Raise "Timeout", or lower "Max Parallel Items" so fewer jobs share the budget at once (an item\'s Timeout starts when its turn to run comes). Raise "Max Requests per Second" only if the provider allows more.',
		},
	);
}

/** The provider held the item's status request open until its Timeout came. */
function notAnsweredInTime(fn: IExecuteFunctions, client: ProviderClient, jobId: string, timeoutMs: number, itemIndex: number) {
	return new NodeOperationError(fn.getNode(), `Job ${jobId} could not be checked within ${formatMinutes(timeoutMs)}: ${client.provider.displayName} had not answered its status request when the Timeout came`, {
		itemIndex,
		description: `Raise "Timeout" in the wait settings if ${client.provider.displayName} is this slow to answer, or run the node again later.`,
	});
}

export function checkFinishedJob(fn: Pick<IExecuteFunctions, 'getNode'>, job: NormalizedJob, settings: WaitSettings, itemIndex: number) {
	if (job.status !== 'succeeded' && settings.onJobFailure === 'error') {
		const reason = job.error?.message ?? `the provider reported "${job.providerStatus}"`;
		throw new NodeOperationError(fn.getNode(), `Job ${job.jobId} ${job.status === 'canceled' ? 'was canceled' : 'failed'}: ${reason}`, {
			itemIndex,
			description: job.error?.retryable
				? 'The provider marks this failure as transient: running the job again may succeed.'
				: 'Set "On Job Failure" to "Output the Failed Job" to route failed jobs with an IF node instead of stopping.',
		});
	}
	return job;
}

function timedOut(
	fn: IExecuteFunctions,
	job: NormalizedJob,
	knownStatus: boolean,
	settings: WaitSettings,
	timeoutMs: number,
	itemIndex: number,
): NormalizedJob {
	if (settings.onTimeout === 'output') return job;
	const statusNote = knownStatus ? '' : ' (a status this node does not know, so it was treated as not finished)';
	throw new NodeOperationError(
		fn.getNode(),
		`Job ${job.jobId} is still "${job.providerStatus}"${statusNote} after ${formatMinutes(timeoutMs)}`,
		{
			itemIndex,
			description:
				'Raise "Timeout" in the wait settings, or set "On Timeout" to "Output the Last Status". For jobs of hours, use Get Job after n8n\'s Wait node, waiting "nextCheckInSeconds" between checks, so no worker is held.',
		},
	);
}

/** The output item of a job: the normalized job, with its outputs as binary data if the options ask for it. */
export async function toOutputItem(
	{ transfers }: Pick<OperationContext, 'transfers'>,
	job: NormalizedJob,
	itemIndex: number,
	{ downloadOutputs, binaryPropertyName, maxDownloadSize }: JobOptions,
): Promise<INodeExecutionData> {
	const item: INodeExecutionData = { json: job as unknown as IDataObject };
	if (downloadOutputs && job.outputs.some(isLinkOutput)) {
		item.binary = await transfers.downloadJobOutputs(job, binaryPropertyName || 'data', itemIndex, maxDownloadSize);
	}
	return item;
}

function secondsToMs(seconds: number | null): number | null {
	return seconds === null ? null : seconds * 1000;
}

function toSeconds(ms: number): number {
	return Math.max(1, Math.round(ms / 1000));
}

function formatMinutes(ms: number): string {
	const minutes = ms / 60_000;
	return minutes >= 1 ? `${Number(minutes.toFixed(1))} min` : `${Math.round(ms / 1000)} s`;
}
