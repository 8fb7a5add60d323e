import { VendorApiError } from '../errors';
import { IDEMPOTENT_RETRY, retryDelayMs } from './retry';
import { cancellableSleep, cancellationError } from './sleep';
import { createdNothing } from '../transport/outcome';

/**
 * How long tasks are taken to last while this process has seen none done. Waiting longer between
 * tries leaves places free that others' executions left (a refusal costs only the request).
 */
const UNKNOWN_TASK_DURATION_MS = 1_000;

/**
 * Creates sent at once, not yet answered: at most as many as the tasks the vendor already took, at
 * least this.
 */
const MIN_CREATES_IN_FLIGHT = 2;

/** Refused probes double the windows before the next, up to this many doublings. */
const MAX_PROBE_DOUBLINGS = 2;

/** No single wait is longer: a waiter looks again then (it is woken by every change anyway). */
const LONGEST_SLEEP_MS = 60_000;

const MAX_SAMPLES = 50;

/** Time and chance, replaceable so tests control the order of events. */
export interface Clock {
	now(): number;
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	/** A number in [0, 1). */
	random(): number;
}

const systemClock: Clock = {
	now: () => Date.now(),
	sleep: cancellableSleep,
	random: () => Math.random(),
};

export interface CreateOptions {
	/** How long the create may wait for the vendor to accept it, from the first try. */
	maxWaitMs: number;
	signal?: AbortSignal;
	/**
	 * The task is followed until done: it holds one of the account's places until `release` is
	 * called.
	 */
	followed: boolean;
}

export interface AcceptedCreate<T> {
	value: T;
	/**
	 * The task is no longer at the vendor (`finished`: it was seen done), or no longer followed.
	 * Idempotent.
	 */
	release(finished: boolean): void;
}

/** One create waiting for its turn. */
interface Ticket {
	/** When it came, among the creates of this capacity: the line keeps this order. */
	order: number;
	/** Not sent before this time (the Retry-After of its last refusal). */
	notBefore: number;
}

/**
 * What this process knows about one vendor account's capacity, shared by the node runs that use
 * the account at the same time. The vendor's cap counts every task of the account, and plans
 * differ, so the capacity is learned from the vendor's answers:
 * - Until the vendor refuses a create for capacity, creates go out as the runs ask (each run keeps
 *   to its own Max Concurrent Tasks).
 * - A capacity refusal sets the limit to the tasks of this process the vendor holds or may still
 *   accept (creates sent and not yet answered), at least 1. A create accepted beyond the limit
 *   raises it to what is held.
 * - A refused create is sent again when a task of this process is seen done (a place it knows is
 *   free), never before the refusal's Retry-After. When the process holds no task (others hold
 *   the places), the next create waits about the typical task duration learned here, with jitter,
 *   or the Retry-After if longer (1 s taken as the duration before any task was seen done).
 * - After a window of tasks (as many as the limit, about one task duration) is seen done while
 *   creates wait at the limit, the limit is raised by one (a probe). A refused probe doubles the
 *   windows before the next (up to four) while this process's own demand (creates waiting, sent
 *   or held) holds steady: the account is as busy as before. When that demand has fallen since
 *   the last probe, a burst is draining, and other processes' executions, which took places this
 *   process cannot see, are likely draining too: it probes every window, and an accepted probe is
 *   followed by another at once while creates wait, until one is refused.
 * - Slow start: creates in flight at once are at most the tasks the vendor holds (at least 2), so
 *   when executions start together on a full account few creates are refused. A create accepted
 *   after refusals while this process held nothing makes the limit unknown again (the others may
 *   have finished): slow start then finds the places free.
 * Creates are sent in the order they came, a refused one keeping its place. Only refusals after
 * which the vendor surely created nothing (`createdNothing`) are retried, so no task is created
 * twice.
 */
export class AccountCapacity {
	private limitValue = Infinity;

	/** Tasks of this process the vendor holds: accepted, followed, not yet seen done. */
	private held = 0;

	/** Creates sent, not yet answered. */
	private sending = 0;

	/**
	 * Creates accepted whose tasks are not followed (they count for how many creates may be in
	 * flight).
	 */
	private acceptedUnfollowed = 0;

	/** Creates waiting to be sent, in the order they came. */
	private readonly line: Ticket[] = [];

	private tickets = 0;

	/** No create before this, when a refusal came while this process held no task. */
	private holdingNoneUntil = 0;

	private refusalsHoldingNone = 0;

	private completionsAtLimit = 0;

	/** The limit before a probe raised it, while the probe is not yet known to have worked. */
	private probedFrom?: number;

	/** Probes refused in a row, unless demand fell: each doubles the windows before the next. */
	private failedProbes = 0;

	/** Windows of completions at the limit since the last probe. */
	private windowsSinceProbe = 0;

	/** The plan's limit, when the vendor reported it: the limit starts there and is not probed above it. */
	private planLimit?: number;

	/** This process's demand when it last probed. */
	private demandAtProbe = Infinity;

	/** The last probe came while this process's demand was falling. */
	private draining = false;

	private readonly durations: number[] = [];

	private lastRefusal?: VendorApiError;

	private readonly listeners = new Set<() => void>();

	/** Capacity refusals seen (for figures). */
	refusals = 0;

	constructor(private readonly clock: Clock = systemClock) {}

	/**
	 * The tasks this process may have at the vendor at once (Infinity until a refusal, or the
	 * plan's limit).
	 */
	get limit() {
		return this.limitValue;
	}

	/**
	 * The vendor reported the plan's limit on tasks at once: creates go out up to it at once, and
	 * no probe goes above it (the plan says it). Refusals still lower the limit (others' executions
	 * hold places); probes raise it back up to the plan's limit.
	 */
	knowPlanLimit(limit: number) {
		if (!Number.isInteger(limit) || limit < 1) return;
		this.planLimit = limit;
		if (this.limitValue > limit) this.limitValue = limit;
		this.changed();
	}

	get tasksHeld() {
		return this.held;
	}

	/** The median time from accepted create to seen done, once a task was seen done. */
	typicalDurationMs(): number | undefined {
		if (!this.durations.length) return undefined;
		const sorted = [...this.durations].sort((a, b) => a - b);
		return sorted[Math.floor(sorted.length / 2)];
	}

	/**
	 * Sends `create` when the account has room, again after capacity refusals, until the vendor
	 * accepts it or `maxWaitMs` has passed (then fails with the refusal). Requests that never
	 * reached the vendor are tried `IDEMPOTENT_RETRY.attempts` times, so a wrong base URL fails
	 * fast. Any other error is thrown as it is.
	 */
	async create<T>(create: () => Promise<T>, options: CreateOptions): Promise<AcceptedCreate<T>> {
		const startedAt = this.clock.now();
		const deadline = startedAt + options.maxWaitMs;
		const ticket: Ticket = { order: this.tickets++, notBefore: 0 };
		this.line.push(ticket);
		let unreachable = 0;
		let refusal: VendorApiError | undefined;
		for (;;) {
			await this.waitForTurn(ticket, startedAt, deadline, options.signal, refusal);
			let failure: unknown;
			try {
				const value = await create();
				return this.accepted(value, options.followed);
			} catch (error) {
				failure = error;
			}
			this.sending--;
			if (
				!(failure instanceof VendorApiError) ||
				!createdNothing(failure) ||
				options.signal?.aborted
			) {
				this.changed();
				throw failure;
			}
			if (failure.details.notSent) {
				this.changed();
				unreachable++;
				const delay = retryDelayMs(failure, unreachable, IDEMPOTENT_RETRY);
				if (unreachable >= IDEMPOTENT_RETRY.attempts || this.clock.now() + delay > deadline)
					throw failure;
				await this.clock.sleep(delay, options.signal);
				this.rejoinLine(ticket);
				continue;
			}
			refusal = failure;
			this.refused(failure, ticket);
			// The refused create keeps its place: it goes before the creates that came after it.
			this.rejoinLine(ticket);
			this.changed();
		}
	}

	/** Waits until `ticket` may be sent, then takes it out of the line as sending. */
	private async waitForTurn(
		ticket: Ticket,
		startedAt: number,
		deadline: number,
		signal: AbortSignal | undefined,
		refusal: VendorApiError | undefined,
	) {
		for (;;) {
			if (signal?.aborted) {
				this.leaveLine(ticket);
				throw cancellationError(signal);
			}
			const now = this.clock.now();
			// Slow start: until the vendor has taken some tasks, a few creates at a time, so a full
			// account refuses few of them.
			// A limit the plan states needs no slow start: creates go out up to it at once.
			const inFlightAllowed = Math.max(
				MIN_CREATES_IN_FLIGHT,
				this.held,
				this.acceptedUnfollowed,
				this.planLimit ?? 0,
			);
			const room =
				this.held + this.sending < this.limitValue &&
				this.sending < inFlightAllowed &&
				now >= this.holdingNoneUntil;
			// The first in line that its Retry-After lets go; the others wait behind it.
			const next = room ? this.line.find((waiting) => waiting.notBefore <= now) : undefined;
			if (next === ticket) {
				this.leaveLine(ticket);
				this.sending++;
				this.changed();
				return;
			}
			// When the only thing in the way is time, and it lasts past the deadline, waiting is in vain.
			const opensAt = Math.max(this.holdingNoneUntil, ticket.notBefore);
			const blockedByTimeOnly =
				this.held + this.sending < this.limitValue && this.line[0] === ticket;
			if (now >= deadline || (blockedByTimeOnly && opensAt > deadline)) {
				this.leaveLine(ticket);
				this.changed();
				throw gaveUp(refusal ?? this.lastRefusal, now - startedAt);
			}
			const wakeAt = Math.min(deadline, now + LONGEST_SLEEP_MS, ...this.timesThatOpen(now));
			await this.sleepUntilChanged(wakeAt - now, signal);
		}
	}

	/** The future times at which, with nothing else happening, a waiting create may go. */
	private timesThatOpen(now: number): number[] {
		const times = this.line.map((waiting) => Math.max(waiting.notBefore, this.holdingNoneUntil));
		if (this.holdingNoneUntil > now) times.push(this.holdingNoneUntil);
		return times.filter((time) => time > now);
	}

	private rejoinLine(ticket: Ticket) {
		const after = this.line.findIndex((waiting) => waiting.order > ticket.order);
		this.line.splice(after < 0 ? this.line.length : after, 0, ticket);
	}

	private leaveLine(ticket: Ticket) {
		const index = this.line.indexOf(ticket);
		if (index >= 0) this.line.splice(index, 1);
	}

	private accepted<T>(value: T, followed: boolean): AcceptedCreate<T> {
		this.sending--;
		if (this.refusalsHoldingNone > 0 && this.held === 0) {
			// Refused while it held nothing, this process learned only that others held every place;
			// now one is free, and how many more is unknown: slow start finds out (up to the plan's).
			this.limitValue = this.planLimit ?? Infinity;
			this.probedFrom = undefined;
			this.failedProbes = 0;
		}
		this.refusalsHoldingNone = 0;
		if (!followed) {
			this.acceptedUnfollowed++;
			this.changed();
			return { value, release: () => {} };
		}
		this.held++;
		// The vendor took this many at once (answers of creates sent together come in any order).
		if (this.held > this.limitValue) this.limitValue = this.held;
		if (this.probedFrom !== undefined && this.held > this.probedFrom) {
			// The probe's extra place was accepted: there may be more (another process left).
			this.probedFrom = undefined;
			this.failedProbes = 0;
			if (this.draining && this.line.length > 0) this.probe();
		}
		// One create fewer in flight: the next may go.
		this.changed();
		const acceptedAt = this.clock.now();
		let released = false;
		return {
			value,
			release: (finished: boolean) => {
				if (released) return;
				released = true;
				this.ended(finished ? this.clock.now() - acceptedAt : undefined);
			},
		};
	}

	private ended(durationMs: number | undefined) {
		// Creates were waiting for this place: the limit held them back.
		const atLimit = this.line.length > 0 && this.held + this.sending >= this.limitValue;
		this.held--;
		// A place is known free: a refused create need not wait for time to pass.
		this.holdingNoneUntil = 0;
		if (durationMs !== undefined) {
			push(this.durations, durationMs);
			if (atLimit && Number.isFinite(this.limitValue)) {
				this.completionsAtLimit++;
				if (this.completionsAtLimit >= this.limitValue) this.windowEnded();
			}
		}
		this.changed();
	}

	/** As many tasks as the limit were seen done while creates waited at it. */
	private windowEnded() {
		this.completionsAtLimit = 0;
		this.windowsSinceProbe++;
		this.draining = this.demand() < this.demandAtProbe;
		if (this.planLimit !== undefined && this.limitValue >= this.planLimit) return;
		if (this.draining || this.windowsSinceProbe >= 2 ** this.failedProbes) this.probe();
	}

	/** Lets one more create go than the limit: if the vendor accepts it, the limit is one higher. */
	private probe() {
		this.completionsAtLimit = 0;
		this.windowsSinceProbe = 0;
		this.demandAtProbe = this.demand();
		this.probedFrom = this.limitValue;
		this.limitValue++;
	}

	/** Creates this process wants at the vendor: waiting, sent, or accepted and not yet done. */
	private demand() {
		return this.line.length + this.sending + this.held;
	}

	private refused(refusal: VendorApiError, ticket: Ticket) {
		this.refusals++;
		this.lastRefusal = refusal;
		const now = this.clock.now();
		if (this.probedFrom !== undefined)
			this.failedProbes = Math.min(MAX_PROBE_DOUBLINGS, this.failedProbes + 1);
		this.probedFrom = undefined;
		// Creates sent before this answer may still be accepted: they count as places of this process.
		this.limitValue = Math.max(1, this.held + this.sending);
		this.completionsAtLimit = 0;
		const retryAfterMs = (refusal.details.retryAfterSeconds ?? 0) * 1000;
		ticket.notBefore = now + retryAfterMs;
		if (this.held === 0 && this.holdingNoneUntil <= now) {
			// Nothing of this process to wait for: another execution holds the places.
			this.refusalsHoldingNone++;
			this.holdingNoneUntil = now + Math.max(retryAfterMs, this.waitHoldingNone());
		}
	}

	/**
	 * About the typical duration, jittered over half to one and a half of it, so processes do not
	 * retry in step.
	 */
	private waitHoldingNone() {
		const typical = this.typicalDurationMs() ?? UNKNOWN_TASK_DURATION_MS;
		return typical * (0.5 + this.clock.random());
	}

	/** Sleeps `ms`, or until something changes (a create answered, a task done, a waiter gone). */
	private async sleepUntilChanged(ms: number, signal: AbortSignal | undefined) {
		const changed = new AbortController();
		const wake = () => changed.abort();
		this.listeners.add(wake);
		try {
			await this.clock.sleep(
				Math.max(0, ms),
				signal ? AbortSignal.any([signal, changed.signal]) : changed.signal,
			);
		} catch {
			// Woken or cancelled: the caller looks again.
		} finally {
			this.listeners.delete(wake);
		}
	}

	private changed() {
		for (const wake of [...this.listeners]) wake();
	}
}

function push(samples: number[], value: number) {
	samples.push(value);
	if (samples.length > MAX_SAMPLES) samples.shift();
}

function gaveUp(failure: VendorApiError | undefined, waitedMs: number) {
	const waited = `Gave up after waiting ${Math.round(waitedMs / 100) / 10} s for the vendor to accept the task.`;
	if (!failure) return new Error(`The vendor did not accept the task. ${waited}`);
	return failure.with({
		hint: failure.details.hint ? `${failure.details.hint} ${waited}` : waited,
	});
}

/**
 * The account's capacity for the node runs of this process using it at once; forgotten when the
 * last one leaves.
 */
const accounts = new Map<string, { capacity: AccountCapacity; runs: number }>();

/**
 * Joins the node runs that use the account `key` (its credential) in this process now: they share
 * what they learn of its capacity. Call `leave` when the run ends.
 */
export function joinAccount(key: string): { capacity: AccountCapacity; leave: () => void } {
	let entry = accounts.get(key);
	if (!entry) {
		entry = { capacity: new AccountCapacity(), runs: 0 };
		accounts.set(key, entry);
	}
	entry.runs++;
	const joined = entry;
	let left = false;
	return {
		capacity: joined.capacity,
		leave: () => {
			if (left) return;
			left = true;
			joined.runs--;
			if (joined.runs === 0 && accounts.get(key) === joined) accounts.delete(key);
		},
	};
}
