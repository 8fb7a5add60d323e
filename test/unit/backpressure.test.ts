import type { IExecuteFunctions } from 'n8n-workflow';

import { VendorApiError } from '../../nodes/shared/errors';
import {
	AccountCapacity,
	joinAccount,
	type AcceptedCreate,
} from '../../nodes/shared/runtime/backpressure';
import { Semaphore } from '../../nodes/shared/runtime/concurrency';
import { RunTimings } from '../../nodes/shared/runtime/polling';
import { runTask, type SegmentRun } from '../../nodes/shared/runtime/segment-run';
import type { SegmentationTask } from '../../nodes/shared/task/model';
import { settle, VirtualClock } from '../support/virtual-clock';

const capacityRefusal = (retryAfterSeconds?: number) =>
	new VendorApiError('PiAPI answered HTTP 429: concurrency limit reached', {
		vendor: 'PiAPI',
		httpStatus: 429,
		atCapacity: true,
		retryAfterSeconds,
	});

/** A vendor account with a cap on tasks at once; `others` are tasks of other executions on the account. */
class FakeAccount {
	cap: number;

	others = 0;

	retryAfterSeconds?: number;

	readonly running = new Set<number>();

	/** Every create request, with the time it was sent. */
	readonly sent: number[] = [];

	refused = 0;

	private lastId = 0;

	constructor(
		cap: number,
		private readonly clock: VirtualClock,
	) {
		this.cap = cap;
	}

	readonly create = async (): Promise<number> => {
		this.sent.push(this.clock.now());
		await Promise.resolve();
		if (this.running.size + this.others >= this.cap) {
			this.refused++;
			throw capacityRefusal(this.retryAfterSeconds);
		}
		const id = ++this.lastId;
		this.running.add(id);
		return id;
	};
}

/** Starts a create and keeps what came of it. */
function start(
	capacity: AccountCapacity,
	account: FakeAccount,
	options: { maxWaitMs?: number; signal?: AbortSignal } = {},
) {
	const started = {
		accepted: undefined as AcceptedCreate<number> | undefined,
		error: undefined as unknown,
	};
	const promise = capacity
		.create(account.create, {
			maxWaitMs: options.maxWaitMs ?? 600_000,
			signal: options.signal,
			followed: true,
		})
		.then(
			(accepted) => {
				started.accepted = accepted;
			},
			(error: unknown) => {
				started.error = error;
			},
		);
	return Object.assign(started, { promise });
}

/** The task ends at the vendor and is seen done by its run. */
function finish(account: FakeAccount, started: { accepted?: AcceptedCreate<number> }) {
	account.running.delete(started.accepted!.value);
	started.accepted!.release(true);
}

describe('AccountCapacity', () => {
	let clock: VirtualClock;
	let capacity: AccountCapacity;

	beforeEach(() => {
		clock = new VirtualClock();
		capacity = new AccountCapacity(clock);
	});

	it('sends every create at once while the vendor refuses none', async () => {
		const account = new FakeAccount(10, clock);
		const creates = Array.from({ length: 8 }, () => start(capacity, account));
		await settle();
		expect(creates.every((create) => create.accepted)).toBe(true);
		expect(account.sent).toHaveLength(8);
		expect(capacity.limit).toBe(Infinity);
	});

	it('after a refusal, lowers its limit to the tasks the vendor accepted, and sends nothing on a timer while it holds some', async () => {
		const account = new FakeAccount(3, clock);
		const creates = Array.from({ length: 8 }, () => start(capacity, account));
		await settle();
		expect(creates.filter((create) => create.accepted)).toHaveLength(3);
		// Slow start: 2 creates, then as many as were accepted; the fourth was refused.
		expect(account.sent).toHaveLength(4);
		expect(account.refused).toBe(1);
		expect(capacity.limit).toBe(3);
		expect(capacity.tasksHeld).toBe(3);
		await clock.advance(10 * 60_000);
		expect(account.sent).toHaveLength(4);
	});

	it('slow start: sends at most as many creates at once as the vendor holds tasks, at least 2', async () => {
		let inFlight = 0;
		let peak = 0;
		const answers: Array<() => void> = [];
		let lastId = 0;
		const create = async () => {
			inFlight++;
			peak = Math.max(peak, inFlight);
			await new Promise<void>((resolve) => answers.push(resolve));
			inFlight--;
			return ++lastId;
		};
		const creates = Array.from({ length: 12 }, () =>
			capacity.create(create, { maxWaitMs: 60_000, followed: true }),
		);
		const waves: number[] = [];
		await settle();
		while (answers.length) {
			waves.push(answers.length);
			for (const answer of answers.splice(0)) answer();
			await settle();
		}
		await Promise.all(creates);
		expect(waves).toEqual([2, 2, 4, 4]);
		expect(peak).toBe(4);
	});

	it('sends a refused create as soon as one of its tasks is seen done, in the order the creates came', async () => {
		const account = new FakeAccount(2, clock);
		const creates = Array.from({ length: 5 }, () => start(capacity, account));
		await settle();
		expect(creates.map((create) => Boolean(create.accepted))).toEqual([
			true,
			true,
			false,
			false,
			false,
		]);
		expect(account.sent).toHaveLength(4);
		finish(account, creates[0]);
		await settle();
		expect(account.sent).toHaveLength(5);
		expect(creates.map((create) => Boolean(create.accepted))).toEqual([
			true,
			true,
			true,
			false,
			false,
		]);
		expect(account.refused).toBe(2);
		finish(account, creates[1]);
		finish(account, creates[2]);
		await settle();
		expect(creates.every((create) => create.accepted)).toBe(true);
		// No create was refused after the limit was learned.
		expect(account.refused).toBe(2);
		expect(clock.now()).toBe(0);
	});

	it("never sends a refused create before the vendor's Retry-After", async () => {
		const account = new FakeAccount(1, clock);
		account.retryAfterSeconds = 5;
		const first = start(capacity, account);
		const second = start(capacity, account);
		await settle();
		expect(second.accepted).toBeUndefined();
		await clock.advance(1_000);
		finish(account, first);
		await clock.advanceTo(4_999);
		expect(account.sent).toHaveLength(2);
		await clock.advanceTo(5_000);
		expect(account.sent).toEqual([0, 0, 5_000]);
		expect(second.accepted).toBeDefined();
	});

	it('holding no task (other executions hold the places), retries around the typical duration it learned, with jitter', async () => {
		const account = new FakeAccount(5, clock);
		// Two tasks of 2 s teach the typical duration.
		for (let task = 0; task < 2; task++) {
			const create = start(capacity, account);
			await settle();
			await clock.advance(2_000);
			finish(account, create);
		}
		expect(capacity.typicalDurationMs()).toBe(2_000);
		account.others = 5;
		const sentBefore = account.sent.length;
		clock.nextRandom = 0.25;
		const waiting = start(capacity, account);
		await settle();
		const refusedAt = clock.now();
		// 0.5 + 0.25 of the typical duration.
		await clock.advanceTo(refusedAt + 1_499);
		expect(account.sent).toHaveLength(sentBefore + 1);
		clock.nextRandom = 0.9;
		await clock.advanceTo(refusedAt + 1_500);
		expect(account.sent).toHaveLength(sentBefore + 2);
		// Refused again: now 1.4 × 2 s later.
		account.others = 4;
		await clock.advanceTo(refusedAt + 1_500 + 2_799);
		expect(account.sent).toHaveLength(sentBefore + 2);
		await clock.advanceTo(refusedAt + 1_500 + 2_800);
		expect(account.sent).toHaveLength(sentBefore + 3);
		expect(waiting.accepted).toBeDefined();
	});

	it('holding no task and having learned nothing, tries one create about every second (the Retry-After when longer)', async () => {
		const account = new FakeAccount(0, clock);
		// The longest jitter: 1.5 s less a millisecond.
		clock.nextRandom = 0.999;
		const creates = Array.from({ length: 3 }, () => start(capacity, account));
		await settle();
		expect(account.sent).toHaveLength(2);
		await clock.advance(1_498);
		expect(account.sent).toHaveLength(2);
		await clock.advance(1);
		expect(account.sent).toHaveLength(3);
		await clock.advance(1_499);
		expect(account.sent).toHaveLength(4);
		await clock.advance(1_499);
		expect(account.sent).toHaveLength(5);
		account.retryAfterSeconds = 30;
		await clock.advance(1_499);
		expect(account.sent).toHaveLength(6);
		await clock.advance(29_000);
		expect(account.sent).toHaveLength(6);
		await clock.advance(1_000);
		expect(account.sent).toHaveLength(7);
		expect(creates.some((create) => create.accepted || create.error)).toBe(false);
	});

	it('once a create refused while it held nothing is accepted, finds the free places again (the others may have finished)', async () => {
		const account = new FakeAccount(5, clock);
		account.others = 5;
		const creates = Array.from({ length: 6 }, () => start(capacity, account));
		await settle();
		expect(capacity.limit).toBe(1);
		account.others = 0;
		await clock.advance(1_000);
		expect(creates.filter((create) => create.accepted)).toHaveLength(5);
		expect(capacity.limit).toBe(5);
	});

	it('gives up at Max Wait with the refusal named', async () => {
		const account = new FakeAccount(0, clock);
		const create = start(capacity, account, { maxWaitMs: 10_000 });
		await clock.advance(20_000);
		expect(create.error).toBeInstanceOf(VendorApiError);
		const error = create.error as VendorApiError;
		expect(error.message).toBe('PiAPI answered HTTP 429: concurrency limit reached');
		expect(error.details.hint).toBe(
			`Gave up after waiting 10 s for PiAPI to accept the task: it was refused ${account.sent.length} times; the account took 1 task at once from this n8n, as learned from its refusals, and other executions held every place. Raise Max Wait, so that items wait longer for a place.`,
		);
		expect(account.sent.length).toBeGreaterThan(1);
		expect(account.sent.every((at) => at <= 10_000)).toBe(true);
	});

	it('gives up at Max Wait while waiting behind the limit, naming the refusal that set it', async () => {
		const account = new FakeAccount(1, clock);
		start(capacity, account);
		const refused = start(capacity, account, { maxWaitMs: 600_000 });
		await settle();
		const behind = start(capacity, account, { maxWaitMs: 3_000 });
		await clock.advance(3_000);
		expect((behind.error as VendorApiError).message).toBe(
			'PiAPI answered HTTP 429: concurrency limit reached',
		);
		expect(refused.error).toBeUndefined();
		expect(account.sent).toHaveLength(2);
	});

	it('gives up behind the limit saying the create was never sent, the limit learned, and what to change', async () => {
		const account = new FakeAccount(1, clock);
		start(capacity, account);
		start(capacity, account);
		await settle();
		const behind = start(capacity, account, { maxWaitMs: 3_000 });
		await clock.advance(3_000);
		expect((behind.error as VendorApiError).details.hint).toBe(
			'Gave up after waiting 3 s for PiAPI to accept the task: it waited behind the tasks already there and was not sent; the account took 1 task at once from this n8n, as learned from its refusals. Raise Max Wait, so that items wait longer for a place.',
		);
	});

	it("names the plan's limit the vendor reported when giving up behind it", async () => {
		capacity.knowPlanLimit(2);
		const account = new FakeAccount(2, clock);
		start(capacity, account);
		start(capacity, account);
		await settle();
		const behind = start(capacity, account, { maxWaitMs: 5_000 });
		await clock.advance(5_000);
		expect(account.refused).toBe(0);
		expect((behind.error as Error).message).toBe(
			'The vendor did not accept the task. Gave up after waiting 5 s for the vendor to accept the task: it waited behind the tasks already there and was not sent; the plan runs 2 tasks at once, as the account reports. Raise Max Wait, so that items wait longer for a place.',
		);
	});

	it('tells a create that waited without Max Wait (the task not followed) to run fewer executions', async () => {
		const account = new FakeAccount(0, clock);
		const failed = capacity
			.create(account.create, { maxWaitMs: 4_000, followed: false })
			.catch((error: unknown) => error as VendorApiError);
		await clock.advance(10_000);
		const hint = ((await failed) as VendorApiError).details.hint;
		expect(hint).toMatch(
			/^Gave up after waiting 4 s for PiAPI to accept the task: it was refused \d+ times; .*\. Run fewer executions on this account at once\.$/,
		);
	});

	it("starts at the plan's limit the vendor reported: that many creates at once, none refused", async () => {
		capacity.knowPlanLimit(4);
		const account = new FakeAccount(4, clock);
		const creates = Array.from({ length: 8 }, () => start(capacity, account));
		await settle();
		// Without the plan's limit, slow start would send 2 first.
		expect(creates.filter((create) => create.accepted)).toHaveLength(4);
		expect(account.sent).toHaveLength(4);
		expect(account.refused).toBe(0);
		expect(capacity.limit).toBe(4);
	});

	it("never probes above the plan's limit, however long the burst", async () => {
		capacity.knowPlanLimit(2);
		const account = new FakeAccount(10, clock);
		const creates = Array.from({ length: 10 }, () => start(capacity, account));
		await settle();
		const { refusalsAt, highestLimit } = await completeTasks(account, creates, 30, true);
		expect(refusalsAt).toEqual([]);
		expect(highestLimit).toBe(2);
		expect(account.running.size).toBe(2);
	});

	it("lowered by refusals (others hold places), probes back up to the plan's limit and no further", async () => {
		capacity.knowPlanLimit(3);
		const account = new FakeAccount(3, clock);
		account.others = 1;
		const creates = Array.from({ length: 30 }, () => start(capacity, account));
		await settle();
		expect(capacity.limit).toBe(2);
		account.others = 0;
		const { highestLimit } = await completeTasks(account, creates, 12, false);
		expect(highestLimit).toBe(3);
		expect(capacity.limit).toBe(3);
		expect(account.refused).toBe(1);
	});

	it("after refusals while it held nothing, an accepted create brings the limit back to the plan's, not to unknown", async () => {
		capacity.knowPlanLimit(3);
		const account = new FakeAccount(3, clock);
		account.others = 3;
		const creates = Array.from({ length: 5 }, () => start(capacity, account));
		await settle();
		expect(capacity.limit).toBe(1);
		account.others = 0;
		await clock.advance(1_000);
		expect(creates.filter((create) => create.accepted)).toHaveLength(3);
		expect(capacity.limit).toBe(3);
	});

	it("ignores a plan's limit that is not a whole number of at least 1", () => {
		capacity.knowPlanLimit(0);
		capacity.knowPlanLimit(1.5);
		expect(capacity.limit).toBe(Infinity);
	});

	/**
	 * Finishes `count` tasks one at a time (each replaced by a new create when `replace`), and
	 * returns after which completions a create was refused, and the highest limit seen.
	 */
	async function completeTasks(
		account: FakeAccount,
		creates: Array<ReturnType<typeof start>>,
		count: number,
		replace: boolean,
	) {
		const limits: number[] = [];
		const refusalsAt: number[] = [];
		let refusedBefore = account.refused;
		for (let done = 1; done <= count; done++) {
			finish(
				account,
				creates.find((create) => create.accepted && account.running.has(create.accepted.value))!,
			);
			if (replace) creates.push(start(capacity, account));
			await settle();
			limits.push(capacity.limit);
			if (account.refused > refusedBefore) refusalsAt.push(done);
			refusedBefore = account.refused;
		}
		return { refusalsAt, highestLimit: Math.max(...limits) };
	}

	it('while its demand holds steady, probes one more place after a window of tasks seen done at the limit, and slower after each refused probe', async () => {
		const account = new FakeAccount(2, clock);
		const creates = Array.from({ length: 10 }, () => start(capacity, account));
		await settle();
		expect(capacity.limit).toBe(2);
		// Every task seen done is replaced by a new create: the burst goes on.
		const { refusalsAt, highestLimit } = await completeTasks(account, creates, 30, true);
		// A window is as many completions as the limit (2): a probe after 1 window (refused), then 2,
		// then 4, then every 4.
		expect(refusalsAt).toEqual([2, 6, 14, 22, 30]);
		expect(highestLimit).toBe(2);
	});

	it('while its demand falls (the burst is draining, so others may leave places), probes every window', async () => {
		const account = new FakeAccount(2, clock);
		const creates = Array.from({ length: 40 }, () => start(capacity, account));
		await settle();
		expect(capacity.limit).toBe(2);
		const { refusalsAt, highestLimit } = await completeTasks(account, creates, 12, false);
		expect(refusalsAt).toEqual([2, 4, 6, 8, 10, 12]);
		expect(highestLimit).toBe(2);
	});

	it('while draining, takes every place another process left at once: an accepted probe is followed by the next until one is refused', async () => {
		const account = new FakeAccount(4, clock);
		account.others = 2;
		const creates = Array.from({ length: 20 }, () => start(capacity, account));
		await settle();
		expect(capacity.limit).toBe(2);
		const refusedAtStart = account.refused;
		// The other process's executions end.
		account.others = 0;
		await completeTasks(account, creates, 2, false);
		expect(account.running.size).toBe(4);
		expect(capacity.limit).toBe(4);
		// Two probes accepted, the third refused.
		expect(account.refused).toBe(refusedAtStart + 1);
	});

	it('keeps a probed place the vendor accepts, and takes creates accepted beyond its limit as the new limit', async () => {
		const account = new FakeAccount(2, clock);
		const creates = Array.from({ length: 20 }, () => start(capacity, account));
		await settle();
		expect(capacity.limit).toBe(2);
		expect(account.refused).toBe(2);
		account.cap = 3;
		for (let done = 0; done < 4; done++) {
			finish(
				account,
				creates.find((create) => create.accepted && account.running.has(create.accepted.value))!,
			);
			await settle();
		}
		expect(capacity.limit).toBe(3);
		expect(account.running.size).toBe(3);
		// The probe after the accepted one was refused.
		expect(account.refused).toBe(3);
	});

	it('sends a create whose outcome is unknown once: the error is thrown and the next create goes', async () => {
		const unknown = new VendorApiError('PiAPI answered HTTP 502: bad gateway', {
			vendor: 'PiAPI',
			httpStatus: 502,
		});
		let calls = 0;
		const failing = capacity.create(
			async () => {
				calls++;
				throw unknown;
			},
			{ maxWaitMs: 60_000, followed: true },
		);
		await expect(failing).rejects.toBe(unknown);
		await clock.advance(60_000);
		expect(calls).toBe(1);
		const account = new FakeAccount(1, clock);
		expect(
			(await capacity.create(account.create, { maxWaitMs: 1_000, followed: true })).value,
		).toBe(1);
	});

	it('stops waiting when the execution is cancelled, and lets the next create go', async () => {
		const account = new FakeAccount(1, clock);
		const first = start(capacity, account);
		const controller = new AbortController();
		const cancelled = start(capacity, account, { signal: controller.signal });
		const next = start(capacity, account);
		await settle();
		controller.abort(new Error('The execution was cancelled'));
		await settle();
		expect((cancelled.error as Error).message).toBe('The execution was cancelled');
		finish(account, first);
		await settle();
		expect(next.accepted).toBeDefined();
	});
});

describe('joinAccount', () => {
	it('gives node runs on the same account in this process one capacity, forgotten once the last run leaves', () => {
		const first = joinAccount('sellerPicApi:1');
		const second = joinAccount('sellerPicApi:1');
		const other = joinAccount('piApiApi:1');
		expect(second.capacity).toBe(first.capacity);
		expect(other.capacity).not.toBe(first.capacity);
		first.leave();
		first.leave();
		expect(joinAccount('sellerPicApi:1').capacity).toBe(second.capacity);
		second.leave();
		second.leave();
		other.leave();
		// Still one run in: the one joined after first left.
		const again = joinAccount('sellerPicApi:1');
		expect(again.capacity).toBe(second.capacity);
	});

	it('starts afresh when no run uses the account', () => {
		const first = joinAccount('piApiApi:fresh');
		first.leave();
		const later = joinAccount('piApiApi:fresh');
		expect(later.capacity).not.toBe(first.capacity);
		later.leave();
	});
});

describe('runTask', () => {
	it('keeps at most Max Concurrent Tasks at the vendor however much the vendor would take', async () => {
		const capacity = new AccountCapacity(new VirtualClock());
		const run = {
			context: { getExecutionCancelSignal: () => undefined } as unknown as IExecuteFunctions,
			client: undefined,
			taskSlots: new Semaphore(3),
			uploadSlots: new Semaphore(3),
			capacity,
			timings: new RunTimings(),
		} satisfies SegmentRun<undefined>;
		const atVendor = new Set<string>();
		const ended = new Set<string>();
		let peak = 0;
		const task = (taskId: string, done: boolean): SegmentationTask => ({
			vendor: 'piapi',
			vendorName: 'PiAPI',
			taskId,
			status: done ? 'succeeded' : 'running',
			done,
			results: [],
			error: null,
			raw: {},
		});
		const calls = (taskId: string) => ({
			create: async () => {
				atVendor.add(taskId);
				peak = Math.max(peak, atVendor.size);
				return task(taskId, false);
			},
			getTask: async () => {
				const done = ended.has(taskId);
				if (done) atVendor.delete(taskId);
				return task(taskId, done);
			},
		});
		const waitOptions = {
			pollIntervalMs: 1,
			minPollIntervalMs: 1,
			maxWaitMs: 60_000,
			checkNode: 'Check Segmentation Task',
		};
		const tasks = Array.from({ length: 10 }, (_, index) =>
			runTask(run, calls(`t${index}`), waitOptions),
		);
		for (let round = 0; round < 200 && ended.size < 10; round++) {
			await new Promise((resolve) => setTimeout(resolve, 2));
			const running = [...atVendor].find((taskId) => !ended.has(taskId));
			if (running) ended.add(running);
		}
		expect((await Promise.all(tasks)).map((done) => done.taskId)).toEqual(
			Array.from({ length: 10 }, (_, index) => `t${index}`),
		);
		expect(peak).toBe(3);
		expect(capacity.limit).toBe(Infinity);
		expect(capacity.tasksHeld).toBe(0);
	});
});
