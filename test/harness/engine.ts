import { Container } from '@n8n/di';
import { BinaryDataService, ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	createDeferredPromise,
	createRunExecutionData,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IConnections,
	type INode,
	type INodeExecutionData,
	type IRun,
	type IRunExecutionData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type IWorkflowSettings,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { TestCredentialsHelper } from './credentials-helper';
import { loadPackage, type CredentialTypes, type NodeTypes } from './node-types';

export const PACKAGE_NAME = 'n8n-nodes-segmentation';
export const PACKAGE_DIR = findPackageDir(__dirname);

/** The package root, whether this file runs from test/ (Jest) or from a compiled tools folder. */
function findPackageDir(start: string): string {
	for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
		const manifest = join(dir, 'package.json');
		if (
			existsSync(manifest) &&
			(JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME
		)
			return dir;
	}
	throw new Error(`Cannot find the ${PACKAGE_NAME} package above ${start}`);
}

export interface Engine {
	nodeTypes: NodeTypes;
	credentialTypes: CredentialTypes;
	credentialsHelper: TestCredentialsHelper;
	binaryData: BinaryDataService;
}

let engine: Promise<Engine> | undefined;

/** n8n's engine with this package loaded from `dist/` and binary data stored on disk, once per test file. */
export async function getEngine(): Promise<Engine> {
	engine ??= (async () => {
		const { nodeTypes, credentialTypes } = await loadPackage(PACKAGE_DIR);
		const binaryData = Container.get(BinaryDataService);
		await binaryData.init();
		const credentialsHelper = new TestCredentialsHelper(credentialTypes, nodeTypes);
		return { nodeTypes, credentialTypes, credentialsHelper, binaryData };
	})();
	return await engine;
}

export interface WorkflowJson {
	nodes: INode[];
	connections: IConnections;
	settings?: IWorkflowSettings;
	name?: string;
}

export interface RunOptions {
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	mode?: WorkflowExecuteMode;
	/** Where this n8n is reached (resume URLs start with it); default http://127.0.0.1:5678. */
	baseUrl?: string;
	/** Called once the run has started, with a function that cancels it (like the Stop button) and its execution id. */
	onStarted?: (cancel: () => void, executionId: string) => void;
}

let executionCounter = 0;

/** What a run needs to be resumed later: n8n keeps the same for a waiting execution. */
export interface RunContext {
	workflow: Workflow;
	workflowData: IWorkflowBase;
	mode: WorkflowExecuteMode;
	additionalData: IWorkflowExecuteAdditionalData;
}

export class WorkflowRun {
	constructor(
		readonly run: IRun,
		readonly executionId: string,
		private readonly binaryData: BinaryDataService,
		readonly context?: RunContext,
	) {}

	get status() {
		return this.run.status;
	}

	/** The workflow-level error, if the run stopped on one. */
	get error() {
		return this.run.data.resultData.error;
	}

	/** The items a node emitted on its first output (first run of that node). */
	output(nodeName: string, outputIndex = 0): INodeExecutionData[] {
		const task = this.run.data.resultData.runData[nodeName]?.[0];
		if (!task)
			throw new Error(`Node "${nodeName}" did not run (ran: ${this.ranNodes().join(', ')})`);
		if (task.error) throw task.error;
		return task.data?.main?.[outputIndex] ?? [];
	}

	/** The error a node stopped the workflow with. */
	nodeError(nodeName: string) {
		return this.run.data.resultData.runData[nodeName]?.[0]?.error;
	}

	ranNodes() {
		return Object.keys(this.run.data.resultData.runData);
	}

	async binary(item: INodeExecutionData, property: string): Promise<Buffer> {
		const data = item.binary?.[property];
		if (!data) throw new Error(`Item has no binary property "${property}"`);
		return await this.binaryData.getAsBuffer(data);
	}
}

/** Runs workflow JSON through n8n-core's WorkflowExecute, starting at its trigger node. */
export async function runWorkflow(
	workflowJson: WorkflowJson,
	options: RunOptions = {},
): Promise<WorkflowRun> {
	const { nodeTypes, credentialsHelper, binaryData } = await getEngine();
	credentialsHelper.setCredentials(options.credentials ?? {});

	const executionId = String(++executionCounter);
	const workflow = new Workflow({
		id: 'test-workflow',
		name: workflowJson.name ?? 'Test workflow',
		nodes: workflowJson.nodes,
		connections: workflowJson.connections,
		settings: workflowJson.settings,
		active: false,
		nodeTypes,
	});
	const startNode = workflow.getStartNode();
	if (!startNode) throw new Error('The workflow has no start node');

	const workflowData = {
		id: workflow.id,
		name: workflow.name,
		nodes: workflowJson.nodes,
		connections: workflowJson.connections,
	} as IWorkflowBase;
	const mode = options.mode ?? 'manual';
	const additionalData = createAdditionalData(
		executionId,
		workflow.id,
		credentialsHelper,
		options.baseUrl,
	);
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [[{ json: {} }]] }, source: null }],
		},
	});

	return await executeRun(
		{ workflow, workflowData, mode, additionalData },
		runExecutionData,
		executionId,
		binaryData,
		options.onStarted,
	);
}

/** Runs (or resumes) execution data through WorkflowExecute, as n8n's workflow runner does. */
export async function executeRun(
	context: RunContext,
	runExecutionData: IRunExecutionData,
	executionId: string,
	binaryData: BinaryDataService,
	onStarted?: RunOptions['onStarted'],
): Promise<WorkflowRun> {
	const hooks = new ExecutionLifecycleHooks(context.mode, executionId, context.workflowData);
	const finished = createDeferredPromise<IRun>();
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => finished.resolve(fullRunData));
	const additionalData = { ...context.additionalData, hooks };
	const execution = new WorkflowExecute(
		additionalData,
		context.mode,
		runExecutionData,
	).processRunExecutionData(context.workflow);
	onStarted?.(() => execution.cancel(), executionId);
	try {
		await execution;
	} catch (error) {
		if (!execution.isCanceled) throw error;
	}
	const run = await finished.promise;
	return new WorkflowRun(run, executionId, binaryData, context);
}

export function createAdditionalData(
	executionId: string,
	workflowId: string,
	credentialsHelper: TestCredentialsHelper,
	baseUrl = 'http://127.0.0.1:5678',
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper,
		executionId,
		workflowId,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${baseUrl}/rest`,
		instanceBaseUrl: `${baseUrl}/`,
		formWaitingBaseUrl: `${baseUrl}/form-waiting`,
		webhookBaseUrl: `${baseUrl}/webhook`,
		webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		webhookTestBaseUrl: `${baseUrl}/webhook-test`,
		variables: {},
		logAiEvent: () => {},
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not available in this harness');
		},
		getRunExecutionData: async () => undefined,
		startRunnerTask: async () => {
			throw new Error('Task runners are not available in this harness');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}
