import type { INodeProperties } from 'n8n-workflow';

import { CREATE_JOB, GET_JOB, WAIT_FOR_JOB, jobOptionsProperty, waitProperties } from '../shared/descriptions';
import { HTTP_WAIT_DEFAULTS } from './httpAsyncJobProvider';

const ALL = [CREATE_JOB, GET_JOB, WAIT_FOR_JOB];
const onCreate = { show: { operation: [CREATE_JOB] } };

/** n8n's generic credential types, as its HTTP Request node offers them. */
export const AUTHENTICATIONS = [
	{ name: 'None', value: 'none' },
	{ name: 'Header Auth', value: 'httpHeaderAuth' },
	{ name: 'Bearer Auth', value: 'httpBearerAuth' },
	{ name: 'Query Auth', value: 'httpQueryAuth' },
	{ name: 'Basic Auth', value: 'httpBasicAuth' },
];

const nameValueList = (displayName: string, name: string, placeholder: string): INodeProperties => ({
	displayName,
	name,
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder,
	default: {},
	displayOptions: onCreate,
	options: [
		{
			displayName: 'Entry',
			name: 'entries',
			values: [
				{ displayName: 'Name', name: 'name', type: 'string', default: '' },
				{ displayName: 'Value', name: 'value', type: 'string', default: '' },
			],
		},
	],
});

const createProperties: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		options: ['POST', 'PUT', 'PATCH', 'GET'].map((method) => ({ name: method, value: method })),
		default: 'POST',
		displayOptions: onCreate,
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://api.replicate.com/v1/models/black-forest-labs/flux-schnell/predictions',
		description: 'The address that starts a job',
		displayOptions: onCreate,
	},
	nameValueList('Query Parameters', 'queryParameters', 'Add Query Parameter'),
	nameValueList('Headers', 'headers', 'Add Header'),
	{
		displayName: 'Body',
		name: 'bodyType',
		type: 'options',
		options: [
			{ name: 'JSON', value: 'json' },
			{ name: 'Form URL-Encoded', value: 'form' },
			{ name: 'Form-Data (Multipart)', value: 'multipart' },
			{ name: 'None', value: 'none' },
		],
		default: 'json',
		displayOptions: onCreate,
	},
	{
		displayName: 'JSON Body',
		name: 'jsonBody',
		type: 'json',
		default: '{\n  "input": {\n    "prompt": "a lighthouse at dawn"\n  }\n}',
		displayOptions: { show: { operation: [CREATE_JOB], bodyType: ['json'] } },
	},
	{
		...nameValueList('Form Fields', 'formFields', 'Add Field'),
		displayOptions: { show: { operation: [CREATE_JOB], bodyType: ['form', 'multipart'] } },
	},
	{
		displayName: 'Job ID Path',
		name: 'jobIdPath',
		type: 'string',
		required: true,
		default: 'id',
		placeholder: 'data.task_id',
		description: "Where the create's reply holds the job ID (dots for nested fields, [0] for list entries)",
		displayOptions: onCreate,
	},
	{
		displayName: 'Status URL Path',
		name: 'statusUrlPath',
		type: 'string',
		default: '',
		placeholder: 'status_url',
		description: "Where the create's reply holds the job's status URL; leave empty to use Status URL below",
		displayOptions: onCreate,
	},
	{
		displayName: 'Idempotency Header',
		name: 'idempotencyHeader',
		type: 'string',
		default: '',
		placeholder: 'Idempotency-Key',
		description:
			'Header the API de-duplicates creates by. Each item gets its own key, sent again on a retry; without one, a create that may have reached the API is never sent again.',
		displayOptions: onCreate,
	},
];

const statusProperties: INodeProperties[] = [
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		required: true,
		default: '={{ $json.jobId }}',
		description: 'The job to look up, as Create Job outputs it in "jobId"',
		displayOptions: { show: { operation: [GET_JOB, WAIT_FOR_JOB] } },
	},
	{
		displayName: 'Status URL',
		name: 'statusUrl',
		type: 'string',
		default: '',
		placeholder: 'https://api.replicate.com/v1/predictions/{{jobId}}',
		description: 'Where a job\'s status is read; {{jobId}} stands for the job ID. On Create Job it may stay empty when "Status URL Path" is set.',
	},
	{
		displayName: 'Status Field Path',
		name: 'statusPath',
		type: 'string',
		required: true,
		default: 'status',
		description: "Where the status reply holds the job's status word",
	},
	{
		displayName: 'Succeeded Words',
		name: 'succeededWords',
		type: 'string',
		required: true,
		default: 'succeeded',
		description: 'Comma-separated status words that mean the job succeeded (case is ignored)',
	},
	{
		displayName: 'Failed Words',
		name: 'failedWords',
		type: 'string',
		default: 'failed',
		description: 'Comma-separated status words that mean the job failed',
	},
	{
		displayName: 'Canceled Words',
		name: 'canceledWords',
		type: 'string',
		default: 'canceled',
		description: 'Comma-separated status words that mean the job was canceled',
	},
	{
		displayName: 'Queued Words',
		name: 'queuedWords',
		type: 'string',
		default: 'starting, queued',
		description: 'Comma-separated status words that mean the job waits to run. Any other word counts as running; a wait that times out on one says so.',
	},
	{
		displayName: 'Reply Fields',
		name: 'replyFields',
		type: 'collection',
		placeholder: 'Add Field Path',
		default: {},
		description: 'Where the status reply (or the result reply, for outputs and errors) holds the rest of the job item',
		options: [
			{ displayName: 'Cost Path', name: 'costPath', type: 'string', default: '', placeholder: 'metrics.cost' },
			{ displayName: 'Created Time Path', name: 'createdAtPath', type: 'string', default: '', placeholder: 'created_at' },
			{ displayName: 'Error Message Path', name: 'errorPath', type: 'string', default: '', placeholder: 'error' },
			{
				displayName: 'Output URL Field',
				name: 'outputUrlField',
				type: 'string',
				default: 'url',
				description: 'For outputs that are objects: the field that holds the link',
			},
			{
				displayName: 'Outputs Path',
				name: 'outputsPath',
				type: 'string',
				default: '',
				placeholder: 'output',
				description: 'A URL, a list of URLs, objects with a URL field, text or JSON',
			},
			{ displayName: 'Progress Path', name: 'progressPath', type: 'string', default: '', placeholder: 'progress' },
			{
				displayName: 'Progress Scale',
				name: 'progressScale',
				type: 'options',
				options: [
					{ name: '0–100', value: 'percent' },
					{ name: '0–1', value: 'fraction' },
				],
				default: 'percent',
			},
			{ displayName: 'Queue Position Path', name: 'queuePositionPath', type: 'string', default: '', placeholder: 'queue_position' },
		],
	},
	{
		displayName: 'Result Request',
		name: 'resultRequest',
		type: 'collection',
		placeholder: 'Add Result Setting',
		default: {},
		description: "For APIs that give a succeeded job's result at another address (fal.ai's response_url): outputs and errors are read from there",
		options: [
			{
				displayName: 'Result URL',
				name: 'resultUrl',
				type: 'string',
				default: '',
				placeholder: 'https://queue.fal.run/fal-ai/flux/requests/{{jobId}}',
				description: '{{jobId}} stands for the job ID',
			},
			{
				displayName: 'Result URL Path',
				name: 'resultUrlPath',
				type: 'string',
				default: '',
				placeholder: 'response_url',
				description: 'Where the status reply holds the result URL (used before Result URL)',
			},
		],
	},
];

export const httpAsyncJobProperties: INodeProperties[] = [
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		noDataExpression: true,
		options: AUTHENTICATIONS,
		default: 'none',
	},
	{
		displayName: 'Allowed Hosts for the Credential',
		name: 'credentialHosts',
		type: 'string',
		default: '',
		placeholder: 'fal.media, files.example.com:8443',
		description:
			'Other hosts of the API, comma-separated, that the credential may be sent to when a reply names them (Status URL Path, Result URL Path, output files). The credential always goes to the host of the URL you typed, and never over http:// to a public host.',
		displayOptions: { hide: { authentication: ['none'] } },
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Create Job', value: CREATE_JOB, action: 'Create a job', description: 'Start a job with one HTTP request' },
			{ name: 'Get Job', value: GET_JOB, action: 'Get a job', description: 'Look up the status and outputs of a job' },
			{ name: 'Wait For Job', value: WAIT_FOR_JOB, action: 'Wait for a job', description: 'Poll a job until it is done' },
		],
		default: CREATE_JOB,
	},
	...createProperties,
	...statusProperties,
	...waitProperties(HTTP_WAIT_DEFAULTS, [CREATE_JOB]),
	jobOptionsProperty(HTTP_WAIT_DEFAULTS, ALL),
];
