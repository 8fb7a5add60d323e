import { VendorApiError } from './errors';
import { cancellableSleep } from './sleep';
import { VENDOR_NAMES, type SegmentationTask } from './task';

export interface WaitOptions {
	/** The longest gap between two status checks of one task (the user's Poll Interval). */
	pollIntervalMs: number;
	/** The shortest gap between two checks of one task: the vendor's minimum. Defaults to pollIntervalMs. */
	minPollIntervalMs?: number;
	/** When to check first while no task of this run has finished yet: the vendor's typical duration. */
	expectedDurationMs?: number;
	maxWaitMs: number;
	signal?: AbortSignal;
}

/**
 * Learns how long tasks take within one node run, so the first status check of the next
 * task can come near its expected finish instead of a full interval late.
 */
export class TaskDurations {
	private readonly samples: number[] = [];

	record(ms: number) {
		this.samples.push(ms);
		if (this.samples.length > 50) this.samples.shift();
	}

	/** The median seen so far, or undefined before any task finished. */
	estimate(): number | undefined {
		if (!this.samples.length) return undefined;
		const sorted = [...this.samples].sort((a, b) => a - b);
		return sorted[Math.floor(sorted.length / 2)];
	}
}

export class TaskTimeoutError extends VendorApiError {
	constructor(readonly task: SegmentationTask, maxWaitMs: number) {
		const vendor = VENDOR_NAMES[task.vendor];
		super(`${vendor} task ${task.taskId} was not done after ${formatSeconds(maxWaitMs)} s (status: ${task.status})`, {
			vendor,
			vendorCode: 'MAX_WAIT_EXCEEDED',
			hint: `The task may still finish at ${vendor}. Get its result later with Check Segmentation Task (task id ${task.taskId}), or raise Max Wait.`,
		});
		this.name = 'TaskTimeoutError';
	}
}

/**
 * The waits before each status check of one task. The first check comes at the expected finish:
 * how long the tasks this run already finished took (`learnedMs`), else the vendor's typical
 * duration, at most one poll interval. Later gaps start at the vendor's minimum and double up to
 * the poll interval, so checks are never closer together than the minimum.
 */
export function* checkDelays(options: WaitOptions, learnedMs?: number): Generator<number, never> {
	const minGap = Math.min(options.minPollIntervalMs ?? options.pollIntervalMs, options.pollIntervalMs);
	yield learnedMs ?? Math.min(options.pollIntervalMs, options.expectedDurationMs ?? options.pollIntervalMs);
	for (let gap = minGap; ; gap = Math.min(options.pollIntervalMs, gap * 2)) yield gap;
}

/** Checks a task until it is done, on the schedule of `checkDelays`. Stops on cancellation. */
export async function waitForTask(
	first: SegmentationTask,
	getTask: () => Promise<SegmentationTask>,
	options: WaitOptions,
	durations?: TaskDurations,
): Promise<SegmentationTask> {
	const startedAt = Date.now();
	const delays = checkDelays(options, durations?.estimate());
	let task = first;
	let checkedAt: number | undefined;
	while (!task.done) {
		const delay = delays.next().value;
		const remaining = options.maxWaitMs - (Date.now() - startedAt);
		if (remaining < delay) {
			// The next check would fall after the deadline; checking sooner would break the interval.
			await cancellableSleep(Math.max(0, remaining), options.signal);
			throw new TaskTimeoutError(task, options.maxWaitMs);
		}
		await cancellableSleep(delay, options.signal);
		checkedAt = Date.now();
		task = await getTask();
	}
	// When the deciding check was sent, not when its reply came: counting the reply time would
	// push every later first check a little later than the one before.
	if (checkedAt !== undefined) durations?.record(checkedAt - startedAt);
	return task;
}

/** 900000 → "900", 300 → "0.3": whole seconds unless the wait was shorter than ten. */
export function formatSeconds(ms: number) {
	return ms >= 10_000 ? String(Math.round(ms / 1000)) : String(Math.round(ms / 100) / 10);
}
