import type { IExecuteFunctions } from 'n8n-workflow';

import { CheckSchedule, RunTimings, type WaitOptions } from '../../nodes/shared/runtime/polling';
import { checkSegmentationTasks } from '../../nodes/shared/task-nodes/check-task.execute';
import type { TaskVendor } from '../../nodes/shared/task/vendor';
import { sellerPicProfile } from '../../nodes/vendors/sellerpic/profile';

/** PiAPI Segment's defaults: Poll Interval 5 s, 1 s between checks at least, tasks said to take about 5 s. */
const PIAPI: WaitOptions = {
	pollIntervalMs: 5_000,
	minPollIntervalMs: 1_000,
	expectedDurationMs: 5_000,
	maxWaitMs: 600_000,
	checkNode: 'Check Segmentation Task',
};
/** SellerPic Segment's defaults: a minute between checks of a task, tasks guessed at 10 s. */
const SELLERPIC: WaitOptions = {
	pollIntervalMs: 60_000,
	expectedDurationMs: 10_000,
	maxWaitMs: 900_000,
	checkNode: 'Check Segmentation Task',
};

/** The ages at which a task is checked while it stays unfinished (from `age`, its last check at `last`). */
function checkAges(schedule: CheckSchedule, count: number, age = 0, last = 0): number[] {
	const ages: number[] = [];
	for (let i = 0; i < count; i++) {
		age += schedule.nextDelay(age, age - last);
		ages.push(age);
		last = age;
		schedule.checked(age);
	}
	return ages;
}

describe('CheckSchedule, where re-checks are cheap (PiAPI)', () => {
	it('while the run knows nothing: checks every second until the typical duration, then doubles up to the poll interval', () => {
		expect(checkAges(new CheckSchedule(PIAPI, new RunTimings()), 9)).toEqual([
			1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 8_000, 12_000, 17_000,
		]);
	});

	it('once the run knows when tasks are done: checks first then, and doubles from a second when late', () => {
		const timings = new RunTimings();
		timings.recordDone(2_100, 1_500);
		expect(checkAges(new CheckSchedule(PIAPI, timings), 5)).toEqual([
			1_500, 2_500, 4_500, 8_500, 13_500,
		]);
	});

	it('checks first when tasks are known to be done, even past the poll interval; after that never further apart than it', () => {
		const timings = new RunTimings();
		timings.recordDone(10_000, 10_000);
		const schedule = new CheckSchedule(PIAPI, timings);
		expect(schedule.nextDelay(0)).toBe(10_000);
		schedule.checked(10_000);
		expect(checkAges(schedule, 4, 10_000, 10_000)).toEqual([11_000, 13_000, 17_000, 22_000]);
	});

	it('never checks sooner than the minimum gap after a check', () => {
		const timings = new RunTimings();
		const schedule = new CheckSchedule(PIAPI, timings);
		schedule.checked(1_000);
		timings.recordDone(1_100, 1_100);
		expect(schedule.nextDelay(1_200, 200)).toBe(800);
	});

	it('a task already older than the known duration when it wakes checks at once if never checked', () => {
		const timings = new RunTimings();
		timings.recordDone(1_000, 1_000);
		expect(new CheckSchedule(PIAPI, timings).nextDelay(1_400)).toBe(0);
	});
});

describe('CheckSchedule, where each unfinished check costs a long gap (SellerPic)', () => {
	it('checks first at the typical duration, then once a minute', () => {
		expect(checkAges(new CheckSchedule(SELLERPIC, new RunTimings()), 3)).toEqual([
			10_000, 70_000, 130_000,
		]);
	});

	it('lets one task per run probe at a quarter of the typical duration when the run has several waves of tasks', () => {
		const timings = new RunTimings(true);
		expect(new CheckSchedule(SELLERPIC, timings).nextDelay(0)).toBe(2_500);
		expect(new CheckSchedule(SELLERPIC, timings).nextDelay(0)).toBe(10_000);
		expect(new CheckSchedule(SELLERPIC, new RunTimings(false)).nextDelay(0)).toBe(10_000);
	});

	it('does not probe where a miss costs no more than the typical duration (a Poll Interval lowered to it)', () => {
		const lowered = { ...SELLERPIC, pollIntervalMs: 500 };
		expect(checkAges(new CheckSchedule(lowered, new RunTimings(true)), 3)).toEqual([
			500, 1_000, 1_500,
		]);
	});

	it('checks at once a task that waits for its first check when another task was found done younger', () => {
		const timings = new RunTimings();
		const waiting = new CheckSchedule(SELLERPIC, timings);
		expect(waiting.nextDelay(0)).toBe(10_000);
		timings.recordDone(2_500);
		expect(waiting.nextDelay(2_600)).toBe(0);
		expect(new CheckSchedule(SELLERPIC, timings).nextDelay(0)).toBe(2_500);
	});

	it('keeps a minute between checks of one task even when the run learns more', () => {
		const timings = new RunTimings();
		const schedule = new CheckSchedule(SELLERPIC, timings);
		schedule.checked(10_000);
		timings.recordDone(20_000);
		expect(schedule.nextDelay(12_000, 2_000)).toBe(58_000);
	});
});

describe('RunTimings', () => {
	it('knows nothing before a task finished', () => {
		expect(new RunTimings().estimate()).toBeUndefined();
	});

	it('prefers the durations the vendor reports: their 75th percentile', () => {
		const timings = new RunTimings();
		for (const [age, reported] of [
			[3_000, 1_000],
			[3_000, 1_100],
			[3_000, 1_200],
			[3_000, 1_900],
		])
			timings.recordDone(age, reported);
		expect(timings.estimate()).toBe(1_900);
	});

	it('else the median age at which checks found tasks done, never below an age a task was still running at', () => {
		const timings = new RunTimings();
		for (const age of [2_000, 2_500, 9_000]) timings.recordDone(age);
		expect(timings.estimate()).toBe(2_500);
		timings.recordUnfinished(4_000);
		expect(timings.estimate()).toBe(4_000);
	});

	it('keeps the last 50 samples', () => {
		const timings = new RunTimings();
		for (let i = 0; i < 50; i++) timings.recordDone(10_000);
		for (let i = 0; i < 50; i++) timings.recordDone(1_000);
		expect(timings.estimate()).toBe(1_000);
	});

	it('tells waiting tasks when it learns, until they stop listening', () => {
		const timings = new RunTimings();
		const heard = jest.fn();
		const stop = timings.onLearned(heard);
		timings.recordUnfinished(1_000);
		timings.recordDone(2_000);
		stop();
		timings.recordDone(3_000);
		expect(heard).toHaveBeenCalledTimes(1);
	});
});

describe('Check Segmentation Task with Wait for Completion (the node checks first, then waits)', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	/**
	 * Runs the node's execute on a SellerPic task that is done 70 s after the node starts (the
	 * user's case: a SellerPic Segment without waiting before it), at the node's defaults, and
	 * returns when the task was checked.
	 */
	async function checkTimes(typeVersion: number): Promise<number[]> {
		const start = Date.now();
		const checks: number[] = [];
		const vendor: TaskVendor = {
			...sellerPicProfile,
			taskReader: async () => async (taskId) => {
				checks.push(Date.now() - start);
				const done = Date.now() - start >= 70_000;
				return {
					vendor: 'sellerpic',
					vendorName: 'SellerPic',
					taskId,
					status: done ? 'succeeded' : 'running',
					done,
					results: [],
					error: null,
					raw: {},
				};
			},
			downloadUrl: { properties: [], resolver: async () => await Promise.reject(new Error()) },
		};
		const parameters: Record<string, unknown> = {
			taskId: '1946000000000000123',
			[typeVersion < 1.1 ? 'waitUntilDone' : 'waitForCompletion']: true,
			pollInterval: sellerPicProfile.polling.pollIntervalSeconds,
			maxWait: sellerPicProfile.polling.maxWaitSeconds,
		};
		const context = {
			getInputData: () => [{ json: {} }],
			continueOnFail: () => false,
			getExecutionCancelSignal: () => undefined,
			getNode: () => ({ typeVersion }),
			getNodeParameter: (name: string, _item: number, fallback?: unknown) =>
				name in parameters ? parameters[name] : fallback,
		} as unknown as IExecuteFunctions;
		const run = checkSegmentationTasks(context, [vendor], { renamedIn: 1.1 });
		await jest.advanceTimersByTimeAsync(10 * 60_000);
		const [[item]] = await run;
		expect(item.json).toMatchObject({ status: 'succeeded', done: true });
		return checks;
	}

	it.each([1, 1.1])(
		"version %s: keeps SellerPic's minute between its own first check and the next",
		async (typeVersion) => {
			const checks = await checkTimes(typeVersion);
			expect(checks[0]).toBe(0);
			const gaps = checks.slice(1).map((at, index) => at - checks[index]);
			expect(gaps.every((gap) => gap >= 60_000)).toBe(true);
			expect(checks).toEqual([0, 60_000, 120_000]);
		},
	);
});
