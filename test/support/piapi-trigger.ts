/* PiAPI Trigger as n8n holds it once its workflow is active: the trigger followed by a No-Op "After", for calls through test/harness/waiting.ts. */
import { Workflow, type IWorkflowBase } from 'n8n-workflow';

import { createAdditionalData, getEngine, type RunContext } from '../harness/engine';

let contextCounter = 0;

/** An active workflow: PiAPI Trigger (with `secret` and the given parameters) → After. Each call is a new workflow, with its own static data. */
export async function piApiTriggerWorkflow(
	secret: string,
	parameters: Record<string, unknown> = {},
): Promise<RunContext> {
	const { nodeTypes, credentialsHelper } = await getEngine();
	const nodes = [
		{
			id: `trigger-${++contextCounter}`,
			name: 'PiAPI Trigger',
			type: 'n8n-nodes-segmentation.piApiTrigger',
			typeVersion: 1,
			position: [0, 0] as [number, number],
			webhookId: 'b6d7c0de-0000-4000-8000-000000000001',
			parameters: { secret, ...parameters },
		},
		{
			id: 'after',
			name: 'After',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [200, 0] as [number, number],
			parameters: {},
		},
	];
	const connections = {
		'PiAPI Trigger': { main: [[{ node: 'After', type: 'main' as const, index: 0 }]] },
	};
	const workflow = new Workflow({
		id: `trigger-workflow-${contextCounter}`,
		name: 'Trigger',
		nodes,
		connections,
		active: true,
		nodeTypes,
	});
	const workflowData = {
		id: workflow.id,
		name: workflow.name,
		nodes,
		connections,
	} as unknown as IWorkflowBase;
	return {
		workflow,
		workflowData,
		mode: 'webhook',
		additionalData: createAdditionalData(String(contextCounter), workflow.id, credentialsHelper),
	};
}
