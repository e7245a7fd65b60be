import type { JobSnapshot, NormalizedJob } from './JobItem';
import { isFinalStatus } from './JobItem';
import type { JobProvider, JobRef, ProviderRequest } from './JobProvider';
import type { ErrorPlace } from './providerErrors';
import { responseShapeError, uncertainOutcomeHint } from './providerErrors';

/** A job as read from the provider, and whether its status word was one this package knows. */
export interface JobReading {
	job: NormalizedJob;
	knownStatus: boolean;
}

/**
 * Reads a provider's job reply into the normalized item: the adapter reads its fields, the
 * engine adds the normalized status, `done` and the nulls for what the provider does not tell.
 * `ref` is the job asked for; without it the reply is a create's (of `createdBy`) or a list entry.
 */
export function toNormalizedJob(
	provider: JobProvider,
	place: ErrorPlace,
	body: unknown,
	ref: JobRef | undefined,
	{ includeRaw, createdBy }: { includeRaw?: boolean; createdBy?: ProviderRequest } = {},
	snapshot = readSnapshot(provider, place, body, ref, createdBy),
): JobReading {
	const mapped = snapshot.status ?? provider.mapStatus(snapshot.providerStatus);
	const status = mapped ?? 'running';
	const job: NormalizedJob = {
		provider: provider.name,
		jobId: snapshot.jobId,
		status,
		done: isFinalStatus(status),
		providerStatus: snapshot.providerStatus,
		progress: snapshot.progress ?? null,
		queue: snapshot.queue ?? null,
		outputs: snapshot.outputs ?? [],
		error: snapshot.error ?? null,
		cost: snapshot.cost ?? null,
		createdAt: snapshot.createdAt ?? null,
		updatedAt: snapshot.updatedAt ?? null,
		finishedAt: snapshot.finishedAt ?? null,
		estimatedSecondsLeft: snapshot.estimatedSecondsLeft ?? null,
		nextCheckInSeconds: null,
		workflowId: snapshot.workflowId ?? null,
	};
	if (includeRaw) job.raw = provider.readableRaw ? provider.readableRaw(body) : body;
	return { job, knownStatus: mapped !== undefined };
}

/** What the adapter reads out of a job reply; a reply it cannot read is an error saying so. */
export function readSnapshot(provider: JobProvider, place: ErrorPlace, body: unknown, ref: JobRef | undefined, createdBy?: ProviderRequest): JobSnapshot {
	try {
		return ref || !provider.readCreatedJob ? provider.readJob(body, ref) : provider.readCreatedJob(body);
	} catch (error) {
		// The create succeeded, so its job exists although its reply cannot be read.
		throw responseShapeError(place, error, body, createdBy && uncertainOutcomeHint(provider.displayName, createdBy, false));
	}
}
