import { checkDelays, TaskDurations } from '../../nodes/shared/polling';

const first = (delays: Generator<number>, count: number) => Array.from({ length: count }, () => delays.next().value);

describe('checkDelays: when the status checks of one task come', () => {
	it('checks first at the vendor typical duration, then doubles from the minimum gap up to the poll interval', () => {
		const delays = checkDelays({ pollIntervalMs: 5_000, minPollIntervalMs: 1_000, expectedDurationMs: 3_000, maxWaitMs: 60_000 });
		expect(first(delays, 6)).toEqual([3_000, 1_000, 2_000, 4_000, 5_000, 5_000]);
	});

	it('checks first at what the run has learned, when it has', () => {
		const delays = checkDelays({ pollIntervalMs: 5_000, minPollIntervalMs: 1_000, expectedDurationMs: 3_000, maxWaitMs: 60_000 }, 1_700);
		expect(first(delays, 2)).toEqual([1_700, 1_000]);
	});

	it('never checks the first time later than the poll interval', () => {
		expect(first(checkDelays({ pollIntervalMs: 2_000, expectedDurationMs: 10_000, maxWaitMs: 60_000 }), 1)).toEqual([2_000]);
	});

	it('without a vendor minimum, every gap is the poll interval (SellerPic: at least a minute between checks)', () => {
		expect(first(checkDelays({ pollIntervalMs: 60_000, expectedDurationMs: 10_000, maxWaitMs: 900_000 }), 4)).toEqual([10_000, 60_000, 60_000, 60_000]);
	});

	it('keeps the minimum gap no larger than the poll interval', () => {
		expect(first(checkDelays({ pollIntervalMs: 500, minPollIntervalMs: 1_000, maxWaitMs: 10_000 }), 3)).toEqual([500, 500, 500]);
	});
});

describe('TaskDurations', () => {
	it('estimates the median of what it saw, and nothing before', () => {
		const durations = new TaskDurations();
		expect(durations.estimate()).toBeUndefined();
		for (const ms of [900, 1_200, 5_000]) durations.record(ms);
		expect(durations.estimate()).toBe(1_200);
	});

	it('keeps the last 50', () => {
		const durations = new TaskDurations();
		for (let i = 0; i < 50; i++) durations.record(10_000);
		for (let i = 0; i < 50; i++) durations.record(1_000);
		expect(durations.estimate()).toBe(1_000);
	});
});
