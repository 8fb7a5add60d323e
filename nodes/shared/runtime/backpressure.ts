import { VendorApiError } from '../errors';
import { IDEMPOTENT_RETRY, retryDelayMs } from './retry';
import { cancellableSleep } from './sleep';
import { createdNothing } from '../transport/outcome';

const BACKPRESSURE_POLICY = { attempts: Infinity, baseDelayMs: 1_000, maxDelayMs: 15_000 };

/**
 * Creates a task, waiting while the vendor says it is at capacity. Only errors after which
 * the vendor surely created nothing count (`createdNothing`), so no task is created twice.
 * Capacity refusals (cap reached, HTTP 429) are waited out until `maxWaitMs` has passed;
 * requests that never reached the vendor (connection refused, unknown host) are tried
 * `IDEMPOTENT_RETRY.attempts` times, so a wrong base URL fails fast. Gives up with the last error.
 */
export async function createWhenCapacity<T>(
	create: () => Promise<T>,
	maxWaitMs: number,
	signal?: AbortSignal,
): Promise<T> {
	const startedAt = Date.now();
	let unreachable = 0;
	for (let attempt = 1; ; attempt++) {
		let failure: unknown;
		try {
			return await create();
		} catch (error) {
			failure = error;
		}
		if (!(failure instanceof VendorApiError) || !createdNothing(failure) || signal?.aborted) throw failure;
		let delay: number;
		if (failure.details.notSent) {
			unreachable++;
			if (unreachable >= IDEMPOTENT_RETRY.attempts) throw failure;
			delay = retryDelayMs(failure, unreachable, IDEMPOTENT_RETRY);
		} else {
			delay = retryDelayMs(failure, attempt, BACKPRESSURE_POLICY);
		}
		if (Date.now() - startedAt + delay > maxWaitMs) throw failure.details.notSent ? failure : gaveUp(failure, Date.now() - startedAt);
		await cancellableSleep(delay, signal);
	}
}

function gaveUp(failure: VendorApiError, waitedMs: number) {
	const waited = `Gave up after waiting ${Math.round(waitedMs / 100) / 10} s for the vendor to accept the task.`;
	return failure.with({ hint: failure.details.hint ? `${failure.details.hint} ${waited}` : waited });
}
