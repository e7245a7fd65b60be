/**
 * Job lifecycles shared by the provider simulators: a job waits in a queue, runs, then ends
 * with the scripted outcome. Tests script the next jobs; otherwise the default script applies.
 */

export type SimOutcome = 'succeeded' | 'failed' | 'canceled';

export interface JobScript {
	/** Time in the queue before running (simulator clock ms). */
	queueMs: number;
	/** Running time (simulator clock ms). */
	runMs: number;
	outcome: SimOutcome;
	/** Provider-specific failure detail (TAMS failedInfo code, Pixxel failing task, AetherForge reason). */
	failure?: { reason?: string; code?: string };
	/** While not finished, report this provider status word instead of the real one. */
	unknownStatus?: string;
	/** Once finished, report this provider status word instead of the outcome's (a rare final word: Replicate's `aborted`). */
	finalWord?: string;
	/** The job is gone (404) once this much time has passed since its creation. */
	vanishAfterMs?: number;
	/** Provider time estimate = true duration × this factor (1 = exact). */
	estimateFactor?: number;
	/** How many outputs a successful job has. */
	outputCount?: number;
	/** Output kind for providers that have several (TAMS images or videos). */
	outputKind?: 'image' | 'video';
	/**
	 * How a provider that calls back (TAMS runningNotifyUrl) does it: 'onChange' calls when the job
	 * starts running and when it ends; 'twice' calls at the end twice; 'late' calls at the end
	 * `lateCallbackMs` (real ms) late; 'early' calls once, right after the create, and never again;
	 * 'never' does not call.
	 */
	callback?: 'onChange' | 'twice' | 'late' | 'early' | 'never';
	lateCallbackMs?: number;
	/** The job runs until it has been looked up this many times, whatever the clock says (that lookup sees it finished). */
	finishAfterLookups?: number;
	/** The job is gone (404) after it has been looked up this many times, whatever the clock says. */
	vanishAfterLookups?: number;
}

export type JobPhase = 'queued' | 'running' | 'finished' | 'vanished';

export interface SimJob<Extra = Record<string, unknown>> {
	id: string;
	createdAt: number;
	script: JobScript;
	/** Set when a client cancels the job. */
	canceledAt?: number;
	/** How often a client has looked the job up. */
	lookups?: number;
	extra: Extra;
}

export const DEFAULT_SCRIPT: JobScript = { queueMs: 200, runMs: 800, outcome: 'succeeded', outputCount: 1 };

export class JobBook<Extra = Record<string, unknown>> {
	readonly jobs = new Map<string, SimJob<Extra>>();

	/** Scripts for the next created jobs, used first in first out. */
	readonly nextScripts: Array<Partial<JobScript>> = [];

	defaultScript: JobScript = { ...DEFAULT_SCRIPT };

	create(id: string, now: number, extra: Extra): SimJob<Extra> {
		const script = { ...this.defaultScript, ...(this.nextScripts.shift() ?? {}) };
		const job: SimJob<Extra> = { id, createdAt: now, script, extra };
		this.jobs.set(id, job);
		return job;
	}

	/** The job as seen at `now`, or undefined when it does not exist (or has vanished). */
	get(id: string, now: number): SimJob<Extra> | undefined {
		const job = this.jobs.get(id);
		if (!job || phaseOf(job, now) === 'vanished') return undefined;
		if (job.script.vanishAfterLookups !== undefined && (job.lookups ?? 0) >= job.script.vanishAfterLookups) return undefined;
		job.lookups = (job.lookups ?? 0) + 1;
		return job;
	}
}

export function phaseOf(job: SimJob<unknown>, now: number): JobPhase {
	const age = now - job.createdAt;
	const { script } = job;
	if (script.vanishAfterMs !== undefined && age >= script.vanishAfterMs) return 'vanished';
	if (job.canceledAt !== undefined) return 'finished';
	if (script.finishAfterLookups !== undefined) return (job.lookups ?? 0) >= script.finishAfterLookups ? 'finished' : 'running';
	if (age < script.queueMs) return 'queued';
	if (age < script.queueMs + script.runMs) return 'running';
	return 'finished';
}

/** The outcome of a finished job (a canceled job is canceled whatever its script says). */
export function outcomeOf(job: SimJob<unknown>): SimOutcome {
	return job.canceledAt !== undefined ? 'canceled' : job.script.outcome;
}

/** Running progress 0–100 at `now`. */
export function progressOf(job: SimJob<unknown>, now: number): number {
	const ran = now - job.createdAt - job.script.queueMs;
	if (ran <= 0) return 0;
	return Math.min(100, Math.floor((ran / Math.max(1, job.script.runMs)) * 100));
}

/**
 * Resolves once the job has finished or `maxMs` (simulator clock) has passed: for a reply the
 * API holds while the job runs (Replicate's `Prefer: wait`).
 */
export async function untilFinished(job: SimJob<unknown>, clock: { now(): number }, maxMs: number): Promise<void> {
	const until = clock.now() + maxMs;
	// Unref'd: a held reply never keeps a finished test process alive.
	while (phaseOf(job, clock.now()) !== 'finished' && clock.now() < until) await new Promise((resolve) => setTimeout(resolve, 10).unref());
}

/** Time the finished job ended (simulator clock ms). */
export function finishedAt(job: SimJob<unknown>): number {
	return job.canceledAt ?? job.createdAt + job.script.queueMs + job.script.runMs;
}

/** The provider's estimate of the whole job's duration (ms), off by the script's factor. */
export function estimatedDurationMs(job: SimJob<unknown>): number {
	return (job.script.queueMs + job.script.runMs) * (job.script.estimateFactor ?? 1);
}

/** Queue position (1-based) of a queued job among the queued jobs of the same book. */
export function queuePositionOf(book: JobBook<unknown>, job: SimJob<unknown>, now: number): { position: number; length: number } {
	const queued = [...book.jobs.values()].filter((other) => phaseOf(other, now) === 'queued');
	queued.sort((a, b) => a.createdAt - b.createdAt);
	return { position: queued.indexOf(job) + 1, length: queued.length };
}

/** A small valid PNG (1×1) and a few bytes that start like an MP4, for output files. */
export const PNG_BYTES = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
	'base64',
);
export const MP4_BYTES = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(12)]);
