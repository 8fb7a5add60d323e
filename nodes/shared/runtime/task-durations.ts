/** How many of the latest durations the estimate keeps. */
const MAX_SAMPLES = 50;

/** Decides how long the account's tasks typically take: the median of the latest seen done. */
export class TaskDurations {
	private readonly latest: number[] = [];

	record(durationMs: number) {
		this.latest.push(durationMs);
		if (this.latest.length > MAX_SAMPLES) this.latest.shift();
	}

	/** The median time from accepted create to seen done, once a task was seen done. */
	typicalMs(): number | undefined {
		if (!this.latest.length) return undefined;
		const sorted = [...this.latest].sort((a, b) => a - b);
		return sorted[Math.floor(sorted.length / 2)];
	}
}
