import { CheckSchedule, RunTimings, type WaitOptions } from '../../nodes/shared/runtime/polling';

/** SellerPic Segment with Poll Interval lowered to 1 s: a miss costs a second. */
const LOWERED: WaitOptions = {
	pollIntervalMs: 1_000,
	minPollIntervalMs: 60_000,
	expectedDurationMs: 10_000,
	maxWaitMs: 900_000,
	checkNode: 'Check Segmentation Task',
};
/** SellerPic Segment's defaults: a miss costs a minute. */
const SELLERPIC: WaitOptions = {
	pollIntervalMs: 60_000,
	minPollIntervalMs: 60_000,
	expectedDurationMs: 10_000,
	maxWaitMs: 900_000,
	checkNode: 'Check Segmentation Task',
};

/** A run whose first tasks were still running at 1 s and found done at 2 s (tasks of 1.5 s, checked every second). */
function firstWave() {
	const timings = new RunTimings();
	for (let task = 0; task < 5; task++) timings.recordUnfinished(1_000);
	for (let task = 0; task < 5; task++) timings.recordDone(2_000);
	return timings;
}

describe('bisection probe (durations found only by checks)', () => {
	it('lets one task check first halfway between still running and found done, the others when tasks were found done', () => {
		const timings = firstWave();
		expect(timings.estimate()).toBe(2_000);
		const probe = new CheckSchedule(LOWERED, timings);
		expect(probe.nextDelay(0)).toBe(1_500);
		expect(probe.probing).toBe(true);
		const other = new CheckSchedule(LOWERED, timings);
		expect(other.nextDelay(0)).toBe(2_000);
		expect(other.probing).toBe(false);
	});

	it('a probe found done teaches the run: the next first checks come at its age, and no further probe is worth it', () => {
		const timings = firstWave();
		const probe = new CheckSchedule(LOWERED, timings);
		probe.nextDelay(0);
		const waiting = new CheckSchedule(LOWERED, timings);
		expect(waiting.nextDelay(0)).toBe(2_000);
		timings.recordDone(1_500, undefined, probe.probing);
		expect(timings.estimate()).toBe(1_500);
		expect(waiting.nextDelay(1_500)).toBe(0);
		expect(new CheckSchedule(LOWERED, timings).nextDelay(0)).toBe(1_500);
	});

	it('a probe that misses raises the age known to be still running; the next probe goes halfway to the rest', () => {
		const timings = firstWave();
		const probe = new CheckSchedule(LOWERED, timings);
		expect(probe.nextDelay(0)).toBe(1_500);
		probe.checked(1_500);
		expect(timings.estimate()).toBe(2_000);
		// 2 s − 1.5 s is no wider than three quarters of a miss: no more probes.
		expect(new CheckSchedule(LOWERED, timings).nextDelay(0)).toBe(2_000);
	});

	it('never probes where a miss costs a minute (SellerPic at its defaults), nor with durations the vendor reports', () => {
		expect(new CheckSchedule(SELLERPIC, firstWave()).nextDelay(0)).toBe(2_000);
		const reported = new RunTimings();
		reported.recordUnfinished(1_000);
		reported.recordDone(2_000, 1_500);
		expect(new CheckSchedule({ ...LOWERED, minPollIntervalMs: 1_000 }, reported).nextDelay(0)).toBe(
			1_500,
		);
		expect(reported.takeBisectionProbe(1_000, 0)).toBeUndefined();
	});

	it('does not give the probe to a task already older than its age', () => {
		const timings = firstWave();
		expect(timings.takeBisectionProbe(1_000, 1_600)).toBeUndefined();
		expect(timings.takeBisectionProbe(1_000, 0)).toBe(1_500);
	});
});
