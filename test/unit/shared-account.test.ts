import { QUEUE_SUITE_CASE, simulateQueue } from '../support/capacity-sim';

/*
 * Queue mode's case in simulated time (test/support/capacity-sim.ts): two workers, each its own
 * process with its own learned capacity, run 30 one-item executions on one account with a cap of
 * 5. Time is virtual and chance seeded, so each seed gives the same run every time.
 */
const QUEUE = QUEUE_SUITE_CASE;
const SEEDS = Array.from({ length: 20 }, (_, index) => index + 1);

describe.each([
	['PiAPI (429 with Retry-After 1 s)', 1],
	['SellerPic (30003, no Retry-After)', undefined],
])('two workers sharing one account, %s', (_name, retryAfterSeconds) => {
	it.each(SEEDS)(
		'seed %i: every execution done, never over the cap, at most one refused create per two tasks, and the places of a worker that ran out of work taken by the other (within 1.35× ⌈N/cap⌉·L of simulated time)',
		async (seed) => {
			const result = await simulateQueue({ ...QUEUE, retryAfterSeconds, seed });
			expect(result.executionsPerWorker.reduce((sum, count) => sum + count, 0)).toBe(30);
			expect(result.peakAtVendor).toBeLessThanOrEqual(QUEUE.vendorCap);
			expect(result.refusals / QUEUE.executions).toBeLessThanOrEqual(0.5);
			expect(result.wallMs / result.idealMs).toBeLessThanOrEqual(1.35);
			// Once one worker has run out, the other's creates still to come go out up to the whole cap
			// at once: it took the places the first left, which it never saw as its own.
			const runOut = result.runOut!;
			expect(runOut.otherPeakAfter).toBeGreaterThanOrEqual(
				Math.min(QUEUE.vendorCap, runOut.otherAcceptedAfter),
			);
			if (runOut.otherRemaining >= QUEUE.vendorCap) {
				expect(runOut.otherPeakAfter).toBe(QUEUE.vendorCap);
				expect(runOut.otherPeakBefore).toBeLessThan(QUEUE.vendorCap);
			}
		},
	);

	it('in some seeds a worker runs out while the other still has a cap of executions to run, and that one then fills the cap', async () => {
		const results = [];
		for (const seed of SEEDS)
			results.push(await simulateQueue({ ...QUEUE, retryAfterSeconds, seed }));
		const takenOver = results.filter(
			({ runOut }) =>
				runOut!.otherRemaining >= QUEUE.vendorCap &&
				runOut!.otherPeakAfter === QUEUE.vendorCap &&
				runOut!.otherPeakBefore < QUEUE.vendorCap,
		);
		expect(takenOver.length).toBeGreaterThanOrEqual(5);
	});
});
