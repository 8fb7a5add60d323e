import { VendorApiError } from '../errors';
import { createdNothing } from '../transport/outcome';
import { CapacityLimit } from './capacity-limit';
import { systemClock, type Clock } from './clock';
import { HoldOff } from './hold-off';
import { IDEMPOTENT_RETRY, retryDelayMs } from './retry';
import { cancellationError } from './sleep';
import { RecentSamples } from './recent-samples';
import { WaitingLine, type Ticket } from './waiting-line';

export type { Clock } from './clock';

/**
 * Creates sent at once, not yet answered: at most as many as the tasks the vendor already took, at
 * least this.
 */
const MIN_CREATES_IN_FLIGHT = 2;

/** No single wait is longer: a waiter looks again then (it is woken by every change anyway). */
const LONGEST_SLEEP_MS = 60_000;

export interface CreateOptions {
	/** How long the create may wait for the vendor to accept it, from the first try. */
	maxWaitMs: number;
	signal?: AbortSignal;
	/**
	 * The task is followed until done: it holds one of the account's places until `release` is
	 * called. Only a followed create waits under the node's Max Wait.
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

/**
 * The gate of one vendor account's capacity in this process, shared by the node runs that use the
 * account at the same time: it decides when each create goes. The vendor's cap counts every task
 * of the account, and plans differ, so the gate asks its parts:
 * - the limit (`CapacityLimit`): how many tasks this process may have at the vendor at once, from
 *   the plan's limit when the vendor reports it, else learned from refusals, and probed upwards;
 * - the line (`WaitingLine`): creates go in the order they came, a refused one keeping its place;
 * - the hold-off (`HoldOff`): after a refusal while this process held no task, when to try again;
 * - the durations (`RecentSamples`): how long tasks typically take (the median), for the hold-off.
 * Until a refusal (or the plan's limit), creates go out as the runs ask (each run keeps to its own
 * Max Concurrent Tasks). A refused create is sent again when a task of this process is seen done
 * (a place it knows is free), never before the refusal's Retry-After. Slow start: creates in
 * flight at once are at most the tasks the vendor holds (at least 2), or the plan's limit while the
 * limit is the plan's, so when
 * executions start together on a full account few creates are refused. Only refusals after which
 * the vendor surely created nothing (`createdNothing`) are retried, so no task is created twice.
 */
export class AccountCapacity {
	/** Tasks of this process the vendor holds: accepted, followed, not yet seen done. */
	private held = 0;

	/** Creates sent, not yet answered. */
	private sending = 0;

	/**
	 * Creates accepted whose tasks are not followed (they count for how many creates may be in
	 * flight).
	 */
	private acceptedUnfollowed = 0;

	private lastRefusal?: VendorApiError;

	private readonly line: WaitingLine;

	private readonly limitOf = new CapacityLimit(() => this.demand());

	private readonly holdOff: HoldOff;

	private readonly durations = new RecentSamples();

	constructor(private readonly clock: Clock = systemClock) {
		this.line = new WaitingLine(clock);
		this.holdOff = new HoldOff(() => clock.random());
	}

	/**
	 * The tasks this process may have at the vendor at once (Infinity until a refusal, or the
	 * plan's limit).
	 */
	get limit() {
		return this.limitOf.current;
	}

	get tasksHeld() {
		return this.held;
	}

	/** The median time from accepted create to seen done, once a task was seen done. */
	typicalDurationMs(): number | undefined {
		return this.durations.percentile(0.5);
	}

	/**
	 * The vendor reported the plan's limit on tasks at once: creates go out up to it at once, and
	 * no probe goes above it (the plan says it). Refusals still lower the limit (others' executions
	 * hold places); probes raise it back up to the plan's limit.
	 */
	knowPlanLimit(limit: number) {
		if (!Number.isInteger(limit) || limit < 1) return;
		this.limitOf.knowPlan(limit);
		this.line.changed();
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
		const ticket = this.line.join();
		let unreachable = 0;
		const tries: Tries = { refused: 0, followed: options.followed };
		for (;;) {
			await this.waitForTurn(ticket, startedAt, deadline, options.signal, tries);
			let failure: unknown;
			try {
				const value = await create();
				this.line.leave(ticket);
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
				this.line.leave(ticket);
				this.line.changed();
				throw failure;
			}
			if (failure.details.notSent) {
				ticket.state = 'away';
				this.line.changed();
				unreachable++;
				const delay = retryDelayMs(failure, unreachable, IDEMPOTENT_RETRY, () =>
					this.clock.random(),
				);
				if (unreachable >= IDEMPOTENT_RETRY.attempts || this.clock.now() + delay > deadline) {
					this.line.leave(ticket);
					throw failure;
				}
				await this.clock.sleep(delay, options.signal).catch((error: unknown) => {
					this.line.leave(ticket);
					throw error;
				});
				ticket.state = 'waiting';
				continue;
			}
			tries.refusal = failure;
			tries.refused++;
			this.refused(failure, ticket);
			// The refused create keeps its place: it goes before the creates that came after it.
			ticket.state = 'waiting';
			this.line.changed();
		}
	}

	/** Waits until `ticket` may be sent, then marks it as sending. */
	private async waitForTurn(
		ticket: Ticket,
		startedAt: number,
		deadline: number,
		signal: AbortSignal | undefined,
		tries: Tries,
	) {
		for (;;) {
			if (signal?.aborted) {
				this.line.leave(ticket);
				throw cancellationError(signal);
			}
			const now = this.clock.now();
			const limit = this.limitOf.current;
			// Slow start: until the vendor has taken some tasks, a few creates at a time, so a full
			// account refuses few of them. At the plan's limit none is needed: up to it at once (once
			// refusals lowered it, others hold places, and slow start is back).
			const inFlightAllowed = Math.max(
				MIN_CREATES_IN_FLIGHT,
				this.held,
				this.acceptedUnfollowed,
				this.limitOf.atPlan ? limit : 0,
			);
			const room =
				this.held + this.sending < limit &&
				this.sending < inFlightAllowed &&
				this.holdOff.isOpen(now);
			if (room && this.line.next(now) === ticket) {
				ticket.state = 'sending';
				this.sending++;
				this.line.changed();
				return;
			}
			// When the only thing in the way is time, and it lasts past the deadline, waiting is in vain.
			const opensAt = Math.max(this.holdOff.opensAt, ticket.notBefore);
			const blockedByTimeOnly = this.held + this.sending < limit && this.line.isFirst(ticket);
			if (now >= deadline || (blockedByTimeOnly && opensAt > deadline)) {
				this.line.leave(ticket);
				this.line.changed();
				throw this.gaveUp(tries, now - startedAt);
			}
			const wakeAt = Math.min(deadline, now + LONGEST_SLEEP_MS, ...this.timesThatOpen(now));
			await this.line.sleepUntilChanged(wakeAt - now, signal);
		}
	}

	/** The future times at which, with nothing else happening, a waiting create may go. */
	private timesThatOpen(now: number): number[] {
		const holdOffEnds = this.holdOff.opensAt;
		const times = this.line.notBefores().map((notBefore) => Math.max(notBefore, holdOffEnds));
		if (holdOffEnds > now) times.push(holdOffEnds);
		return times.filter((time) => time > now);
	}

	private accepted<T>(value: T, followed: boolean): AcceptedCreate<T> {
		this.sending--;
		if (this.holdOff.acceptedAfterHoldingNone() && this.held === 0) this.limitOf.forget();
		if (!followed) {
			this.acceptedUnfollowed++;
			this.line.changed();
			return { value, release: () => {} };
		}
		this.held++;
		this.limitOf.accepted(this.held, this.line.waiting > 0);
		// One create fewer in flight: the next may go.
		this.line.changed();
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
		const atLimit = this.line.waiting > 0 && this.held + this.sending >= this.limitOf.current;
		this.held--;
		this.holdOff.placeFreed();
		if (durationMs !== undefined) {
			this.durations.record(durationMs);
			this.limitOf.taskDone(atLimit);
		}
		this.line.changed();
	}

	/** Creates this process wants at the vendor: waiting, sent, or accepted and not yet done. */
	private demand() {
		return this.line.waiting + this.sending + this.held;
	}

	private refused(refusal: VendorApiError, ticket: Ticket) {
		this.lastRefusal = refusal;
		const now = this.clock.now();
		this.limitOf.refused(this.held + this.sending);
		const retryAfterMs = (refusal.details.retryAfterSeconds ?? 0) * 1000;
		ticket.notBefore = now + retryAfterMs;
		// Nothing of this process to wait for: another execution holds the places.
		if (this.held === 0)
			this.holdOff.refusedHoldingNone(now, retryAfterMs, this.durations.percentile(0.5));
	}

	private gaveUp(tries: Tries, waitedMs: number) {
		return giveUpError(tries.refusal ?? this.lastRefusal, {
			waitedMs,
			refused: tries.refused,
			limit: this.limitOf.current,
			planLimit: this.limitOf.planLimit,
			othersHeldAll: this.held === 0 && this.sending === 0 && tries.refused > 0,
			followed: tries.followed,
		});
	}
}

/** What one create tried. */
interface Tries {
	refused: number;
	refusal?: VendorApiError;
	followed: boolean;
}

export interface GiveUp {
	waitedMs: number;
	/** Times this create was refused. */
	refused: number;
	/** The limit as learned (Infinity: not learned). */
	limit: number;
	planLimit?: number;
	/** This process held no task when it gave up, after refusals: others held every place. */
	othersHeldAll: boolean;
	/** The create waited under the node's Max Wait. */
	followed: boolean;
}

/**
 * The one rule for a capacity give-up, whatever the vendor: it says how long it waited, what was
 * tried, the account's limit as learned, and the one thing to change. The vendor's own hint (what
 * its refusal means) comes first.
 */
export function giveUpError(failure: VendorApiError | undefined, giveUp: GiveUp): Error {
	const vendor = failure?.details.vendor ?? 'the vendor';
	const seconds = Math.round(giveUp.waitedMs / 100) / 10;
	const tried =
		giveUp.refused > 0
			? `it was refused ${times(giveUp.refused)}`
			: 'it waited behind the tasks already there and was not sent';
	const limit = learnedLimit(giveUp);
	const others = giveUp.othersHeldAll ? ', and other executions held every place' : '';
	const fix = giveUp.followed
		? 'Raise Max Wait, so that items wait longer for a place.'
		: 'Run fewer executions on this account at once.';
	const rule = `Gave up after waiting ${seconds} s for ${vendor} to accept the task: ${tried}; ${limit}${others}. ${fix}`;
	if (!failure) return new Error(`The vendor did not accept the task. ${rule}`);
	return failure.with({
		hint: failure.details.hint ? `${failure.details.hint} ${rule}` : rule,
	});
}

function learnedLimit({ limit, planLimit }: GiveUp) {
	if (!Number.isFinite(limit)) return 'the account refused before any task of this n8n was seen';
	if (planLimit !== undefined && limit >= planLimit)
		return `the plan runs ${tasks(planLimit)} at once, as the account reports`;
	return `the account took ${tasks(limit)} at once from this n8n, as learned from its refusals`;
}

const times = (count: number) => (count === 1 ? 'once' : `${count} times`);
const tasks = (count: number) => (count === 1 ? '1 task' : `${count} tasks`);

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
