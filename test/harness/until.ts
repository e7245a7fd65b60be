/**
 * Resolves once `condition()` holds, looking every few milliseconds: a test waits for the event
 * it needs (the simulator saw a request) instead of sleeping for a time that a loaded machine
 * may overrun.
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what} after ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}
