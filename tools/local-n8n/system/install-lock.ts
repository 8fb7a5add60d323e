/*
 * One installer at a time per cache entry: CI prefetches versions in the background while the
 * suite may ask for the same one, and several clones share the cache. A lock is a directory
 * holding the owner's pid; a lock whose owner is gone is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

export async function withInstallLock<T>(
	target: string,
	work: () => Promise<T>,
	waitMs = 30 * 60_000,
): Promise<T> {
	const lock = `${target}.lock`;
	const deadline = Date.now() + waitMs;
	for (;;) {
		try {
			mkdirSync(lock, { recursive: false });
			writeFileSync(`${lock}/pid`, String(process.pid));
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			if (!ownerAlive(lock)) {
				rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (Date.now() > deadline)
				throw new Error(`Gave up waiting for another install of ${target} (lock: ${lock})`);
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
	}
	try {
		return await work();
	} finally {
		rmSync(lock, { recursive: true, force: true });
	}
}

function ownerAlive(lock: string): boolean {
	let pid: number;
	try {
		pid = Number(readFileSync(`${lock}/pid`, 'utf8'));
	} catch {
		// Just created by its owner, pid not written yet.
		return true;
	}
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}
