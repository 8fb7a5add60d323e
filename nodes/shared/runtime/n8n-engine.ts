import type { IExecuteFunctions, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

/*
 * What callback mode needs from n8n's engine that n8n-workflow has no API for. Both rely on how
 * n8n runs a waiting execution, proven on n8n 2.41.3, 2.20.12 and 1.123.81:
 * - in n8n's own engine (n8n-core) by the callback-mode engine tests;
 * - in real n8n, every version of the matrix, by the example 5 tests of test/e2e/examples.e2e.ts
 *   (a resume by the vendor's callback, and Max Wait).
 * A new n8n that changes either fails those tests.
 */

/**
 * Replaces the node's input as n8n queued it. When a waiting execution reaches its wait limit,
 * n8n resumes it without running the waiting node again and passes the node's queued input on
 * (WorkflowExecute.handleWaitingState disables the node), so what is queued now is what the
 * node puts out if the callback never comes.
 */
export function replaceQueuedInput(context: IExecuteFunctions, items: INodeExecutionData[]): void {
	context.getExecuteData().data.main = [items];
}

/**
 * Reads a value the node stored in its node context (`getContext('node')`) while it ran. Webhook
 * functions have no getContext, but the execution's data proxy reads the node's context.
 */
export function readNodeContext(context: IWebhookFunctions, key: string): unknown {
	const node = JSON.stringify(context.getNode().name);
	return context.evaluateExpression(
		`{{ $(${node}).context[${JSON.stringify(key)}] }}`,
		0,
	) as unknown;
}
