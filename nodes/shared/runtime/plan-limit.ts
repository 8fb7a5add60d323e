import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Asks the vendor how many tasks the account's plan runs at once: a whole number of at least 1, or
 * undefined when the vendor does not say. May throw: the run then learns the limit from refusals.
 */
export type ReadPlanLimit = () => Promise<number | undefined>;

/** Answers kept for the executions running now; the oldest is forgotten first. */
const MAX_REMEMBERED = 256;

const remembered = new Map<string, Promise<number | undefined>>();

/**
 * The plan's limit for the account `accountKey`, asked at most once per execution in this process:
 * the Segment nodes and runs of one execution share the answer. Any failure (an error status, a
 * timeout, a reply that is not what was expected) reads as "not said".
 */
export async function planLimitOnce(
	context: IExecuteFunctions,
	accountKey: string,
	read: ReadPlanLimit,
): Promise<number | undefined> {
	const ask = async () => {
		try {
			const limit = await read();
			return limit !== undefined && Number.isInteger(limit) && limit >= 1 ? limit : undefined;
		} catch {
			return undefined;
		}
	};
	const executionId = context.getExecutionId();
	if (!executionId) return await ask();
	const key = `${executionId}\n${accountKey}`;
	let answer = remembered.get(key);
	if (!answer) {
		answer = ask();
		remembered.set(key, answer);
		const oldest = remembered.keys().next().value;
		if (remembered.size > MAX_REMEMBERED && oldest !== undefined) remembered.delete(oldest);
	}
	return await answer;
}
