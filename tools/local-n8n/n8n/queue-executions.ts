/*
 * What the queue-mode n8n stored in PostgreSQL: executions with their run data (flatted JSON, as
 * n8n stores it), and the bytes of binary data kept in the database.
 */
import { parse } from 'flatted';

import type { BinaryMeta } from './binary-storage';
import type { ExecutionRun } from './execution';
import type { StoredExecution } from './executions-db';
import { eventually } from '../system/wait';
import type { PostgresServer } from '../services/postgres-server';

/** Statuses after which an execution changes no more. */
const ENDED = ['success', 'error', 'crashed', 'canceled'];

const sqlText = (value: string): string => `'${value.replace(/'/g, "''")}'`;

export async function readExecutions(
	postgres: PostgresServer,
	workflowId: string,
): Promise<StoredExecution[]> {
	const json = await postgres.query(
		`SELECT coalesce(json_agg(row ORDER BY row.id), '[]') FROM (
			SELECT e.id, e.status, e.finished, e."waitTill", d.data FROM execution_entity e
			JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = ${sqlText(workflowId)}
		) row`,
	);
	const rows = JSON.parse(json) as Array<{
		id: number;
		status: string;
		finished: boolean;
		waitTill: string | null;
		data: string;
	}>;
	return rows.map((row) => ({ ...row, data: parse(row.data) as ExecutionRun['data'] }));
}

/** Polls until `count` executions of the workflow have ended (`since`: only those with a greater id). */
export async function waitForEndedExecutions(
	postgres: PostgresServer,
	workflowId: string,
	count: number,
	timeoutMs: number,
	since = 0,
): Promise<StoredExecution[]> {
	let seen: StoredExecution[] = [];
	return await eventually(
		async () => {
			seen = (await readExecutions(postgres, workflowId)).filter(
				(execution) => execution.id > since,
			);
			const ended = seen.filter((execution) => ENDED.includes(execution.status));
			return ended.length >= count ? ended : undefined;
		},
		() =>
			`${count} ended executions of ${workflowId} (have ${seen.map((execution) => `${execution.id}:${execution.status}`).join(', ') || 'none'})`,
		timeoutMs,
		500,
	);
}

/** The newest execution id so far (0 when there is none). */
export async function lastExecutionId(postgres: PostgresServer): Promise<number> {
	return Number(await postgres.query('SELECT coalesce(max(id), 0) FROM execution_entity'));
}

/** The bytes of a binary that n8n keeps in the database (binary data mode `database`). */
export async function readDatabaseBinary(
	postgres: PostgresServer,
	meta: BinaryMeta,
): Promise<Buffer> {
	const fileId = /^database:(?:.*\/)?([0-9a-f-]{36})$/i.exec(meta.id ?? '')?.[1];
	if (!fileId) throw new Error(`Not a database binary id: ${JSON.stringify(meta.id)}`);
	const base64 = await postgres.query(
		`SELECT encode(data, 'base64') FROM binary_data WHERE "fileId" = ${sqlText(fileId)}`,
	);
	if (!base64) throw new Error(`No binary data ${fileId} in the database`);
	return Buffer.from(base64.replace(/\s/g, ''), 'base64');
}
