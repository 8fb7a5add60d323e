import type { IExecuteFunctions } from 'n8n-workflow';

import { CheckSchedule, RunTimings, type WaitOptions } from '../../nodes/shared/runtime/polling';
import { CheckSegmentationTask } from '../../nodes/CheckSegmentationTask/CheckSegmentationTask.node';
import { PiApiSegment } from '../../nodes/PiApiSegment/PiApiSegment.node';
import { SellerPicSegment } from '../../nodes/SellerPicSegment/SellerPicSegment.node';
import { readWaitOptions } from '../../nodes/shared/parameters/read';
import { checkSegmentationTasks } from '../../nodes/shared/task-nodes/check-task.execute';
import type { TaskVendor } from '../../nodes/shared/task/vendor';
import { piApiProfile } from '../../nodes/vendors/piapi/profile';
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
	minPollIntervalMs: 60_000,
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

/**
 * Check Segmentation Task's execute on one SellerPic task that is done `doneAtMs` after the node
 * starts (a SellerPic Segment without waiting before it), in fake time: when the task was checked.
 */
async function sellerPicCheckTimes({
	typeVersion = 1.1,
	pollInterval = sellerPicProfile.polling.pollIntervalSeconds,
	doneAtMs = 70_000,
} = {}): Promise<number[]> {
	const start = Date.now();
	const checks: number[] = [];
	const vendor: TaskVendor = {
		...sellerPicProfile,
		taskReader: async () => async (taskId) => {
			checks.push(Date.now() - start);
			const done = Date.now() - start >= doneAtMs;
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
		pollInterval,
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
	await jest.advanceTimersByTimeAsync(15 * 60_000);
	const [[item]] = await run;
	expect(item.json).toMatchObject({ status: 'succeeded', done: true });
	return checks;
}

const gapsBetween = (times: number[]) => times.slice(1).map((at, index) => at - times[index]);

describe('Check Segmentation Task with Wait for Completion, SellerPic (fake time)', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	it.each([1, 1.1])(
		"version %s, at the defaults: keeps SellerPic's minute between the node's own first check and the next",
		async (typeVersion) => {
			const checks = await sellerPicCheckTimes({ typeVersion });
			expect(gapsBetween(checks).every((gap) => gap >= 60_000)).toBe(true);
			expect(checks).toEqual([0, 60_000, 120_000]);
		},
	);

	it("Poll Interval is the longest gap, as for PiAPI: above SellerPic's minute, checks start a minute apart and slow down to it", async () => {
		const checks = await sellerPicCheckTimes({ pollInterval: 150, doneAtMs: 200_000 });
		expect(gapsBetween(checks)).toEqual([60_000, 120_000, 150_000]);
	});

	it('a Poll Interval below the minute (an account allowed faster checks) checks that often', async () => {
		const checks = await sellerPicCheckTimes({ pollInterval: 20, doneAtMs: 50_000 });
		expect(checks).toEqual([0, 20_000, 40_000, 60_000]);
	});
});

describe('Poll Interval: one meaning on every node, for every vendor', () => {
	const nodes = [new CheckSegmentationTask(), new SellerPicSegment(), new PiApiSegment()].map(
		({ description }) => description,
	);

	it('is described first as the longest gap between two checks of a task, then by the vendor rule that bears on it', () => {
		const descriptions = nodes.flatMap(({ properties }) =>
			properties
				.filter(({ name }) => name === 'pollInterval')
				.map(({ description }) => description),
		);
		// Check Segmentation Task shows one per vendor and version; each Segment node one.
		expect(descriptions).toHaveLength(6);
		for (const description of descriptions)
			expect(description).toMatch(/^Longest time between two status checks of one task\. \S/);
		expect(descriptions).toContainEqual(
			expect.stringContaining('SellerPic asks for at least 60 seconds between checks of a task'),
		);
	});

	it.each([
		['SellerPic', sellerPicProfile, 60_000],
		['PiAPI', piApiProfile, 1_000],
	] as const)(
		"%s: the vendor's minimum gap is a rule of its own, not the Poll Interval",
		(_name, profile, minGapMs) => {
			const parameters: Record<string, number> = { pollInterval: 120, maxWait: 900 };
			const context = {
				getNodeParameter: (name: string) => parameters[name],
				getExecutionCancelSignal: () => undefined,
			} as unknown as IExecuteFunctions;
			expect(readWaitOptions(context, 0, profile)).toMatchObject({
				pollIntervalMs: 120_000,
				minPollIntervalMs: minGapMs,
			});
		},
	);
});
