/*
 * Queue mode in simulated time: several n8n workers, each its own process with its own
 * AccountCapacity, pull one-item executions from a shared queue and create their tasks on one
 * vendor account with a cap. Time is virtual (a run of minutes takes milliseconds) and chance is
 * seeded, so a case gives the same figures every time.
 */
import { VendorApiError } from '../../nodes/shared/errors';
import { AccountCapacity } from '../../nodes/shared/runtime/backpressure';
import { VirtualClock } from './virtual-clock';

/** A deterministic generator of numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export interface QueueCase {
	executions: number;
	workers: number;
	/** Executions each worker runs at once (n8n's worker concurrency). */
	workerConcurrency: number;
	vendorCap: number;
	taskMs: number;
	/** Retry-After the vendor sends with a capacity refusal (none: undefined). */
	retryAfterSeconds?: number;
	/** Gap between two status checks of one task. */
	pollMs: number;
	/** From an execution's start to its create: n8n's own work and the node's before the create. */
	startMs: [min: number, max: number];
	/** One request's time there and back. */
	requestMs: [min: number, max: number];
	/**
	 * How a worker meets the vendor's cap: the package's limiter (default), or a plain retry of each
	 * refused create after its Retry-After (`PLAIN_RETRY_DEFAULT_MS` when the vendor sends none).
	 */
	limiter?: 'account-capacity' | 'plain-retry';
	/** The plan's limit the account reports to each worker (PiAPI's GET /account/info); none: undefined. */
	planLimit?: number;
	seed: number;
}

/** The plain retry's wait when the vendor sends no Retry-After. */
export const PLAIN_RETRY_DEFAULT_MS = 1_000;

/** The first worker to run out of executions, and what the other did with the places it left. */
export interface RunOut {
	/** When the first worker's last execution ended (the queue was empty by then). */
	atMs: number;
	/** The other worker's executions not yet ended then. */
	otherRemaining: number;
	/** The other worker's tasks at the vendor then. */
	otherHeldThen: number;
	/** The other worker's creates the vendor accepted after then. */
	otherAcceptedAfter: number;
	/** The most tasks the other worker had at the vendor at once before then. */
	otherPeakBefore: number;
	/** The most tasks the other worker had at the vendor at once after then. */
	otherPeakAfter: number;
}

export interface QueueResult {
	/** From the first execution's start to the last one's end. */
	wallMs: number;
	/** ⌈executions / cap⌉ · task duration. */
	idealMs: number;
	refusals: number;
	peakAtVendor: number;
	executionsPerWorker: number[];
	/** Each create as the vendor answered it: worker, `+` accepted or `-` refused, seconds. */
	creates: string[];
	/** With two workers or more: the places of the first to run out of work. */
	runOut?: RunOut;
}

/**
 * The queue-mode suite's case: 30 one-item executions on two workers of 10, cap 5, tasks of 1 s,
 * Poll Interval 0.5 s; n8n's start to the create and a request's round trip as its traces show.
 */
export const QUEUE_SUITE_CASE: Omit<QueueCase, 'seed'> = {
	executions: 30,
	workers: 2,
	workerConcurrency: 10,
	vendorCap: 5,
	taskMs: 1_000,
	pollMs: 500,
	startMs: [700, 1_100],
	requestMs: [10, 60],
};

/** Runs one case to the end. */
export async function simulateQueue(spec: QueueCase): Promise<QueueResult> {
	const random = seededRandom(spec.seed);
	const clock = new VirtualClock(random);
	const between = ([min, max]: [number, number]) => min + random() * (max - min);
	const endsAt = new Map<number, number>();
	let refusals = 0;
	let peakAtVendor = 0;
	let lastId = 0;
	const atVendor = () => [...endsAt.values()].filter((end) => end > clock.now()).length;

	const creates: string[] = [];
	const tasks: Array<{ worker: number; at: number; end: number }> = [];
	const executionEnds: Array<{ worker: number; at: number }> = [];
	const note = (worker: number, sign: string) =>
		creates.push(`${worker}${sign}${(clock.now() / 1000).toFixed(2)}`);
	const create = async (worker: number): Promise<number> => {
		await clock.sleep(between(spec.requestMs) / 2);
		if (atVendor() >= spec.vendorCap) {
			refusals++;
			note(worker, '-');
			await clock.sleep(between(spec.requestMs) / 2);
			throw new VendorApiError('HTTP 429: concurrency limit reached', {
				vendor: 'Vendor',
				httpStatus: 429,
				atCapacity: true,
				retryAfterSeconds: spec.retryAfterSeconds,
			});
		}
		note(worker, '+');
		const id = ++lastId;
		endsAt.set(id, clock.now() + spec.taskMs);
		tasks.push({ worker, at: clock.now(), end: clock.now() + spec.taskMs });
		peakAtVendor = Math.max(peakAtVendor, atVendor());
		await clock.sleep(between(spec.requestMs) / 2);
		return id;
	};
	const isDone = async (id: number) => {
		await clock.sleep(between(spec.requestMs) / 2);
		const done = endsAt.get(id)! <= clock.now();
		await clock.sleep(between(spec.requestMs) / 2);
		return done;
	};

	let waiting = spec.executions;
	const perWorker = Array<number>(spec.workers).fill(0);
	const runExecution = async (worker: number, capacity: AccountCapacity) => {
		await clock.sleep(between(spec.startMs));
		const created =
			spec.limiter === 'plain-retry'
				? { value: await plainRetry(async () => await create(worker)), release: () => {} }
				: await capacity.create(async () => await create(worker), {
						maxWaitMs: 600_000,
						followed: true,
					});
		do await clock.sleep(spec.pollMs);
		while (!(await isDone(created.value)));
		created.release(true);
		executionEnds.push({ worker, at: clock.now() });
	};
	const plainRetry = async (send: () => Promise<number>): Promise<number> => {
		for (;;) {
			try {
				return await send();
			} catch {
				const asked = spec.retryAfterSeconds;
				await clock.sleep(asked === undefined ? PLAIN_RETRY_DEFAULT_MS : asked * 1000);
			}
		}
	};
	const workerSlot = async (worker: number, capacity: AccountCapacity) => {
		// n8n's workers take jobs from the queue in no fixed order.
		await clock.sleep(random() * 50);
		while (waiting > 0) {
			waiting--;
			perWorker[worker]++;
			await runExecution(worker, capacity);
		}
	};
	const all = Promise.all(
		Array.from({ length: spec.workers }, (_, worker) => {
			const capacity = new AccountCapacity(clock);
			if (spec.planLimit !== undefined) capacity.knowPlanLimit(spec.planLimit);
			return Array.from({ length: spec.workerConcurrency }, () => workerSlot(worker, capacity));
		}).flat(),
	);
	await clock.runUntil(all);
	return {
		wallMs: clock.now(),
		idealMs: Math.ceil(spec.executions / spec.vendorCap) * spec.taskMs,
		refusals,
		peakAtVendor,
		executionsPerWorker: perWorker,
		creates,
		runOut: spec.workers > 1 ? runOutOf(tasks, executionEnds) : undefined,
	};
}

function runOutOf(
	tasks: Array<{ worker: number; at: number; end: number }>,
	executionEnds: Array<{ worker: number; at: number }>,
): RunOut {
	const lastEnd = new Map<number, number>();
	for (const end of executionEnds)
		lastEnd.set(end.worker, Math.max(lastEnd.get(end.worker) ?? 0, end.at));
	const [first, atMs] = [...lastEnd].reduce((a, b) => (b[1] < a[1] ? b : a));
	const other = tasks.filter((task) => task.worker !== first);
	const heldAt = (time: number) =>
		other.filter((task) => task.at <= time && task.end > time).length;
	const peak = (from: number, to: number) =>
		Math.max(0, ...other.filter((t) => t.at >= from && t.at < to).map((t) => heldAt(t.at)));
	return {
		atMs,
		otherRemaining: executionEnds.filter((end) => end.worker !== first && end.at > atMs).length,
		otherHeldThen: heldAt(atMs),
		otherAcceptedAfter: other.filter((task) => task.at > atMs).length,
		otherPeakBefore: peak(0, atMs),
		otherPeakAfter: peak(atMs, Infinity),
	};
}
