/* The run JSON that `n8n execute --rawOutput` prints, and the items of its nodes. */
import type { BinaryMeta } from './binary-storage';

export interface OutputItem {
	json: Record<string, unknown>;
	binary?: Record<string, BinaryMeta>;
	pairedItem?: unknown;
}

interface TaskRun {
	executionStatus?: string;
	/** Epoch milliseconds. */
	startTime?: number;
	executionTime?: number;
	/** `main`, or `ai_tool` for a node an AI agent ran as its tool. */
	data?: { main?: Array<OutputItem[] | null>; ai_tool?: Array<OutputItem[] | null> };
}

export interface ExecutionRun {
	status: string;
	finished?: boolean;
	startedAt?: string;
	stoppedAt?: string;
	data: {
		resultData: {
			runData: Record<string, TaskRun[]>;
			lastNodeExecuted?: string;
			error?: { message?: string; description?: string };
		};
	};
}

/** Finds the run JSON among n8n's log lines: it starts at a line `{` and ends at the last line `}`. */
export function parseExecuteOutput(stdout: string): ExecutionRun | undefined {
	const lines = stdout.split('\n');
	const start = lines.indexOf('{');
	const end = lines.lastIndexOf('}');
	if (start < 0 || end < start) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n')) as ExecutionRun;
	} catch {
		return undefined;
	}
}

export function nodeRan(run: ExecutionRun, node: string): boolean {
	return (run.data.resultData.runData[node]?.length ?? 0) > 0;
}

/** The items a node put out on one output in its last run ([] when it did not run). */
export function nodeItems(run: ExecutionRun, node: string, output = 0): OutputItem[] {
	const runs = run.data.resultData.runData[node] ?? [];
	return runs.at(-1)?.data?.main?.[output] ?? [];
}

/** The items a tool node gave the AI agent in its last run (n8n records them as its `ai_tool` output). */
export function toolItems(run: ExecutionRun, node: string): OutputItem[] {
	const runs = run.data.resultData.runData[node] ?? [];
	return runs.at(-1)?.data?.ai_tool?.[0] ?? [];
}

/** How long a node's last run took, in milliseconds. */
export function nodeTime(run: ExecutionRun, node: string): number | undefined {
	return run.data.resultData.runData[node]?.at(-1)?.executionTime;
}

/** When a node's last run started and ended (epoch milliseconds). */
export function nodeSpan(
	run: ExecutionRun,
	node: string,
): { start: number; end: number } | undefined {
	const last = run.data.resultData.runData[node]?.at(-1);
	if (last?.startTime === undefined || last.executionTime === undefined) return undefined;
	return { start: last.startTime, end: last.startTime + last.executionTime };
}
