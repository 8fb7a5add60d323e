/** The account check is a hint, not the work: it may not hold the run up longer than this. */
export const ACCOUNT_INFO_TIMEOUT_MS = 10_000;

/**
 * `max_concurrent_task_count` in the reply's `data`, else at its top level: a whole number of at
 * least 1, as a number or as text.
 */
export function planLimitIn(reply: unknown): number | undefined {
	const body = asObject(reply);
	return (
		wholeNumber(asObject(body?.data)?.max_concurrent_task_count) ??
		wholeNumber(body?.max_concurrent_task_count)
	);
}

function asObject(value: unknown): Record<string, unknown> | undefined {
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

function wholeNumber(value: unknown): number | undefined {
	if (typeof value === 'string' && !/^\s*\d+\s*$/.test(value)) return undefined;
	if (typeof value !== 'number' && typeof value !== 'string') return undefined;
	const number = Number(value);
	return Number.isInteger(number) && number >= 1 ? number : undefined;
}
