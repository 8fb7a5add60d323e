/** How long a delivered task is remembered; PiAPI retries within seconds. */
const REMEMBER_MS = 60 * 60_000;
const MAX_REMEMBERED = 10_000;

/**
 * The task callbacks this n8n process delivered lately, so that a repeated delivery (PiAPI
 * retries, duplicates) starts the workflow once. In memory: with several webhook processes
 * (queue mode) a repeat that reaches another process is not recognised.
 */
export class RecentDeliveries {
	private readonly seen = new Map<string, number>();

	isFirst(key: string, now = Date.now()): boolean {
		const at = this.seen.get(key);
		if (at !== undefined && now - at < REMEMBER_MS) return false;
		this.seen.set(key, now);
		this.forgetOld(now);
		return true;
	}

	private forgetOld(now: number) {
		for (const [key, at] of this.seen) {
			if (this.seen.size <= MAX_REMEMBERED && now - at < REMEMBER_MS) break;
			this.seen.delete(key);
		}
	}
}
