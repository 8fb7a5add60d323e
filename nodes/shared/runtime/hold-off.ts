/**
 * How long tasks are taken to last while this process has seen none done. Waiting longer between
 * tries leaves places free that others' executions left (a refusal costs only the request).
 */
const UNKNOWN_TASK_DURATION_MS = 1_000;

/**
 * Decides when to try again after a refusal while this process held no task (others' executions
 * held every place, and no task of its own will be seen done to say one is free): about the
 * typical task duration, jittered over half to one and a half of it so processes do not retry in
 * step, or the Retry-After if longer.
 */
export class HoldOff {
	/** No create before this. */
	private until = 0;

	/** Refusals since the last accepted create that came while this process held nothing. */
	private refusals = 0;

	constructor(private readonly random: () => number) {}

	/** When creates may go again (0: now). */
	get opensAt() {
		return this.until;
	}

	isOpen(now: number) {
		return now >= this.until;
	}

	/** A refusal while this process held no task; a refusal during a hold-off does not extend it. */
	refusedHoldingNone(now: number, retryAfterMs: number, typicalDurationMs: number | undefined) {
		if (this.until > now) return;
		this.refusals++;
		const typical = typicalDurationMs ?? UNKNOWN_TASK_DURATION_MS;
		this.until = now + Math.max(retryAfterMs, typical * (0.5 + this.random()));
	}

	/** A task of this process was seen done or let go: a place is known free. */
	placeFreed() {
		this.until = 0;
	}

	/** A create was accepted: true when it came after refusals while this process held nothing. */
	acceptedAfterHoldingNone(): boolean {
		const after = this.refusals > 0;
		this.refusals = 0;
		return after;
	}
}
