/** Samples the process's resident memory while a run goes on. */
export class RssSampler {
	private readonly baseline = process.memoryUsage().rss;

	private peak = this.baseline;

	private readonly timer = setInterval(() => {
		this.peak = Math.max(this.peak, process.memoryUsage().rss);
	}, 50);

	stop() {
		clearInterval(this.timer);
		this.peak = Math.max(this.peak, process.memoryUsage().rss);
		return { baselineMb: this.baseline / 2 ** 20, peakMb: this.peak / 2 ** 20 };
	}
}
