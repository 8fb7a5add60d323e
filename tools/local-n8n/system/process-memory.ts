/*
 * A process's peak memory as Linux counts it: VmHWM in /proc/<pid>/status, the most resident
 * memory the process has had. Writing 5 to /proc/<pid>/clear_refs sets that peak back to the
 * memory it has now, so the peak of one step can be read on its own.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const MB = 1024 * 1024;

function statusField(pid: number, field: 'VmHWM' | 'VmRSS'): number {
	const line = readFileSync(`/proc/${pid}/status`, 'utf8')
		.split('\n')
		.find((entry) => entry.startsWith(`${field}:`));
	const kb = Number(/(\d+)\s*kB/.exec(line ?? '')?.[1]);
	if (!Number.isFinite(kb)) throw new Error(`No ${field} in /proc/${pid}/status`);
	return kb * 1024;
}

export interface PeakMemory<T> {
	result: T;
	/** Resident memory when the step began, in MB. */
	startMb: number;
	/** The most resident memory during the step, in MB. */
	peakMb: number;
}

/** Runs `step` and reports the peak resident memory of process `pid` meanwhile. */
export async function peakMemoryDuring<T>(
	pid: number,
	step: () => Promise<T>,
): Promise<PeakMemory<T>> {
	writeFileSync(`/proc/${pid}/clear_refs`, '5');
	const startMb = statusField(pid, 'VmRSS') / MB;
	const result = await step();
	return { result, startMb, peakMb: statusField(pid, 'VmHWM') / MB };
}
