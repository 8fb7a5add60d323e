import type { INodeParameters } from 'n8n-workflow';

import type { TestItem } from '../harness/core-node-stand-ins';
import type { WorkflowJson } from '../harness/engine';

export const NODE_UNDER_TEST = 'Node';

/** Manual Trigger → Test Items (the given items) → the node under test (→ further nodes). */
export function workflowFor(
	nodeType: string,
	parameters: INodeParameters,
	items: TestItem[] = [{ json: {} }],
	extra: { continueOnFail?: boolean; credentials?: string[]; typeVersion?: number } = {},
): WorkflowJson {
	const credentials = Object.fromEntries(
		(extra.credentials ?? []).map((type) => [type, { id: type, name: type }]),
	);
	return {
		nodes: [
			{
				id: 'start',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'items',
				name: 'Items',
				type: 'test.testItems',
				typeVersion: 1,
				position: [200, 0],
				parameters: { items: JSON.stringify(items) },
			},
			{
				id: 'node',
				name: NODE_UNDER_TEST,
				type: `n8n-nodes-segmentation.${nodeType}`,
				// Version 1 unless asked: the version of the workflows saved before the nodes had more.
				typeVersion: extra.typeVersion ?? 1,
				position: [400, 0],
				parameters,
				credentials,
				...(extra.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			},
		],
		connections: {
			Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: NODE_UNDER_TEST, type: 'main', index: 0 }]] },
		},
	};
}
