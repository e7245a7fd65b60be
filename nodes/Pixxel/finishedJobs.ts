import type { NormalizedJob } from '../shared/JobItem';

/**
 * Which finished jobs of a workflow are news, remembered between polls in the trigger's static
 * data. The cursor keeps the jobs seen unfinished, the latest finish time seen and the IDs of the
 * jobs that finished in the hour before it: a job seen running fires when it finishes, whatever
 * finish time it reports; one that ran and finished between two polls fires if it finished after
 * the horizon; each fires once, and the cursor stays small however many jobs the workflow has.
 */

const LATE_MARGIN_MS = 60 * 60 * 1000;

export interface FinishedJobsCursor {
	workflowId: string;
	/** Latest finish time (epoch ms) of the jobs seen; null before any job has finished. */
	lastFinishedAt: number | null;
	/** Jobs seen that finished within the margin before `lastFinishedAt`, or at an unknown time. */
	recentIds: string[];
	/** Jobs seen not finished yet. */
	unfinishedIds: string[];
}

/**
 * The finished jobs to fire for, oldest first, and the cursor to keep, from all the jobs of the
 * workflow. Without a cursor for this workflow (first activation, or the node now watches
 * another one) nothing old fires.
 */
export function takeNewlyFinished(
	jobs: NormalizedJob[],
	previous: FinishedJobsCursor | undefined,
	workflowId: string,
): { fresh: NormalizedJob[]; cursor: FinishedJobsCursor } {
	const known = previous?.workflowId === workflowId ? previous : undefined;
	const finished = jobs.filter((job) => job.done);
	const seen = new Set(known?.recentIds ?? []);
	const wasUnfinished = new Set(known?.unfinishedIds ?? []);
	const horizon = horizonOf(known?.lastFinishedAt ?? null);
	const fresh = known
		? finished.filter((job) => wasUnfinished.has(job.jobId) || (finishTime(job) > horizon && !seen.has(job.jobId)))
		: [];

	const lastFinishedAt = finished
		.map(finishTime)
		.filter(Number.isFinite)
		.reduce<number | null>((latest, time) => (latest === null || time > latest ? time : latest), known?.lastFinishedAt ?? null);
	const newHorizon = horizonOf(lastFinishedAt);
	const recentIds = finished.filter((job) => finishTime(job) > newHorizon).map((job) => job.jobId);

	fresh.sort((a, b) => finishTime(a) - finishTime(b));
	const unfinishedIds = jobs.filter((job) => !job.done).map((job) => job.jobId);
	return { fresh, cursor: { workflowId, lastFinishedAt, recentIds, unfinishedIds } };
}

/** The latest finished job, for the trigger's sample in manual mode. */
export function latestFinished(finished: NormalizedJob[]): NormalizedJob | undefined {
	const dated = finished.filter((job) => Number.isFinite(finishTime(job)));
	return dated.sort((a, b) => finishTime(b) - finishTime(a))[0] ?? finished[0];
}

function horizonOf(lastFinishedAt: number | null): number {
	return lastFinishedAt === null ? -Infinity : lastFinishedAt - LATE_MARGIN_MS;
}

/** When a job finished; a job without a usable time counts as just finished. */
function finishTime(job: NormalizedJob): number {
	const time = Date.parse(job.finishedAt ?? job.updatedAt ?? '');
	return Number.isNaN(time) ? Infinity : time;
}
