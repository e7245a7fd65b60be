import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { jobOptionsProperty, waitFields } from './descriptions';
import type { WaitDefaults } from './JobProvider';
import { checkedCollection } from './parameters';
import type { PollScheduleOptions } from './pollSchedule';

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

/** An item's wait, its settings filled in from the provider's defaults where the item leaves them out. */
export interface WaitSettings {
	schedule: PollScheduleOptions;
	timeoutMs: number;
	onTimeout: 'error' | 'output';
	onJobFailure: 'error' | 'output';
}

/** An item's Options and Wait Settings, read and checked once before its action runs. */
export interface ItemSettings {
	options: JobOptions;
	wait: WaitSettings;
}

/** The Wait Settings collection as the node stores it. */
interface StoredWaitSettings {
	pollInterval?: number;
	maxInterval?: number;
	timeout?: number;
	onTimeout?: 'error' | 'output';
	onJobFailure?: 'error' | 'output';
}

/** Reads an item's options, checked against the node's fields. */
export function readOptions(fn: IExecuteFunctions, defaults: WaitDefaults, itemIndex: number): JobOptions {
	const fields = jobOptionsProperty(defaults, []).options as INodeProperties[];
	return checkedCollection(fn, 'options', itemIndex, 'Options', fields) as JobOptions;
}

/**
 * Reads an item's options and wait settings. Settings an expression made unusable (a timeout of
 * "soon" would never end a wait) are refused here, before the item's action runs.
 */
export function readItemSettings(fn: IExecuteFunctions, defaults: WaitDefaults, itemIndex: number): ItemSettings {
	const stored = checkedCollection(fn, 'waitSettings', itemIndex, 'Wait Settings', waitFields(defaults));
	return { options: readOptions(fn, defaults, itemIndex), wait: waitSettingsOf(stored, defaults) };
}

/** Wait settings as stored, with the provider's defaults where they are not set. */
export function waitSettingsOf(stored: IDataObject, defaults: WaitDefaults): WaitSettings {
	const { pollInterval, maxInterval, timeout, onTimeout, onJobFailure } = stored as StoredWaitSettings;
	return {
		schedule: {
			floorMs: (pollInterval ?? defaults.pollIntervalSeconds) * 1000,
			maxMs: (maxInterval ?? defaults.maxIntervalSeconds) * 1000,
		},
		timeoutMs: (timeout ?? defaults.timeoutMinutes) * 60_000,
		onTimeout: onTimeout ?? 'error',
		onJobFailure: onJobFailure ?? 'output',
	};
}
