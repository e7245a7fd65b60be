import { sleep } from 'n8n-workflow';

/**
 * Sleeps that end early when `signal` aborts. Each sleep gets a signal of its own, fed by one
 * listener on the shared one, so a thousand waiting items do not pile listeners onto it.
 */
export class Sleeper {
	private readonly sleeping = new Set<AbortController>();

	constructor(private readonly signal: AbortSignal) {
		signal.addEventListener('abort', () => this.sleeping.forEach((sleep) => sleep.abort(signal.reason)), { once: true });
	}

	async sleep(ms: number): Promise<void> {
		if (this.signal.aborted) throw abortReason(this.signal);
		const own = new AbortController();
		this.sleeping.add(own);
		// The race keeps cancellation working on older n8n versions whose `sleep` ignores its signal.
		const aborted = new Promise<never>((_, reject) =>
			own.signal.addEventListener('abort', () => reject(abortReason(own.signal)), { once: true }),
		);
		try {
			await Promise.race([sleep(Math.max(0, ms), own.signal), aborted]);
		} finally {
			this.sleeping.delete(own);
			own.abort();
		}
	}
}

function abortReason(signal: AbortSignal): Error {
	return signal.reason instanceof Error ? signal.reason : new Error('The execution was canceled');
}

/** Exponential backoff with jitter: about 1 s, 2 s, 4 s … up to `capMs`, each between 50% and 100% of that. */
export function backoffDelayMs(attempt: number, capMs = 30_000): number {
	const ceiling = Math.min(capMs, 1000 * 2 ** Math.max(0, attempt - 1));
	return Math.round(ceiling * (0.5 + Math.random() * 0.5));
}

/** Reads a `Retry-After` header (seconds or an HTTP date) as milliseconds from now. */
export function retryAfterMs(headers: Record<string, unknown> | undefined): number | undefined {
	const value = headers?.['retry-after'];
	if (value === undefined || value === null || value === '') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** How much a 429 slows the pace of the run: the provider's limit is below the pace we assumed. */
const SLOWDOWN_ON_429 = 1.5;

/**
 * The slowest pace 429s can bring, as a share of the budget. Scattered refusals of a long run
 * would otherwise compound without end; below this, the provider's pauses do the rest.
 */
const MAX_SLOWDOWN = 5;

/**
 * One request budget for all items of a node run: requests are spaced to the provider's rate,
 * and a 429 pauses every waiting item, not just the one that saw it, and slows the pace.
 */
export class RequestBudget {
	private nextSlotAt = 0;

	private pausedUntil = 0;

	private spacingMs: number;

	private readonly maxSpacingMs: number;

	/** Counts 429s: a slot handed out before the latest one was planned at the old pace. */
	private refusals = 0;

	constructor(requestsPerSecond: number) {
		this.spacingMs = requestsPerSecond > 0 ? 1000 / requestsPerSecond : 0;
		this.maxSpacingMs = this.spacingMs * MAX_SLOWDOWN;
	}

	/** Waits for the request's turn; false, without waiting, when it would have to wait past `notAfter`. */
	async acquire(sleeper: Sleeper, notAfter = Infinity): Promise<boolean> {
		for (;;) {
			const now = Date.now();
			const slot = Math.max(now, this.nextSlotAt, this.pausedUntil);
			if (slot > now && slot > notAfter) return false;
			this.nextSlotAt = slot + this.spacingMs;
			const refusalsBefore = this.refusals;
			// Clocks and timers count whole milliseconds: a turn less than one away is now.
			if (slot - now >= 1) await sleeper.sleep(slot - now);
			// A 429 came while this request waited: it queues again, behind the pause, at the new pace.
			if (this.refusals === refusalsBefore) return true;
		}
	}

	pauseFor(ms: number): void {
		const now = Date.now();
		// Requests already on their way meet the same limit: one refusal episode slows the pace once.
		if (now >= this.pausedUntil) this.spacingMs = Math.min(this.spacingMs * SLOWDOWN_ON_429, this.maxSpacingMs);
		this.pausedUntil = Math.max(this.pausedUntil, now + ms);
		this.nextSlotAt = this.pausedUntil;
		this.refusals++;
	}
}
