import type { Clock } from './clock';

/** One create not yet accepted. */
export interface Ticket {
	/** Not sent before this time (the Retry-After of its last refusal). */
	notBefore: number;
	/**
	 * Waiting for its turn, sent and not yet answered, or away (pausing after a request that never
	 * reached the vendor): only waiting creates count as waiting, but each keeps its place.
	 */
	state: 'waiting' | 'sending' | 'away';
}

/**
 * Decides the order creates go in, and wakes the waiting ones: creates not yet accepted stay in
 * the order they came, a refused one keeping its place. Every change wakes every waiter, who
 * looks again.
 */
export class WaitingLine {
	private readonly tickets: Ticket[] = [];

	private readonly listeners = new Set<() => void>();

	constructor(private readonly clock: Clock) {}

	join(): Ticket {
		const ticket: Ticket = { notBefore: 0, state: 'waiting' };
		this.tickets.push(ticket);
		return ticket;
	}

	leave(ticket: Ticket) {
		const index = this.tickets.indexOf(ticket);
		if (index >= 0) this.tickets.splice(index, 1);
	}

	/** Creates waiting to be sent (not those sent). */
	get waiting() {
		return this.waitingTickets().length;
	}

	/** The first waiting create: nothing else is in its way in the line. */
	isFirst(ticket: Ticket) {
		return this.tickets.find((waiting) => waiting.state === 'waiting') === ticket;
	}

	/** The first waiting create that its Retry-After lets go at `now`; the others wait behind it. */
	next(now: number) {
		return this.tickets.find((waiting) => waiting.state === 'waiting' && waiting.notBefore <= now);
	}

	/** When each waiting create's Retry-After ends. */
	notBefores() {
		return this.waitingTickets().map((ticket) => ticket.notBefore);
	}

	private waitingTickets() {
		return this.tickets.filter((ticket) => ticket.state === 'waiting');
	}

	/** Wakes every waiter. */
	changed() {
		for (const wake of [...this.listeners]) wake();
	}

	/** Sleeps `ms`, or until something changes (a create answered, a task done, a waiter gone). */
	async sleepUntilChanged(ms: number, signal: AbortSignal | undefined) {
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
}
