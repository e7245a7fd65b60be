export interface PollScheduleOptions {
	floorMs: number;
	maxMs: number;
}

/** Provider estimates are taken to be within this factor of the truth either way. */
const ESTIMATE_ERROR = 1.2;

/**
 * How late a job's end may be seen, as a share of the time the job ran (the promise is 10%).
 * Checks are planned at 9%, leaving a tenth of the promise for the check's own round trip.
 */
const PLANNED_LAG_SHARE = 0.09;

/**
 * How long to sleep before the next status check of a job that is not done.
 *
 * A job that ends at some moment must be seen within 10% of that moment, so each check may
 * come at most ~10% after the earliest moment the job can end. Without an estimate that moment
 * is now: the gap grows with the time already waited, so a job of hours costs tens of requests,
 * not thousands. With the provider's estimate of the time left, the earliest end that estimate
 * allows (it may be 20% off) is later than now, and the first check jumps there.
 * The gap is never below the floor nor above the max interval.
 */
export function nextPollDelayMs(
	elapsedMs: number,
	estimatedMsLeft: number | null,
	{ floorMs, maxMs }: PollScheduleOptions,
): number {
	const earliestEndMs =
		estimatedMsLeft !== null && estimatedMsLeft > 0
			? Math.max(elapsedMs, (elapsedMs + estimatedMsLeft) / ESTIMATE_ERROR)
			: elapsedMs;
	const delay = Math.max(floorMs, (1 + PLANNED_LAG_SHARE) * earliestEndMs - elapsedMs);
	return Math.round(Math.min(delay, Math.max(floorMs, maxMs)));
}
