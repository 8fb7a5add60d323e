import { VendorApiError } from '../errors';
import { systemClock, type Clock } from './clock';

export interface RetryPolicy {
	/** Tries in all, the first included. */
	attempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** A Retry-After longer than this is not waited for: the error is given up at once. */
	maxRetryAfterMs?: number;
}

export const IDEMPOTENT_RETRY: RetryPolicy = {
	attempts: 4,
	baseDelayMs: 500,
	maxDelayMs: 8_000,
	maxRetryAfterMs: 60_000,
};

/**
 * Runs `call` again after errors `shouldRetry` accepts, with exponential backoff and full
 * jitter, never sooner than the vendor's Retry-After. Gives up after `policy.attempts`, or at
 * once when the vendor asks for a wait longer than `policy.maxRetryAfterMs`.
 */
export async function withRetries<T>(
	call: () => Promise<T>,
	shouldRetry: (error: unknown) => boolean,
	policy: RetryPolicy = IDEMPOTENT_RETRY,
	signal?: AbortSignal,
	clock: Pick<Clock, 'sleep' | 'random'> = systemClock,
): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		let failure: unknown;
		try {
			return await call();
		} catch (error) {
			failure = error;
		}
		if (attempt >= policy.attempts || !shouldRetry(failure) || signal?.aborted) throw failure;
		const delay = retryDelayMs(failure, attempt, policy, () => clock.random());
		if (policy.maxRetryAfterMs !== undefined && delay > policy.maxRetryAfterMs)
			throw askedToWait(failure, delay);
		await clock.sleep(delay, signal);
	}
}

function askedToWait(failure: unknown, delayMs: number) {
	if (!(failure instanceof VendorApiError)) return failure;
	const waited = `${failure.details.vendor} asked to wait ${Math.round(delayMs / 1000)} s before trying again: run the item again after that.`;
	return failure.with({
		hint: failure.details.hint ? `${failure.details.hint} ${waited}` : waited,
	});
}

/**
 * Backoff doubling from `baseDelayMs` up to `maxDelayMs`, jittered over its upper half by
 * `random` (a number in [0, 1)); at least the vendor's Retry-After.
 */
export function retryDelayMs(
	error: unknown,
	attempt: number,
	policy: RetryPolicy,
	random: () => number = systemClock.random,
) {
	const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	const jittered = backoff / 2 + random() * (backoff / 2);
	const asked = error instanceof VendorApiError ? error.details.retryAfterSeconds : undefined;
	return asked === undefined ? jittered : Math.max(asked * 1000, jittered);
}

/**
 * Idempotent calls (status, download URL, file download) are safe to repeat on any transient
 * failure.
 */
export function isTransient(error: unknown) {
	return error instanceof VendorApiError && error.retryable;
}
