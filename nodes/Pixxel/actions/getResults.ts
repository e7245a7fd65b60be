import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { JobRef } from '../../shared/JobProvider';
import { checkedCollection } from '../../shared/parameters';
import type { ProviderClient } from '../../shared/ProviderClient';
import type { JobOperation } from '../../shared/operations';
import { toOutputItem } from '../../shared/operations';
import { pollUntilDone } from '../../shared/pollLoop';
import { downloadSchema, jobPath, parseReply } from '../pixxelProvider';
import { readJobRef } from './jobRef';

export const GET_RESULTS = 'getResults';

interface PackageSettings {
	pollInterval?: number;
	timeout?: number;
}

const PACKAGE_DEFAULTS = { pollIntervalSeconds: 5, maxIntervalSeconds: 60, timeoutMinutes: 10 };
const { pollIntervalSeconds, timeoutMinutes } = PACKAGE_DEFAULTS;

export const getResultsProperties: INodeProperties[] = [
	{
		displayName: 'Package Settings',
		name: 'packageSettings',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		description: 'Pixxel packages the results as a ZIP and answers "pending" until it is ready',
		displayOptions: { show: { operation: [GET_RESULTS] } },
		options: [
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollInterval',
				type: 'number',
				typeOptions: { minValue: 0.1 },
				default: pollIntervalSeconds,
				description: 'Shortest time between two asks while the package is pending',
			},
			{
				displayName: 'Timeout (Minutes)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 0.01 },
				default: timeoutMinutes,
				description: 'How long to wait for the package to be ready',
			},
		],
	},
];

/**
 * Get Results: the job as a normalized item whose one output is the signed URL of the ZIP of
 * its inputs and outputs (downloaded into binary data with the "Download Outputs" option).
 */
export const getResults: JobOperation = async (ctx, itemIndex, settings) => {
	const { fn, client } = ctx;
	const ref = readJobRef(fn, itemIndex);
	const { job } = await client.getJob(ref, { itemIndex, includeRaw: settings.options.includeRaw });
	if (!job.done) {
		throw new NodeOperationError(fn.getNode(), `Job ${ref.jobId} is still "${job.providerStatus}": its results can be fetched once it has finished`, {
			itemIndex,
			description: 'Put Wait For Job (or Create Job with "Wait for Completion") before Get Results.',
		});
	}
	const url = await waitForPackage(fn, client, ref, itemIndex);
	job.outputs = [{ url, kind: 'file', format: 'zip' }];
	return await toOutputItem(ctx, job, itemIndex, settings.options);
};

/** Asks for the package (PUT, safe to repeat) until Pixxel answers `ready` with its signed URL. */
async function waitForPackage(fn: IExecuteFunctions, client: ProviderClient, ref: JobRef, itemIndex: number): Promise<string> {
	const settings = checkedCollection(fn, 'packageSettings', itemIndex, 'Package Settings', getResultsProperties[0].options as INodeProperties[]) as PackageSettings;
	const timeoutMs = (settings.timeout ?? PACKAGE_DEFAULTS.timeoutMinutes) * 60_000;
	const timeout = `${Math.round(timeoutMs / 1000)} s`;
	return await pollUntilDone<string, string>(client, {
		request: { method: 'PUT', path: `${jobPath(ref)}/download`, replayable: true, purpose: `package the results of job ${ref.jobId}` },
		itemIndex,
		schedule: { floorMs: (settings.pollInterval ?? PACKAGE_DEFAULTS.pollIntervalSeconds) * 1000, maxMs: PACKAGE_DEFAULTS.maxIntervalSeconds * 1000 },
		timeoutMs,
		read(body) {
			const { status, signed_url: signedUrl } = parseReply(fn.getNode(), downloadSchema, body, 'a download package', itemIndex);
			const word = status.trim().toLowerCase();
			if (word === 'ready' && signedUrl) return { done: true, result: signedUrl };
			if (/^(failed|error)/.test(word)) {
				throw new NodeOperationError(fn.getNode(), `Pixxel could not package the results of job ${ref.jobId}: the package is "${status}"`, { itemIndex });
			}
			return { done: false, pending: status };
		},
		timedOut(status) {
			throw new NodeOperationError(
				fn.getNode(),
				status === undefined
					? `The results package of job ${ref.jobId} could not be asked for within ${timeout}: the items of this run take turns in one request budget`
					: `The results package of job ${ref.jobId} is still "${status}" after ${timeout}`,
				{ itemIndex, description: 'Raise "Timeout" in the package settings, or run Get Results again later.' },
			);
		},
	});
}
