export interface PollScheduleOptions {
	floorMs: number;
	maxMs: number;
}

/** Provider estimates are taken to be within this factor of the truth either way. */
const ESTIMATE_ERROR = 1.2;

/** Share of the time already waited that the next poll may lag a job's end. */
const LAG_SHARE = 0.1;

/**
 * How long to sleep before the next status check of a job that is not done.
 *
 * Without an estimate the gap grows to 10% of the time already waited, so a job that ends
 * between two polls is seen at most max(floor, 10% of its run) late while a job of hours costs
 * tens of requests, not thousands. With the provider's own estimate of the time left, the
 * first gap jumps to the earliest end that estimate allows, then the same 10% steps follow.
 */
export function nextPollDelayMs(
	elapsedMs: number,
	estimatedMsLeft: number | null,
	{ floorMs, maxMs }: PollScheduleOptions,
): number {
	let delay = Math.max(floorMs, LAG_SHARE * elapsedMs);
	if (estimatedMsLeft !== null && estimatedMsLeft > 0) {
		const earliestEnd = (elapsedMs + estimatedMsLeft) / ESTIMATE_ERROR;
		delay = Math.max(delay, earliestEnd - elapsedMs);
	}
	return Math.round(Math.min(delay, Math.max(floorMs, maxMs)));
}
