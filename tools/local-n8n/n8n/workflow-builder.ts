/* Small workflows for `n8n execute`: a Manual Trigger, then each step in turn. */
import type { WorkflowJson } from './n8n-instance';

export interface WorkflowStep {
	name: string;
	type: string;
	typeVersion?: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}

export function manualWorkflow(id: string, name: string, steps: WorkflowStep[]): WorkflowJson {
	const all: WorkflowStep[] = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', parameters: {} },
		...steps,
	];
	return {
		id,
		name,
		nodes: all.map((step, index) => ({
			id: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
			typeVersion: 1,
			position: [index * 220, 0],
			...step,
		})),
		connections: Object.fromEntries(
			all
				.slice(0, -1)
				.map((step, index) => [
					step.name,
					{ main: [[{ node: all[index + 1].name, type: 'main', index: 0 }]] },
				]),
		),
		settings: {},
	};
}
