import type { ProviderRequest } from './JobProvider';
import type { ProviderClient } from './ProviderClient';
import type { PollScheduleOptions } from './pollSchedule';
import { nextPollDelayMs } from './pollSchedule';

/** What one answer of a poll tells: the wait's result, or a reading that is not final yet. */
export type PollStep<Result, Pending> =
	| { done: true; result: Result }
	| { done: false; pending: Pending; /** The provider's estimate of the time left, where it gives one. */ msLeft?: number | null };

export interface Poll<Result, Pending> {
	/** The check, sent as often as the schedule says. */
	request: ProviderRequest;
	itemIndex: number;
	schedule: PollScheduleOptions;
	timeoutMs: number;
	/** Reads one answer; `deadline` also bounds any request the reading sends itself. */
	read(body: unknown, deadline: number): Promise<PollStep<Result, Pending>> | PollStep<Result, Pending>;
	/** Told the sleep before the next check once it is planned, for a reading that shows it. */
	planned?(pending: Pending, delayMs: number): void;
	/**
	 * The deadline passed: the result the last pending reading makes, or an error (`last` is
	 * undefined when no check was answered in time; `cutOff` when the deadline cut the last check off).
	 */
	timedOut(last: Pending | undefined, cutOff?: boolean): Result;
}

/**
 * The one poll loop of every wait: check first, then sleep between answers that are not final
 * on the adaptive schedule until one is or the deadline passes. A check whose turn in the request
 * budget would come after the deadline is not waited for; sleeps end early when the execution is canceled.
 */
export async function pollUntilDone<Result, Pending>(client: ProviderClient, poll: Poll<Result, Pending>): Promise<Result> {
	const startedAt = Date.now();
	const deadline = startedAt + poll.timeoutMs;
	let last: Pending | undefined;
	for (;;) {
		const answer = await client.request(poll.request, { itemIndex: poll.itemIndex, deadline, jobSeenBefore: last !== undefined });
		if (!answer.answered) return poll.timedOut(last, answer.cutOff);
		const step = await poll.read(answer.body, deadline);
		if (step.done) return step.result;
		last = step.pending;
		const delayMs = nextPollDelayMs(Date.now() - startedAt, step.msLeft ?? null, poll.schedule);
		poll.planned?.(last, delayMs);
		const remainingMs = deadline - Date.now();
		if (remainingMs <= 0) return poll.timedOut(last);
		await client.sleep(Math.min(delayMs, remainingMs));
	}
}
