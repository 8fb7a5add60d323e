import { sleepWithAbort } from 'n8n-workflow';

import { VendorApiError } from './errors';

export interface RetryPolicy {
	/** Tries in all, the first included. */
	attempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const IDEMPOTENT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 };

/**
 * Runs `call` again after errors `shouldRetry` accepts, with exponential backoff and full
 * jitter, never sooner than the vendor's Retry-After. Gives up after `policy.attempts`.
 */
export async function withRetries<T>(
	call: () => Promise<T>,
	shouldRetry: (error: unknown) => boolean,
	policy: RetryPolicy = IDEMPOTENT_RETRY,
	signal?: AbortSignal,
): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		let failure: unknown;
		try {
			return await call();
		} catch (error) {
			failure = error;
		}
		if (attempt >= policy.attempts || !shouldRetry(failure) || signal?.aborted) throw failure;
		await sleepWithAbort(retryDelayMs(failure, attempt, policy), signal);
	}
}

export function retryDelayMs(error: unknown, attempt: number, policy: RetryPolicy) {
	const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	const jittered = backoff / 2 + Math.random() * (backoff / 2);
	const asked = error instanceof VendorApiError ? error.details.retryAfterSeconds : undefined;
	return asked === undefined ? jittered : Math.max(asked * 1000, jittered);
}

/** Idempotent calls (status, download URL, file download) are safe to repeat on any transient failure. */
export function isTransient(error: unknown) {
	return error instanceof VendorApiError && error.retryable;
}
