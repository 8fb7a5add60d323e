import { VendorApiError } from '../../nodes/shared/errors';
import { IDEMPOTENT_RETRY, retryDelayMs, withRetries } from '../../nodes/shared/runtime/retry';
import { retryAfterSeconds } from '../../nodes/shared/transport/http';

const reply = (retryAfter?: string) => ({
	status: 429,
	headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
	body: '',
});
const refused = (retryAfterSeconds?: number) =>
	new VendorApiError('busy', { vendor: 'PiAPI', httpStatus: 429, retryAfterSeconds });

describe('retryAfterSeconds', () => {
	it('reads seconds', () => expect(retryAfterSeconds(reply('7'))).toBe(7));
	it('reads an HTTP date as the seconds until then', () => {
		const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
		expect(retryAfterSeconds(reply(inTenSeconds))).toBeGreaterThan(8);
		expect(retryAfterSeconds(reply(inTenSeconds))).toBeLessThanOrEqual(10);
	});
	it('never goes below zero', () => {
		expect(retryAfterSeconds(reply('-3'))).toBe(0);
		expect(retryAfterSeconds(reply(new Date(Date.now() - 60_000).toUTCString()))).toBe(0);
	});
	it('ignores a missing or unreadable header', () => {
		expect(retryAfterSeconds(reply())).toBeUndefined();
		expect(retryAfterSeconds(reply('soon'))).toBeUndefined();
	});
	it('takes the first of repeated headers', () => {
		expect(
			retryAfterSeconds({ status: 429, headers: { 'retry-after': ['2', '9'] }, body: '' }),
		).toBe(2);
	});
});

describe('retryDelayMs', () => {
	const policy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 4_000 };

	it.each([
		[1, 250, 500],
		[2, 500, 1_000],
		[3, 1_000, 2_000],
		[4, 2_000, 4_000],
		[6, 2_000, 4_000],
	])(
		'attempt %i waits within the upper half of the doubled backoff (%i–%i ms), capped',
		(attempt, low, high) => {
			for (let i = 0; i < 50; i++) {
				const delay = retryDelayMs(new Error('x'), attempt, policy);
				expect(delay).toBeGreaterThanOrEqual(low);
				expect(delay).toBeLessThanOrEqual(high);
			}
		},
	);

	it('draws its jitter from the random source it is given', () => {
		expect(retryDelayMs(new Error('x'), 3, policy, () => 0)).toBe(1_000);
		expect(retryDelayMs(new Error('x'), 3, policy, () => 0.5)).toBe(1_500);
		expect(retryDelayMs(new Error('x'), 9, policy, () => 0.25)).toBe(2_500);
	});

	it("never waits less than the vendor's Retry-After", () => {
		expect(retryDelayMs(refused(3), 1, policy)).toBe(3_000);
		expect(retryDelayMs(refused(0), 3, policy)).toBeGreaterThanOrEqual(1_000);
	});
});

describe('withRetries', () => {
	const fast = { ...IDEMPOTENT_RETRY, baseDelayMs: 1, maxDelayMs: 2 };

	it('tries again after errors it is told to retry, up to the attempts', async () => {
		const call = jest.fn().mockRejectedValue(refused());
		await expect(withRetries(call, () => true, fast)).rejects.toThrow('busy');
		expect(call).toHaveBeenCalledTimes(IDEMPOTENT_RETRY.attempts);
	});

	it('waits on the clock it is given, drawing from its random source', async () => {
		const slept: number[] = [];
		const clock = { sleep: async (ms: number) => void slept.push(ms), random: () => 0 };
		const call = jest.fn().mockRejectedValue(refused());
		await expect(withRetries(call, () => true, IDEMPOTENT_RETRY, undefined, clock)).rejects.toThrow(
			'busy',
		);
		expect(slept).toEqual([250, 500, 1_000]);
	});

	it('returns the first success', async () => {
		const call = jest.fn().mockRejectedValueOnce(refused()).mockResolvedValue('ok');
		await expect(withRetries(call, () => true, fast)).resolves.toBe('ok');
		expect(call).toHaveBeenCalledTimes(2);
	});

	it('gives up at once on errors it must not retry', async () => {
		const call = jest.fn().mockRejectedValue(new Error('bad request'));
		await expect(withRetries(call, () => false, fast)).rejects.toThrow('bad request');
		expect(call).toHaveBeenCalledTimes(1);
	});

	it('gives up at once when the vendor asks for a wait longer than the policy allows, saying so', async () => {
		const call = jest.fn().mockRejectedValue(refused(120));
		const error = (await withRetries(call, () => true, { ...fast, maxRetryAfterMs: 60_000 }).catch(
			(e: unknown) => e,
		)) as VendorApiError;
		expect(call).toHaveBeenCalledTimes(1);
		expect(error.details.hint).toBe(
			'PiAPI asked to wait 120 s before trying again: run the item again after that.',
		);
	});
});
