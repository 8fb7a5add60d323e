/* Executions of a running `n8n start`, read from its SQLite database (n8n stores run data as flatted JSON). */
import { parse } from 'flatted';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { eventually } from '../system/wait';
import type { ExecutionRun } from './execution';

export interface StoredExecution extends ExecutionRun {
	id: number;
	waitTill: string | null;
}

export function readExecutions(userFolder: string, workflowId: string): StoredExecution[] {
	// n8n writes while this reads: wait for its locks instead of failing at once.
	const db = new DatabaseSync(join(userFolder, '.n8n', 'database.sqlite'), {
		readOnly: true,
		timeout: 5_000,
	});
	try {
		const rows = db
			.prepare(
				`SELECT e.id, e.status, e.finished, e.waitTill, d.data FROM execution_entity e
				 JOIN execution_data d ON d.executionId = e.id WHERE e.workflowId = ? ORDER BY e.id`,
			)
			.all(workflowId) as Array<{
			id: number;
			status: string;
			finished: number;
			waitTill: string | null;
			data: string;
		}>;
		return rows.map((row) => ({
			id: row.id,
			status: row.status,
			finished: Boolean(row.finished),
			waitTill: row.waitTill,
			data: parse(row.data) as ExecutionRun['data'],
		}));
	} finally {
		db.close();
	}
}

/** Polls the database until `check` finds what it waits for among the workflow's executions. */
export async function waitForExecutions<T>(
	userFolder: string,
	workflowId: string,
	check: (executions: StoredExecution[]) => T | undefined,
	timeoutMs = 30_000,
): Promise<T> {
	const states = () =>
		readExecutions(userFolder, workflowId).map(
			(execution) => `${execution.id}:${execution.status}`,
		);
	return await eventually(
		() => check(readExecutions(userFolder, workflowId)),
		() => `executions of ${workflowId} (have ${states().join(', ') || 'none'})`,
		timeoutMs,
		200,
	);
}
