/** Refused probes double the windows before the next, up to this many doublings. */
const MAX_PROBE_DOUBLINGS = 2;

/**
 * Decides how many tasks this process may have at the vendor at once (the limit), from what the
 * vendor says and does:
 * - Unknown (Infinity) until a refusal, unless the vendor reported the plan's limit: then it starts
 *   there.
 * - A capacity refusal sets it to the tasks of this process the vendor holds or may still accept,
 *   at least 1. A create accepted beyond it raises it to what is held.
 * - After a window of tasks (as many as the limit) seen done while creates wait at the limit, it
 *   is raised by one (a probe), never above the plan's limit. A refused probe doubles the windows
 *   before the next (up to four) while this process's demand holds steady: the account is as busy
 *   as before. When that demand has fallen since the last probe, a burst is draining, and other
 *   processes' executions, which took places this process cannot see, are likely draining too: it
 *   probes every window, and an accepted probe is followed by another at once while creates wait,
 *   until one is refused.
 */
export class CapacityLimit {
	private value = Infinity;

	/** The plan's limit, when the vendor reported it. */
	private plan?: number;

	/** The limit before a probe raised it, while the probe is not yet known to have worked. */
	private probedFrom?: number;

	/** Probes refused in a row, unless demand fell: each doubles the windows before the next. */
	private failedProbes = 0;

	private completionsAtLimit = 0;

	/** Windows of completions at the limit since the last probe. */
	private windowsSinceProbe = 0;

	/** This process's demand when it last probed. */
	private demandAtProbe = Infinity;

	/** The last probe came while this process's demand was falling. */
	private draining = false;

	/** `demand`: the creates this process wants at the vendor (waiting, sent, or held). */
	constructor(private readonly demand: () => number) {}

	get current() {
		return this.value;
	}

	/** The plan's limit, when the vendor reported it. */
	get planLimit() {
		return this.plan;
	}

	/** The limit is the plan's: no refusal has lowered it since it was set there. */
	get atPlan() {
		return this.plan !== undefined && this.value >= this.plan;
	}

	/** The plan says how many: the limit starts there (or stays lower, if refusals taught so). */
	knowPlan(limit: number) {
		this.plan = limit;
		if (this.value > limit) this.value = limit;
	}

	/** A capacity refusal while `ofThisProcess` tasks were held or sent. */
	refused(ofThisProcess: number) {
		if (this.probedFrom !== undefined)
			this.failedProbes = Math.min(MAX_PROBE_DOUBLINGS, this.failedProbes + 1);
		this.probedFrom = undefined;
		// Creates sent before this answer may still be accepted: they count as places of this process.
		this.value = Math.max(1, ofThisProcess);
		this.completionsAtLimit = 0;
	}

	/**
	 * Refused while it held nothing, this process learned only that others held every place; now
	 * one is free, and how many more is unknown: slow start finds out (up to the plan's limit).
	 */
	forget() {
		this.value = this.plan ?? Infinity;
		this.probedFrom = undefined;
		this.failedProbes = 0;
	}

	/** A followed create was accepted: `held` tasks of this process are at the vendor now. */
	accepted(held: number, createsWaiting: boolean) {
		// The vendor took this many at once (answers of creates sent together come in any order).
		if (held > this.value) this.value = held;
		if (this.probedFrom !== undefined && held > this.probedFrom) {
			// The probe's extra place was accepted: there may be more (another process left).
			this.probedFrom = undefined;
			this.failedProbes = 0;
			if (this.draining && createsWaiting) this.probe();
		}
	}

	/** A task of this process was seen done; `atLimit`: creates were waiting for its place. */
	taskDone(atLimit: boolean) {
		if (!atLimit || !Number.isFinite(this.value)) return;
		this.completionsAtLimit++;
		if (this.completionsAtLimit >= this.value) this.windowEnded();
	}

	/** As many tasks as the limit were seen done while creates waited at it. */
	private windowEnded() {
		this.completionsAtLimit = 0;
		this.windowsSinceProbe++;
		this.draining = this.demand() < this.demandAtProbe;
		if (this.draining || this.windowsSinceProbe >= 2 ** this.failedProbes) this.probe();
	}

	/** Lets one more create go than the limit: if the vendor accepts it, the limit is one higher. */
	private probe() {
		// The plan says how many: no probe above it.
		if (this.plan !== undefined && this.value >= this.plan) return;
		this.completionsAtLimit = 0;
		this.windowsSinceProbe = 0;
		this.demandAtProbe = this.demand();
		this.probedFrom = this.value;
		this.value++;
	}
}
