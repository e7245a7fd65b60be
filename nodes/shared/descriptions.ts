import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MAX_DOWNLOAD_MIB, DEFAULT_PARALLEL_DOWNLOADS } from './downloads';
import type { WaitDefaults } from './JobProvider';

export const CREATE_JOB = 'createJob';
export const GET_JOB = 'getJob';
export const WAIT_FOR_JOB = 'waitForJob';
export const CANCEL_JOB = 'cancelJob';

/**
 * n8n adds a "Custom API Call" choice to the Resource and Operation lists of every node whose
 * credential can sign HTTP Request node calls, unless the list already ends with one. Ending each
 * list with it here gives it an action name, so choosing it names the node readably; n8n then
 * points the user to the HTTP Request node, and running it says the same.
 */
export const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';
export const customApiCallOption = {
	name: 'Custom API Call',
	value: CUSTOM_API_CALL,
	action: 'Make a custom API call',
	description: "Call any endpoint with n8n's HTTP Request node and this node's credential",
};

/**
 * The readable name of a parameter's value, for a canvas subtitle (n8n would show the internal
 * value): an expression for `subtitle: '={{ … }}'`.
 */
export function labelOf(labels: Record<string, string>, parameter = 'operation'): string {
	const all = { ...labels, [CUSTOM_API_CALL]: customApiCallOption.name };
	// In parentheses, so a subtitle can join two labels with + (the || would otherwise take the rest).
	return `(${JSON.stringify(all)}[$parameter["${parameter}"]] || $parameter["${parameter}"])`;
}

/** What every job action gives back, for the descriptions an AI agent reads. */
export const TOOL_RETURNS =
	' Returns the job as JSON: jobId, status (queued, running, succeeded, failed or canceled), done, progress, outputs (the result files\' URLs), error, and nextCheckInSeconds while it is not done.';

/**
 * The two settings a node has only as a tool of n8n's AI Agent: the description the agent reads
 * (one per action, an expression so it follows the chosen action), and how long a wait may hold
 * the agent before it answers with the job still running.
 */
export function toolProperties(descriptions: Record<string, string>, waitOperations: string[]): INodeProperties[] {
	return [
		{
			displayName: 'Description',
			name: 'toolDescription',
			type: 'string',
			typeOptions: { rows: 2 },
			default: `={{ ${labelOf(descriptions)} }}`,
			description: 'What the AI agent reads about this tool: what it does and what it returns',
			displayOptions: { show: { '@tool': [true] } },
		},
		{ ...toolTimeoutField, displayOptions: { show: { '@tool': [true], operation: waitOperations } } },
	];
}

export const toolTimeoutField = {
	displayName: 'Tool Timeout (Seconds)',
	name: 'toolTimeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 60,
	description: 'Longest wait as a tool; a job still running then comes back with done = false and nextCheckInSeconds, to check again later',
} satisfies INodeProperties;

/**
 * The Job ID of Get / Wait For / Cancel: nearly always the "jobId" of the item a create or a
 * list put out, so that is the default.
 */
export function jobIdProperty(example: string, description: string, operations: string[]): INodeProperties {
	return {
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		required: true,
		default: '={{ $json.jobId }}',
		placeholder: `e.g. ${example}`,
		description,
		displayOptions: { show: { operation: operations } },
	};
}

/** Properties of the wait: shown for Wait For Job, and for a create with "Wait for Completion" on. */
export function waitFields({ pollIntervalSeconds, maxIntervalSeconds, timeoutMinutes }: WaitDefaults): INodeProperties[] {
	return [
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: 0.1 },
			default: pollIntervalSeconds,
			description: 'Shortest time between two status checks; later ones grow with the time waited, up to Max Interval',
		},
		{
			displayName: 'Max Interval (Seconds)',
			name: 'maxInterval',
			type: 'number',
			typeOptions: { minValue: 0.1 },
			default: maxIntervalSeconds,
			description: 'Longest time between two status checks, whatever the job has run',
		},
		{
			displayName: 'Timeout (Minutes)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 0.01 },
			default: timeoutMinutes,
			description: 'How long to wait for each job before giving up',
		},
		{
			displayName: 'On Timeout',
			name: 'onTimeout',
			type: 'options',
			options: [
				{ name: 'Stop With an Error', value: 'error' },
				{ name: 'Output the Last Status', value: 'output', description: 'The item has done = false' },
			],
			default: 'error',
		},
		{
			displayName: 'On Job Failure',
			name: 'onJobFailure',
			type: 'options',
			options: [
				{
					name: 'Output the Failed Job',
					value: 'output',
					description: 'The item has status "failed" and the reason in "error", for an IF node to route',
				},
				{ name: 'Stop With an Error', value: 'error' },
			],
			default: 'output',
		},
	];
}

/** A create's switch to wait for its job as Wait For Job does. */
export const waitForCompletionProperty: INodeProperties = {
	displayName: 'Wait for Completion',
	name: 'waitForCompletion',
	type: 'boolean',
	default: false,
	description: 'Whether to wait until the job is done before outputting it, as Wait For Job does',
};

/**
 * The wait settings: one collection for Wait For Job and one, under the same name, for each
 * create action with "Wait for Completion" on (n8n shows whichever matches). Get Job takes the
 * two intervals alone: they shape its `nextCheckInSeconds`.
 */
export function waitProperties(defaults: WaitDefaults, createOperations: string[]): INodeProperties[] {
	// n8n shows an unset collection as "No properties": a notice above it says the values in use (a notice is never saved).
	const { pollIntervalSeconds, maxIntervalSeconds, timeoutMinutes } = defaults;
	const intervals = `first check after ${seconds(pollIntervalSeconds)}, later ones further apart, up to every ${seconds(maxIntervalSeconds)}`;
	const notice = (text: string, show: NonNullable<INodeProperties['displayOptions']>['show']): INodeProperties => ({
		displayName: text,
		name: 'waitDefaultsNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	});
	const waitNotice = `Unless changed under Wait Settings: ${intervals}, for at most ${minutes(timeoutMinutes)}; then the node stops with an error. A failed job is output for an IF to route.`;
	const collection = {
		displayName: 'Wait Settings',
		name: 'waitSettings',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		options: waitFields(defaults),
	} satisfies INodeProperties;
	const nextCheckSchedule = {
		...collection,
		displayName: 'Next Check Schedule',
		description: 'The intervals "nextCheckInSeconds" is chosen between, for a loop with n8n\'s Wait node',
		options: collection.options.filter((field) => ['pollInterval', 'maxInterval'].includes(field.name)),
	};
	return [
		{ ...waitForCompletionProperty, displayOptions: { show: { operation: createOperations } } },
		notice(waitNotice, { operation: [WAIT_FOR_JOB] }),
		{ ...collection, displayOptions: { show: { operation: [WAIT_FOR_JOB] } } },
		notice(waitNotice, { operation: createOperations, waitForCompletion: [true] }),
		{ ...collection, displayOptions: { show: { operation: createOperations, waitForCompletion: [true] } } },
		notice(`Unless changed under Next Check Schedule: nextCheckInSeconds follows the schedule of a wait, ${intervals}.`, { operation: [GET_JOB] }),
		{ ...nextCheckSchedule, displayOptions: { show: { operation: [GET_JOB] } } },
	];
}

const seconds = (value: number) => (value >= 60 && value % 60 === 0 ? `${value / 60} min` : `${value} s`);
const minutes = (value: number) => (value >= 60 && value % 60 === 0 ? `${value / 60} h` : `${value} min`);

/** Options every job action has. */
export function jobOptionsProperty({ requestsPerSecond }: WaitDefaults, jobOperations: string[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: jobOperations } },
		options: [
			{
				displayName: 'Binary Property',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description: 'Name of the binary property of the first downloaded output; the next ones get _1, _2 … appended',
				displayOptions: { show: { downloadOutputs: [true] } },
			},
			{
				displayName: 'Download Outputs',
				name: 'downloadOutputs',
				type: 'boolean',
				default: false,
				description:
					'Whether to download the outputs of finished jobs into binary data (provider links expire): the first in "data", then "data_1", "data_2" …',
			},
			{
				displayName: 'Include Raw Response',
				name: 'includeRaw',
				type: 'boolean',
				default: false,
				description: "Whether to add the provider's own response as \"raw\" to each item",
			},
			{
				displayName: 'Max Download Size (MiB)',
				name: 'maxDownloadSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_DOWNLOAD_MIB,
				description: 'Largest output file to download, per file; a larger one stops the item before it fills the disk',
				displayOptions: { show: { downloadOutputs: [true] } },
			},
			{
				displayName: 'Max Parallel Downloads',
				name: 'maxParallelDownloads',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_PARALLEL_DOWNLOADS,
				description: 'How many output files of all items are downloaded at once; the other items wait their turn',
				displayOptions: { show: { downloadOutputs: [true] } },
			},
			{
				displayName: 'Max Parallel Items',
				name: 'maxParallel',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1000,
				description: 'How many items are worked on at once. A waiting job costs next to nothing, so thousands can wait side by side.',
			},
			{
				displayName: 'Max Requests per Second',
				name: 'requestsPerSecond',
				type: 'number',
				typeOptions: { minValue: 0.1 },
				default: requestsPerSecond,
				description:
					"Requests all items of this node may send per second together, to stay under the provider's rate limit. A refused request (429) pauses all items for as long as the provider asks, then they go on at a slower pace.",
			},
			{
				displayName: 'Request Timeout (Seconds)',
				name: 'requestTimeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
				description: 'How long one request may take before it counts as failed',
			},
		],
	};
}
