// Named imports are what every supported n8n-workflow must export; the namespace is only for
// looking up what some versions lack.
import * as n8nWorkflow from 'n8n-workflow';
import { sleep as n8nSleep } from 'n8n-workflow';

/**
 * `sleepWithAbort(ms, signal)` is in n8n-workflow 1.98 to 2.33 only (so in n8n 1.101 to 2.33);
 * importing it by name breaks every later n8n. Looked up at run time instead.
 */
const sleepWithAbort = (
	n8nWorkflow as { sleepWithAbort?: (ms: number, signal: AbortSignal) => Promise<void> }
).sleepWithAbort;

/**
 * From 2.34 on, `sleep` takes the signal; earlier versions declare `sleep(ms)` and ignore a second
 * argument.
 */
const sleep: (ms: number, signal?: AbortSignal) => Promise<void> = n8nSleep;

/**
 * Waits `ms`, or rejects as soon as the execution is cancelled, on every supported n8n: with
 * `sleepWithAbort` where it exists, else with `sleep` given the signal, both of which clear
 * their timer on cancel. The signal is also watched here, so the wait ends at once even on an
 * n8n whose `sleep` would ignore it.
 */
export async function cancellableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) return await sleep(ms);
	if (sleepWithAbort) return await sleepWithAbort(ms, signal);
	if (signal.aborted) throw cancellationError(signal);
	let onAbort = () => {};
	const aborted = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(cancellationError(signal));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms, signal), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

/** The error a cancelled wait ends with: the signal's reason, when it is an error. */
export function cancellationError(signal: AbortSignal): Error {
	return signal.reason instanceof Error ? signal.reason : new Error('The execution was cancelled');
}
