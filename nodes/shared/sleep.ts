import { sleep } from 'n8n-workflow';

/**
 * n8n-workflow's `sleep` as typed from 2.34 on, where it takes the cancel signal. Earlier
 * versions declare `sleep(ms)` and ignore a second argument, which this type allows.
 */
const sleepWithSignal: (ms: number, signal?: AbortSignal) => Promise<void> = sleep;

/**
 * Waits `ms`, or rejects as soon as the execution is cancelled. `sleep` is the only wait every
 * supported n8n has: `sleepWithAbort` exists in n8n-workflow 1.98 to 2.33 only, and `sleep` takes
 * a signal only from 2.34. So the signal goes to `sleep` (from 2.34 it also clears its timer)
 * and is watched here as well, which ends the wait at once on every version.
 */
export async function cancellableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) return await sleep(ms);
	if (signal.aborted) throw cancelled(signal);
	let onAbort = () => {};
	const aborted = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(cancelled(signal));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleepWithSignal(ms, signal), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

function cancelled(signal: AbortSignal): Error {
	return signal.reason instanceof Error ? signal.reason : new Error('The execution was cancelled');
}
