/* The no-API-key assertion every suite makes: no key in what a run kept, its errors or the log lines it wrote. */
import type { WorkflowRun } from '../harness/engine';
import { NODE_UNDER_TEST } from './workflows';

/** Everything a run kept (items, errors with their causes), as one string to search. */
export function dumpRun(run: WorkflowRun): string {
	return JSON.stringify(run.run, (_key, value: unknown) =>
		value instanceof Error
			? { ...value, name: value.name, message: value.message, stack: value.stack }
			: value,
	);
}

/** No key in the run's data (items, errors and their causes), in any item error or node error, or in any log line. Gives the dump it searched. */
export function expectKeysNowhere(run: WorkflowRun, keys: string[], logLines: string[] = []) {
	const dump = dumpRun(run);
	const error = run.nodeError(NODE_UNDER_TEST) as (Error & { description?: string }) | undefined;
	const errorText = `${error?.message ?? ''} ${error?.description ?? ''} ${error?.stack ?? ''}`;
	const itemErrors = (run.run.data.resultData.runData[NODE_UNDER_TEST]?.[0]?.data?.main?.[0] ?? [])
		.map((item) => `${String(item.json.error ?? '')} ${String(item.json.errorDescription ?? '')}`)
		.join(' ');
	for (const key of keys) {
		expect(dump).not.toContain(key);
		expect(errorText).not.toContain(key);
		expect(itemErrors).not.toContain(key);
		expect(logLines.filter((line) => line.includes(key))).toEqual([]);
	}
	return dump;
}
