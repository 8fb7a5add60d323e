/*
 * Workflows of n8n's AI Agent with one of this package's nodes as its tool, for the agent suite:
 * Manual Trigger → AI Agent ← OpenAI Chat Model (its credential points at the fake chat model)
 * and ← the tool. n8n builds a tool variant of each `usableAsTool` node: type `<node type>Tool`.
 */
import { CREDENTIALS } from '../../tools/local-n8n/n8n/examples';
import type { WorkflowJson } from '../../tools/local-n8n/n8n/n8n-instance';
import { PACKAGE_NAME } from '../../tools/local-n8n/paths';

/** Versions every n8n of the matrix has: n8n 2.x adds AI Agent 3.1, which 1.x lacks. */
export const AGENT_TYPE = { type: '@n8n/n8n-nodes-langchain.agent', typeVersion: 3 } as const;
export const CHAT_MODEL_TYPE = {
	type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
	typeVersion: 1.3,
} as const;

export interface AgentWorkflowOptions {
	id: string;
	/** What the user asks the agent. */
	prompt: string;
	tool: {
		name: string;
		/** The node's type name in this package, e.g. `piApiSegment`. */
		nodeName: string;
		parameters: Record<string, unknown>;
		credentials: Record<string, { id: string; name: string }>;
		onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	};
}

export function agentWorkflow({ id, prompt, tool }: AgentWorkflowOptions): WorkflowJson {
	const node = (n: number) => `a9e00000-0000-4000-8000-${String(n).padStart(12, '0')}`;
	return {
		id,
		name: `Agent test: ${tool.name}`,
		nodes: [
			{
				id: node(1),
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: node(2),
				name: 'AI Agent',
				...AGENT_TYPE,
				position: [240, 0],
				parameters: { promptType: 'define', text: prompt, options: {} },
			},
			{
				id: node(3),
				name: 'Chat model',
				...CHAT_MODEL_TYPE,
				position: [160, 220],
				// The fake speaks Chat Completions, as most OpenAI-compatible services do.
				parameters: {
					model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' },
					responsesApiEnabled: false,
					options: {},
				},
				credentials: { openAiApi: CREDENTIALS.openAi },
			},
			{
				id: node(4),
				name: tool.name,
				type: `${PACKAGE_NAME}.${tool.nodeName}Tool`,
				typeVersion: 1,
				position: [400, 220],
				parameters: tool.parameters,
				credentials: tool.credentials,
				...(tool.onError ? { onError: tool.onError } : {}),
			},
		],
		connections: {
			Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'Chat model': {
				ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
			},
			[tool.name]: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}
