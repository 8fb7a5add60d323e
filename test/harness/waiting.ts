import { parse, stringify } from 'flatted';
import { HookContext, WebhookContext } from 'n8n-core';
import {
	createRunExecutionData,
	Workflow,
	type IDataObject,
	type INode,
	type INodeType,
	type INodeTypes,
	type IRunExecutionData,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { executeRun, getEngine, type RunContext, type WorkflowRun } from './engine';

/**
 * n8n's side of webhooks, for the in-process engine: a call to a waiting execution's resume URL
 * (n8n's WaitingWebhooks + webhook helpers), a waiting execution reaching its time limit (n8n's
 * WaitTracker), a call to a trigger's webhook, and a webhook's lifecycle when its workflow is
 * activated or deactivated (n8n's WebhookService). The full server path runs in test/e2e.
 */

export interface WebhookCall {
	headers?: Record<string, string>;
	body: unknown;
}

export interface WebhookAnswer {
	status: number;
	body: unknown;
	/** The run the call started or resumed, if it did. */
	run?: WorkflowRun;
}

/** What n8n saves (a waiting execution, static data) and loads back: a deep copy, as through its database. */
function stored<T>(data: T): T {
	return parse(stringify(data)) as T;
}

/** A POST to the resume URL of a waiting execution. */
export async function callResumeUrl(
	waiting: WorkflowRun,
	call: WebhookCall,
): Promise<WebhookAnswer> {
	const context = requireContext(waiting);
	if (waiting.status !== 'waiting')
		return {
			status: 409,
			body: { message: `The execution "${waiting.executionId}" is not waiting.` },
		};
	const data = stored(waiting.run.data);
	const entry = data.executionData!.nodeExecutionStack[0];
	entry.node.disabled = true;
	data.waitTill = undefined;
	data.resultData.runData[data.resultData.lastNodeExecuted!].pop();
	const node = context.workflow.getNode(data.resultData.lastNodeExecuted!)!;

	const { answer, result } = await callWebhook(context, node, call, data);
	if (!result.workflowData) return answer;
	entry.data.main = result.workflowData;
	const { binaryData } = await getEngine();
	return { ...answer, run: await executeRun(context, data, waiting.executionId, binaryData) };
}

/** The waiting execution reaches its wait limit: n8n resumes it without running the waiting node again. */
export async function resumeAfterWaitLimit(waiting: WorkflowRun): Promise<WorkflowRun> {
	const context = requireContext(waiting);
	if (waiting.status !== 'waiting')
		throw new Error(`Execution ${waiting.executionId} is not waiting (${waiting.status})`);
	const { binaryData } = await getEngine();
	return await executeRun(context, stored(waiting.run.data), waiting.executionId, binaryData);
}

/** n8n's saved workflows, for their static data (by workflow id). */
const savedStaticData = new Map<string, IDataObject>();

/**
 * A POST to a trigger node's webhook; when the trigger emits items, the workflow runs from it.
 * As n8n's LiveWebhooks does, each call gets the workflow with its static data as saved, and
 * saves the static data after the call when it changed: nothing else carries over between
 * calls, as between n8n processes.
 */
export async function callTriggerWebhook(
	saved: RunContext,
	triggerName: string,
	call: WebhookCall,
	/** The package as the n8n process that gets the call has loaded it (default: this test's). */
	nodeTypes?: INodeTypes,
): Promise<WebhookAnswer> {
	const workflowId = saved.workflow.id;
	const engine = await getEngine();
	const { binaryData } = engine;
	const workflow = new Workflow({
		id: workflowId,
		name: saved.workflow.name,
		nodes: saved.workflowData.nodes,
		connections: saved.workflowData.connections,
		active: true,
		nodeTypes: nodeTypes ?? engine.nodeTypes,
		staticData: stored(savedStaticData.get(workflowId) ?? {}),
	});
	const context: RunContext = { ...saved, workflow };
	const node = workflow.getNode(triggerName);
	if (!node) throw new Error(`No node "${triggerName}"`);
	const { answer, result } = await callWebhook(context, node, call, null);
	if (workflow.staticData.__dataChanged === true)
		savedStaticData.set(workflowId, stored(workflow.staticData));
	if (!result.workflowData) return answer;
	const data = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node, data: { main: result.workflowData }, source: null }],
		},
	});
	return {
		...answer,
		run: await executeRun(context, data, context.additionalData.executionId!, binaryData),
	};
}

export interface WebhookLifecycle {
	/** What each webhook method n8n called returned, in the order n8n called them. */
	calls: Array<{ method: 'checkExists' | 'create' | 'delete'; result: boolean | undefined }>;
}

/**
 * n8n's webhook lifecycle for a node's `default` webhook: on activation it asks `checkExists` and
 * calls `create` when that says no (failing activation if `create` does not succeed); on
 * deactivation it calls `delete`. As n8n's WebhookService does it, with n8n-core's HookContext.
 */
export async function runWebhookLifecycle(
	context: RunContext,
	nodeName: string,
	phase: 'activate' | 'deactivate',
): Promise<WebhookLifecycle> {
	const node = context.workflow.getNode(nodeName);
	if (!node) throw new Error(`No node "${nodeName}"`);
	const nodeType = context.workflow.nodeTypes.getByNameAndVersion(
		node.type,
		node.typeVersion,
	) as INodeType;
	const webhookData = {
		webhookDescription: { name: 'default' },
		node: node.name,
		workflowExecuteAdditionalData: context.additionalData,
	} as unknown as IWebhookData;
	const hookContext = new HookContext(
		context.workflow,
		node,
		context.additionalData,
		'trigger',
		'activate',
		webhookData,
	);
	const calls: WebhookLifecycle['calls'] = [];
	const run = async (method: 'checkExists' | 'create' | 'delete') => {
		const result = await nodeType.webhookMethods?.default?.[method]?.call(hookContext);
		calls.push({ method, result });
		return result;
	};
	if (phase === 'deactivate') {
		await run('delete');
	} else if (!(await run('checkExists')) && !(await run('create'))) {
		throw new Error(`n8n would not activate the workflow: ${nodeName}'s webhook was not created`);
	}
	return { calls };
}

async function callWebhook(
	context: RunContext,
	node: INode,
	call: WebhookCall,
	data: IRunExecutionData | null,
) {
	const response = new RecordedResponse();
	const additionalData = {
		...context.additionalData,
		httpRequest: {
			headers: lowerCaseKeys(call.headers ?? {}),
			body: call.body,
			query: {},
			params: {},
		},
		httpResponse: response,
	} as unknown as IWorkflowExecuteAdditionalData;
	const webhookData = {
		webhookDescription: { name: 'default' },
		node: node.name,
	} as unknown as IWebhookData;
	const mode: WorkflowExecuteMode = data ? context.mode : 'webhook';
	const webhookContext = new WebhookContext(
		context.workflow,
		node,
		additionalData,
		mode,
		webhookData,
		[],
		data,
	);
	const nodeType = context.workflow.nodeTypes.getByNameAndVersion(
		node.type,
		node.typeVersion,
	) as INodeType;
	const result = (await nodeType.webhook!.call(webhookContext)) as IWebhookResponseData;
	const answer: WebhookAnswer = response.sent
		? { status: response.statusCode, body: response.body }
		: { status: 200, body: result.webhookResponse ?? { message: 'Webhook call received' } };
	return { answer, result };
}

/** Enough of Express's response for webhook methods that answer themselves. */
class RecordedResponse {
	statusCode = 200;
	body: unknown;
	sent = false;
	headersSent = false;

	status(code: number) {
		this.statusCode = code;
		return this;
	}

	json(body: unknown) {
		this.body = body;
		this.sent = this.headersSent = true;
		return this;
	}

	send(body: unknown) {
		return this.json(body);
	}

	end() {
		this.sent = this.headersSent = true;
		return this;
	}
}

function lowerCaseKeys(headers: Record<string, string>) {
	return Object.fromEntries(
		Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]),
	);
}

function requireContext(run: WorkflowRun): RunContext {
	if (!run.context) throw new Error('This run cannot be resumed: it has no run context');
	return run.context;
}
