/* Time for tests of code that takes a Clock: it moves only when the test moves it. */
import type { Clock } from '../../nodes/shared/runtime/clock';

/** Lets every pending promise callback and queued I/O callback run. */
export async function settle(rounds = 20) {
	for (let round = 0; round < rounds; round++)
		await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Virtual time: sleeps end in the order of their end time (those ending together, in the order
 * they began), each once everything that can run before it has run. `random` is `nextRandom`
 * unless a generator is given.
 */
export class VirtualClock implements Clock {
	time = 0;

	nextRandom = 0.5;

	private timers: Array<{ at: number; order: number; resolve: () => void }> = [];

	private timersMade = 0;

	constructor(private readonly generator?: () => number) {}

	now() {
		return this.time;
	}

	random() {
		return this.generator ? this.generator() : this.nextRandom;
	}

	async sleep(ms: number, signal?: AbortSignal) {
		await new Promise<void>((resolve, reject) => {
			if (signal?.aborted) return reject(new Error('aborted'));
			const timer = { at: this.time + Math.max(0, ms), order: this.timersMade++, resolve };
			this.timers.push(timer);
			signal?.addEventListener(
				'abort',
				() => {
					this.timers = this.timers.filter((other) => other !== timer);
					reject(new Error('aborted'));
				},
				{ once: true },
			);
		});
	}

	/** Runs every sleep that ends by `end`, then sets the time to `end`. */
	async advanceTo(end: number) {
		for (;;) {
			await settle();
			const due = this.nextTimer();
			if (!due || due.at > end) break;
			this.wake(due);
		}
		this.time = end;
		await settle();
	}

	async advance(ms: number) {
		await this.advanceTo(this.time + ms);
	}

	/** Runs sleeps in order until `done` settles. */
	async runUntil(done: Promise<unknown>) {
		let finished = false;
		void done.finally(() => (finished = true));
		for (;;) {
			await settle(3);
			if (finished) return;
			const next = this.nextTimer();
			if (!next) throw new Error('nothing left to wake, and not done');
			this.wake(next);
		}
	}

	private nextTimer() {
		let next = this.timers[0];
		for (const timer of this.timers)
			if (timer.at < next.at || (timer.at === next.at && timer.order < next.order)) next = timer;
		return next;
	}

	private wake(timer: { at: number; resolve: () => void }) {
		this.timers = this.timers.filter((other) => other !== timer);
		this.time = Math.max(this.time, timer.at);
		timer.resolve();
	}
}
