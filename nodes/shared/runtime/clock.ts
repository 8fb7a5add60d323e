import { cancellableSleep } from './sleep';

/** Time and chance, replaceable so tests and the simulator control the order of events. */
export interface Clock {
	now(): number;
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	/** A number in [0, 1). */
	random(): number;
}

export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: cancellableSleep,
	random: () => Math.random(),
};
