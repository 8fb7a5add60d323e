import { VendorApiError } from '../errors';
import { RecentSamples } from './recent-samples';
import { cancellableSleep, cancellationError } from './sleep';
import type { SegmentationTask } from '../task/model';

export interface WaitOptions {
	/** The longest gap between two status checks of one task: the user's Poll Interval. */
	pollIntervalMs: number;
	/**
	 * The shortest gap between two checks of one task: the vendor's rule. A Poll Interval shorter
	 * than it wins (gaps never exceed the Poll Interval), so a user whose account allows faster
	 * checks gets them by lowering the Poll Interval.
	 */
	minPollIntervalMs: number;
	/**
	 * How long the vendor's tasks typically take: a guess, used while the run has learned nothing.
	 */
	expectedDurationMs?: number;
	maxWaitMs: number;
	/** The node that checks the vendor's tasks later, named in the Max Wait error. */
	checkNode: string;
	signal?: AbortSignal;
}

/**
 * What one node run learns about how long its tasks take, shared by its items: the durations
 * the vendor reports (its own task times), else the ages at which checks found tasks done, and
 * the greatest age at which a task was still unfinished. Items waiting for their first check
 * are woken when it learns something, so one finished task teaches the tasks still waiting.
 */
export class RunTimings {
	private readonly reported = new RecentSamples();

	private readonly foundDone = new RecentSamples();

	private stillRunningAt = 0;

	/** The youngest age at which a bisection probe found a task done. */
	private probedDoneAt = Infinity;

	/**
	 * The first-check age last given to a bisection probe: one probe for each state of what the run
	 * knows.
	 */
	private grantedProbeAt?: number;

	private readonly listeners = new Set<() => void>();

	/**
	 * `earlyProbe`: one task may check early while nothing is known (worth it when later tasks gain
	 * from it).
	 */
	constructor(private earlyProbe = false) {}

	/**
	 * A task was found done `ageMs` after it was created; `reportedMs`: how long the vendor says it
	 * took; `probe`: at a first check a bisection probe placed (see takeBisectionProbe).
	 */
	recordDone(ageMs: number, reportedMs?: number, probe = false) {
		(reportedMs === undefined ? this.foundDone : this.reported).record(reportedMs ?? ageMs);
		if (probe && reportedMs === undefined) this.probedDoneAt = Math.min(this.probedDoneAt, ageMs);
		for (const listener of [...this.listeners]) listener();
	}

	/** A task was still unfinished `ageMs` after it was created. */
	recordUnfinished(ageMs: number) {
		this.stillRunningAt = Math.max(this.stillRunningAt, ageMs);
	}

	/**
	 * When a task of this run is likely done: the 75th percentile of the durations the vendor
	 * reported (exact, so a check then rarely comes too early), else the median age at which
	 * checks found tasks done (or the youngest age at which a bisection probe found one done, if
	 * younger), never earlier than an age at which one was still running.
	 */
	estimate(): number | undefined {
		const reported = this.reported.percentile(0.75);
		if (reported !== undefined) return reported;
		const foundDone = this.foundDone.percentile(0.5);
		if (foundDone !== undefined)
			return Math.max(Math.min(foundDone, this.probedDoneAt), this.stillRunningAt);
		return undefined;
	}

	/**
	 * Without reported durations the run knows only that tasks were done by the estimate and still
	 * running at some younger age. Where that span is wider than three quarters of what a miss
	 * costs (the minimum gap between checks, `missCostMs`), one task checks first halfway, so the
	 * next tasks learn whether they are done sooner; a miss costs that task little more than what a
	 * hit saves each later task. Returns the
	 * age of that first check, once for each state of what the run knows; else undefined.
	 */
	takeBisectionProbe(missCostMs: number, ageMs: number): number | undefined {
		if (this.reported.count || !this.foundDone.count) return undefined;
		const doneBy = this.estimate()!;
		if (doneBy - this.stillRunningAt <= (missCostMs * 3) / 4) return undefined;
		const probeAt = (doneBy + this.stillRunningAt) / 2;
		if (probeAt <= ageMs || this.grantedProbeAt === probeAt) return undefined;
		this.grantedProbeAt = probeAt;
		return probeAt;
	}

	/** Whether this task may probe early while the run knows nothing: once per run. */
	takeEarlyProbe(): boolean {
		const granted = this.earlyProbe;
		this.earlyProbe = false;
		return granted;
	}

	/**
	 * Calls `listener` the next time the run learns when a task was done; returns a function that
	 * stops that.
	 */
	onLearned(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}
}

export class TaskTimeoutError extends VendorApiError {
	constructor(
		readonly task: SegmentationTask,
		maxWaitMs: number,
		checkNode: string,
	) {
		super(
			`${task.vendorName} task ${task.taskId} was not done after ${formatSeconds(maxWaitMs)} s (status: ${task.status})`,
			maxWaitDetails(task.vendorName, task.taskId, checkNode),
		);
		this.name = 'TaskTimeoutError';
	}
}

/**
 * What an error for a task not done within Max Wait carries: the task ID and how to get its result
 * later.
 */
export function maxWaitDetails(
	vendor: string,
	taskId: string,
	checkNode: string,
): VendorApiError['details'] {
	return {
		vendor,
		vendorCode: 'MAX_WAIT_EXCEEDED',
		taskId,
		hint: `The task may still finish at ${vendor}. Get its result later with ${checkNode} (task id ${taskId}), or raise Max Wait.`,
	};
}

/**
 * When to check one task. Its age is the time since it was created. Two kinds of vendor:
 * - Re-checks are cheap (the vendor's minimum gap is shorter than its typical duration,
 *   1 s): while the run has learned nothing, checks start at the minimum gap and stay there
 *   until the task reaches the typical duration, so the first finished task teaches the run.
 * - Every check that finds the task unfinished costs a long gap (a vendor that asks for a minute
 *   between checks of a task): the first check is placed where the task is likely done. While the
 *   run knows nothing, tasks check at the typical duration; where a miss costs more than that
 *   (the minimum gap is longer), one task per run probes at a quarter of it.
 * Once the run has learned when tasks are done, a task's first check comes then. Later gaps
 * start at the minimum and double, so checks are never closer than the minimum nor further
 * apart than the poll interval. The first check comes no later than the poll interval unless
 * the run has learned that tasks take longer.
 */
export class CheckSchedule {
	private readonly minGap: number;

	private readonly expected: number;

	private checks = 0;

	/**
	 * The gap once a task is late: from the minimum, doubling after each check, up to the poll
	 * interval.
	 */
	private lateGapMs: number;

	private lateGapUsed = false;

	private firstCheckAt?: number;

	/** A bisection probe's first check, once asked for (null: none given). */
	private probeAt?: number | null;

	constructor(
		private readonly options: WaitOptions,
		private readonly timings?: RunTimings,
	) {
		this.minGap = Math.min(options.minPollIntervalMs, options.pollIntervalMs);
		this.expected = Math.min(
			options.expectedDurationMs ?? options.pollIntervalMs,
			options.pollIntervalMs,
		);
		this.lateGapMs = this.minGap;
	}

	/**
	 * The wait before the next check of a task `ageMs` old, `sinceLastCheckMs` after its last check.
	 */
	nextDelay(ageMs: number, sinceLastCheckMs = ageMs): number {
		const learned = this.timings?.estimate();
		const cheapRechecks = this.minGap < this.expected;
		if (this.checks === 0) {
			// No check yet, so no gap to keep: when the task is likely done, or as early as is cheap.
			const firstAt =
				learned === undefined
					? cheapRechecks
						? this.minGap
						: this.plannedFirstCheck()
					: this.learnedFirstCheck(learned, ageMs);
			return Math.max(0, firstAt - ageMs);
		}
		let gap: number;
		if (learned !== undefined && ageMs < learned) gap = sinceLastCheckMs + (learned - ageMs);
		else if (learned === undefined && cheapRechecks && ageMs < this.expected) gap = this.minGap;
		else gap = this.lateGap();
		gap = Math.min(this.options.pollIntervalMs, Math.max(this.minGap, gap));
		return Math.max(0, gap - sinceLastCheckMs);
	}

	/** Whether the next check is a bisection probe's first check. */
	get probing(): boolean {
		return this.checks === 0 && typeof this.probeAt === 'number';
	}

	/** Call after each check that found the task unfinished, with the task's age when it was sent. */
	checked(ageMs: number) {
		this.timings?.recordUnfinished(ageMs);
		this.checks++;
		if (this.lateGapUsed)
			this.lateGapMs = Math.min(this.options.pollIntervalMs, this.lateGapMs * 2);
		this.lateGapUsed = false;
	}

	private lateGap() {
		this.lateGapUsed = true;
		return this.lateGapMs;
	}

	private learnedFirstCheck(learned: number, ageMs: number) {
		if (this.probeAt === undefined)
			this.probeAt = this.timings?.takeBisectionProbe(this.minGap, ageMs) ?? null;
		return typeof this.probeAt === 'number' ? Math.min(this.probeAt, learned) : learned;
	}

	private plannedFirstCheck() {
		if (this.firstCheckAt === undefined) {
			// A probe pays off only where a miss costs more than waiting for the typical duration.
			const probe = this.minGap > this.expected && this.timings?.takeEarlyProbe();
			this.firstCheckAt = probe ? this.expected / 4 : this.expected;
		}
		return this.firstCheckAt;
	}
}

/**
 * Checks a task until it is done, on its CheckSchedule, and teaches the run what it saw. `first`:
 * the task as its create returned it; undefined for a task known only by its ID (Check
 * Segmentation Task), which is checked at once, so the schedule's gaps count from that check. A
 * wait is cut short when the run learns something, then planned again. Stops on cancellation.
 */
export async function waitForTask(
	first: SegmentationTask | undefined,
	getTask: () => Promise<SegmentationTask>,
	options: WaitOptions,
	timings?: RunTimings,
): Promise<SegmentationTask> {
	const startedAt = Date.now();
	const age = () => Date.now() - startedAt;
	const schedule = new CheckSchedule(options, timings);
	let task = first;
	let lastCheckAt = startedAt;
	while (!task?.done) {
		if (task) {
			const delay = schedule.nextDelay(age(), Date.now() - lastCheckAt);
			const remaining = options.maxWaitMs - age();
			if (remaining < delay) {
				// The next check would fall after the deadline; checking sooner would break the interval.
				await cancellableSleep(Math.max(0, remaining), options.signal);
				throw new TaskTimeoutError(task, options.maxWaitMs, options.checkNode);
			}
			if (!(await sleepUnlessLearned(delay, options.signal, timings))) continue;
		}
		// The task's age when the check is sent: counting the reply time would push every later
		// first check a little later than the one before. The gap to the next check counts from
		// the reply, so it is never shorter at the vendor than the minimum.
		const checkedAge = age();
		const planned = task !== undefined;
		task = await getTask();
		lastCheckAt = Date.now();
		if (!task.done) schedule.checked(checkedAge);
		// A task done at the check that found it (its age unknown) teaches the run nothing.
		else if (planned) timings?.recordDone(checkedAge, task.durationMs, schedule.probing);
	}
	return task;
}

/** Sleeps `ms`; false when the run learned something first (the caller plans again). */
async function sleepUnlessLearned(
	ms: number,
	signal: AbortSignal | undefined,
	timings: RunTimings | undefined,
): Promise<boolean> {
	if (!timings) {
		await cancellableSleep(ms, signal);
		return true;
	}
	const learned = new AbortController();
	const stopListening = timings.onLearned(() => learned.abort());
	// The sleep ends early for one of two reasons, told apart by the signals: the execution was
	// cancelled, or the run learned something.
	const elapsed = await cancellableSleep(
		ms,
		signal ? AbortSignal.any([signal, learned.signal]) : learned.signal,
	).then(
		() => true,
		() => false,
	);
	stopListening();
	if (signal?.aborted) throw cancellationError(signal);
	return elapsed;
}

/** 900000 → "900", 300 → "0.3": whole seconds unless the wait was shorter than ten. */
export function formatSeconds(ms: number) {
	return ms >= 10_000 ? String(Math.round(ms / 1000)) : String(Math.round(ms / 100) / 10);
}
