/**
 * Polls `check` (which may be async) until it gives a value (anything but undefined or false) and returns it; fails
 * after `timeoutMs`, saying what it waited for (`what` may be computed then, for details).
 */
export async function eventually<T>(
	check: () => T | undefined | false | Promise<T | undefined | false>,
	what: string | (() => string) = 'a condition',
	timeoutMs = 10_000,
	intervalMs = 10,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined && value !== false) return value;
		if (Date.now() > deadline)
			throw new Error(`Timed out waiting for ${typeof what === 'function' ? what() : what}`);
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}
