import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CallbackWait } from './callbackWait';
import { WAIT_MODE_CALLBACK, registerCallbackWait } from './callbackWait';
import { CUSTOM_API_CALL, jobOptionsProperty, toolTimeoutField, waitFields, waitForCompletionProperty } from './descriptions';
import { DEFAULT_PARALLEL_DOWNLOADS, Transfers } from './downloads';
import type { NormalizedJob } from './JobItem';
import { isLinkOutput } from './JobItem';
import type { JobProvider, JobRef, ProviderRequest, WaitDefaults } from './JobProvider';
import type { JobReading } from './ProviderClient';
import { ProviderClient } from './ProviderClient';
import { checkedCollection, checkedParameter } from './parameters';
import { pollUntilDone } from './pollLoop';
import type { PollScheduleOptions } from './pollSchedule';
import { nextPollDelayMs } from './pollSchedule';
import type { ItemResult } from './runItems';
import { errorJson, itemsSignal, runForEachItem } from './runItems';

export interface OperationContext {
	fn: IExecuteFunctions;
	client: ProviderClient;
	/** The run's downloads and uploads of files at links from provider replies. */
	transfers: Transfers;
	/** Set when the creates of this run wait for the provider's callbacks instead of polling. */
	callback?: CallbackWait;
}

/** An item's Options and Wait Settings, read and checked once before its action runs. */
export interface ItemSettings {
	options: JobOptions;
	wait: WaitSettings;
}

/** One action of a node, run for one input item. */
export type JobOperation = (ctx: OperationContext, itemIndex: number, settings: ItemSettings) => Promise<ItemResult>;

export interface JobOptions {
	downloadOutputs?: boolean;
	binaryPropertyName?: string;
	includeRaw?: boolean;
	maxParallel?: number;
	maxDownloadSize?: number;
	maxParallelDownloads?: number;
	requestsPerSecond?: number;
	requestTimeout?: number;
}

interface WaitSettings {
	pollInterval?: number;
	maxInterval?: number;
	timeout?: number;
	onTimeout?: 'error' | 'output';
	onJobFailure?: 'error' | 'output';
}

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
	const optionFields = jobOptionsProperty(provider.waitDefaults, []).options as INodeProperties[];
	const waitSettingFields = waitFields(provider.waitDefaults);
	// The first item's options set up the run for all items: unusable, with On Error → Continue, every item says why.
	let options: JobOptions;
	try {
		options = checkedCollection(this, 'options', 0, 'Options', optionFields) as JobOptions;
	} catch (error) {
		if (!this.continueOnFail()) throw error;
		return [this.getInputData().map((_input, item) => ({ json: errorJson(error), pairedItem: { item } }))];
	}
	const stopOthers = new AbortController();
	const client = new ProviderClient(this, provider, {
		signal: itemsSignal(this, stopOthers),
		requestsPerSecond: options.requestsPerSecond,
		requestTimeoutMs: options.requestTimeout !== undefined ? options.requestTimeout * 1000 : undefined,
	});
	const transfers = new Transfers(this, () => client.baseUrl, options.maxParallelDownloads ?? DEFAULT_PARALLEL_DOWNLOADS);
	const ctx: OperationContext = { fn: this, client, transfers };
	if (provider.withNotifyUrl && waitsForCallbacks(this)) {
		// One wait for the whole run, its limit the first item's Timeout.
		const { timeout, onJobFailure } = checkedCollection(this, 'waitSettings', 0, 'Wait Settings', waitSettingFields) as WaitSettings;
		if (onJobFailure === 'error' && !this.continueOnFail()) throw failureCannotStop(this);
		ctx.callback = await registerCallbackWait(this, client, timeout ?? provider.waitDefaults.timeoutMinutes);
	}
	const maxParallel = options.maxParallel ?? 1000;
	// n8n's AI Agent runs a node as a tool with a context that says so (older n8n has no such call).
	const isTool = typeof this.isToolExecution === 'function' && this.isToolExecution();
	const items = await runForEachItem(this, { maxParallel, stopOthers }, async (itemIndex) => {
		// Settings an expression made unusable (a timeout of "soon" would never end a wait) stop the item first.
		const wait = checkedCollection(this, 'waitSettings', itemIndex, 'Wait Settings', waitSettingFields) as WaitSettings;
		const settings: ItemSettings = {
			options: checkedCollection(this, 'options', itemIndex, 'Options', optionFields) as JobOptions,
			wait: isTool ? asToolWait(this, itemIndex, wait, provider.waitDefaults) : wait,
		};
		return await run(ctx, itemIndex, settings);
	});
	await ctx.callback?.park(items);
	return [items];
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
 * A create with "Wait for Completion" whose wait is the provider's callback. A tool's answer
 * cannot wait for a callback, so a tool polls up to its timeout.
 */
function waitsForCallbacks(fn: IExecuteFunctions): boolean {
	if (typeof fn.isToolExecution === 'function' && fn.isToolExecution()) return false;
	return checkedParameter<boolean>(fn, waitForCompletionProperty, 0) && fn.getNodeParameter('waitMode', 0, '') === WAIT_MODE_CALLBACK;
}

/**
 * As a tool, a wait holds the agent only up to the tool timeout, and a job still running then is
 * an answer (done: false, with nextCheckInSeconds), not an error: the agent can check it later.
 */
function asToolWait(fn: IExecuteFunctions, itemIndex: number, wait: WaitSettings, defaults: WaitDefaults): WaitSettings {
	const toolTimeoutMinutes = (checkedParameter(fn, toolTimeoutField, itemIndex) as number) / 60;
	return { ...wait, timeout: Math.min(wait.timeout ?? defaults.timeoutMinutes, toolTimeoutMinutes), onTimeout: 'output' };
}

/** Reads and checks the job an item names before anything is sent: the node maps its parameters to the job's address. */
export type JobRefReader = (fn: IExecuteFunctions, itemIndex: number) => JobRef;

export function getJob(readJobRef: JobRefReader): JobOperation {
	return async (ctx, itemIndex, settings) => {
		const { fn, client } = ctx;
		const { job } = await client.getJob(readJobRef(fn, itemIndex), { itemIndex, includeRaw: settings.options.includeRaw });
		suggestNextCheck(job, pollSchedule(settings.wait, client.provider.waitDefaults));
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

/** The item's poll intervals: its wait settings, else the provider's defaults. */
function pollSchedule(settings: WaitSettings, defaults: WaitDefaults): PollScheduleOptions {
	return {
		floorMs: (settings.pollInterval ?? defaults.pollIntervalSeconds) * 1000,
		maxMs: (settings.maxInterval ?? defaults.maxIntervalSeconds) * 1000,
	};
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
			suggestNextCheck(job, pollSchedule(settings.wait, client.provider.waitDefaults));
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
	const defaults = client.provider.waitDefaults;
	const timeoutMs = (settings.timeout ?? defaults.timeoutMinutes) * 60_000;
	return await pollUntilDone<NormalizedJob, JobReading>(client, {
		request: client.provider.getJobRequest(ref),
		itemIndex,
		schedule: pollSchedule(settings, defaults),
		timeoutMs,
		async read(body, deadline) {
			const reading = await client.readJob(body, ref, { itemIndex, includeRaw, deadline });
			if (reading.job.done) return { done: true, result: checkFinishedJob(fn, reading.job, settings, itemIndex) };
			return { done: false, pending: reading, msLeft: secondsToMs(reading.job.estimatedSecondsLeft) };
		},
		planned: ({ job }, delayMs) => {
			job.nextCheckInSeconds = toSeconds(delayMs);
		},
		timedOut(last) {
			if (!last) throw notCheckedInTime(fn, client, ref.jobId, timeoutMs, itemIndex);
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

function checkFinishedJob(fn: Pick<IExecuteFunctions, 'getNode'>, job: NormalizedJob, settings: WaitSettings, itemIndex: number) {
	if (job.status !== 'succeeded' && (settings.onJobFailure ?? 'output') === 'error') {
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
	if ((settings.onTimeout ?? 'error') === 'output') return job;
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

/**
 * What a provider's callback webhook makes of a job that ended while the execution waited:
 * the item Poll mode outputs, with the options and wait settings as the resumed node reads them.
 * A failure that On Job Failure turns into an error is Poll's error item with Continue On Fail,
 * the only way the park allows (see failureCannotStop).
 */
export function outputOnResume(fn: IWebhookFunctions, options: JobOptions) {
	const settings = fn.getNodeParameter('waitSettings', {}) as WaitSettings;
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
