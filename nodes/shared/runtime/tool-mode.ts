import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../errors';

/**
 * Whether the node runs as an AI agent's tool. n8n (1.x and 2.x) makes a tool of a `usableAsTool`
 * node under the node's type plus "Tool" (`<package>.<nodeName>Tool`), and runs
 * that node's own `execute`. The type is the one sign every version gives: `isToolExecution()`
 * exists only in 2.x and is false when the engine runs the tool for an agent (AI Agent 3+).
 */
export function runsAsTool(context: Pick<IExecuteFunctions, 'getNode'>): boolean {
	return context.getNode().type.endsWith('Tool');
}

/** The error for a setting that cannot work while an agent waits for the tool's answer. */
export function notForToolsError(setting: string, why: string, fix: string): InputError {
	return new InputError(
		`${setting} cannot be used when this node is an AI agent's tool`,
		`${why} ${fix}`,
	);
}
