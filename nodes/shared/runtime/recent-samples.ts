/** How many of the latest samples are kept. */
const MAX_SAMPLES = 50;

/** The latest durations (or ages) seen, for estimates that follow the vendor's current pace. */
export class RecentSamples {
	private readonly latest: number[] = [];

	record(value: number) {
		this.latest.push(value);
		if (this.latest.length > MAX_SAMPLES) this.latest.shift();
	}

	get count() {
		return this.latest.length;
	}

	/** The sample below which `share` of them lie (0.5: the median); undefined while there is none. */
	percentile(share: number): number | undefined {
		if (!this.latest.length) return undefined;
		const sorted = [...this.latest].sort((a, b) => a - b);
		return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))];
	}
}
