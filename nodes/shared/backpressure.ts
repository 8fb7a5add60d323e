import { sleepWithAbort } from 'n8n-workflow';

import { VendorApiError } from './errors';
import { retryDelayMs } from './retry';

const BACKPRESSURE_POLICY = { attempts: Infinity, baseDelayMs: 1_000, maxDelayMs: 15_000 };

/**
 * Creates a task, waiting while the vendor says it is at capacity. Only errors after which
 * the vendor surely created nothing count (`createdNothing`), so no task is created twice.
 * Gives up with the last error once `maxWaitMs` has passed.
 */
export async function createWhenCapacity<T>(
	create: () => Promise<T>,
	createdNothing: (error: VendorApiError) => boolean,
	maxWaitMs: number,
	signal?: AbortSignal,
): Promise<T> {
	const startedAt = Date.now();
	for (let attempt = 1; ; attempt++) {
		let failure: unknown;
		try {
			return await create();
		} catch (error) {
			failure = error;
		}
		if (!(failure instanceof VendorApiError) || !createdNothing(failure)) throw failure;
		const delay = retryDelayMs(failure, attempt, BACKPRESSURE_POLICY);
		if (Date.now() - startedAt + delay > maxWaitMs) throw failure;
		await sleepWithAbort(delay, signal);
	}
}
