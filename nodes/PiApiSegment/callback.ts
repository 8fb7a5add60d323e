import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { InputError, VendorApiError } from '../shared/errors';
import { errorItem } from '../shared/runtime/items';
import { addMasks, inputBinary, readBinaryOutputOptions } from '../shared/image/output';
import { readMaxWaitMs } from '../shared/parameters/read';
import {
	NO_TASK_IN_BODY,
	refuseUnlessFromPiApi,
	reportedTask,
	respond,
} from '../vendors/piapi/webhook';
import { formatSeconds, maxWaitDetails } from '../shared/runtime/polling';
import { runSegmentation } from '../shared/runtime/segment-run';
import { cancellationError } from '../shared/runtime/sleep';
import type { SegmentationTask } from '../shared/task/model';
import { isHttpUrl } from '../shared/transport/url';
import { PiApiClient } from '../vendors/piapi/client';
import { piApiProfile } from '../vendors/piapi/profile';
import { generateWebhookSecret, secretFingerprint } from '../shared/webhook/secret';
import { checkInOnceWaiting, isCheckIn } from './check-in';
import { completedResult, createdItem, runItemTask } from './item-task';
import { readNodeContext, replaceQueuedInput } from '../shared/runtime/n8n-engine';
import { assertPiApiCanCallBack } from './resume-url-reachability';

/** Where the waiting node keeps what its callbacks need, in the execution's node context. */
const STATE_KEY = 'piApiCallback';

interface WaitingItem {
	/**
	 * The item as created, with the input's binary files when Keep Input Binary is on (n8n keeps
	 * the files of a waiting execution), or its error item when it failed before a task existed.
	 */
	item: INodeExecutionData;
	taskId?: string;
	sourceName?: string;
}

interface CallbackState {
	/** SHA-256 of the secret given to PiAPI: enough to check a caller, useless to pose as PiAPI. */
	secretFingerprint: string;
	maxWaitMs: number;
	downloadMask: boolean;
	maskBinaryField: string;
	items: WaitingItem[];
}

/**
 * Callback mode: creates every item's task with this execution's resume URL as PiAPI's webhook,
 * then reads the tasks back: when all are done already, the node outputs their results at once.
 * Otherwise it puts the execution to wait, and `resumeFromCallback` resumes it once every task
 * is done (PiAPI's callbacks, or the node's own check-in: see check-in.ts). What the node puts
 * out if Max Wait passes first is queued now (see n8n-engine.ts).
 */
export async function waitForCallback(
	context: IExecuteFunctions,
	client: PiApiClient,
): Promise<INodeExecutionData[][]> {
	const maxWaitMs = readMaxWaitMs(context, 0);
	const secret = generateWebhookSecret();
	const callback = { endpoint: resumeUrl(context), secret };
	const options = readBinaryOutputOptions(
		context.getNodeParameter('options', 0, {}) as IDataObject,
	);
	const tasks: Array<Omit<WaitingItem, 'item'>> = [];
	const [created] = await runSegmentation(
		context,
		client,
		piApiProfile.polling.maxConcurrentTasks,
		async (run, itemIndex) => {
			assertPiApiCanCallBack(callback.endpoint, client.baseUrl);
			const itemTask = await runItemTask(run, itemIndex, { callback });
			tasks[itemIndex] = { taskId: itemTask.task.taskId, sourceName: itemTask.sourceName };
			const binary = inputBinary(context, itemIndex, options);
			return Object.keys(binary).length
				? { ...createdItem(itemTask), binary }
				: createdItem(itemTask);
		},
		{ readPlanLimit: async () => await client.planLimit() },
	);
	// One output per input item, in order and paired; failed items are error items without a task.
	const items: WaitingItem[] = created.map((item, itemIndex) =>
		item.json.error === undefined ? { item, ...tasks[itemIndex] } : { item },
	);
	if (!items.some((waiting) => waiting.taskId)) return [created];

	const state: CallbackState = {
		secretFingerprint: secretFingerprint(secret),
		maxWaitMs,
		downloadMask: options.downloadMask,
		maskBinaryField: options.maskBinaryField,
		items,
	};
	// n8n refuses (409) callbacks until it has saved the execution as waiting, so a task that ended
	// while later ones were being created may never call back successfully: read them all first.
	// If PiAPI cannot be read now, the callbacks and the check-in still come.
	const done = await tasksIfAllDone(client, state).catch(() => undefined);
	const signal = context.getExecutionCancelSignal();
	if (signal?.aborted) throw cancellationError(signal);
	if (done) return [await finishedItems(context, client, state, done)];

	context.getContext('node')[STATE_KEY] = state;
	replaceQueuedInput(
		context,
		state.items.map((waiting, itemIndex) => timedOutItem(context, state, waiting, itemIndex)),
	);
	await context.putExecutionToWait(new Date(Date.now() + maxWaitMs));
	checkInOnceWaiting(context, callback.endpoint, secret);
	return [created];
}

/** This execution's resume URL, with the token n8n checks before it lets a call through. */
function resumeUrl(context: IExecuteFunctions): string {
	const { resumeUrl: url } = context.getWorkflowDataProxy(0).$execution as { resumeUrl?: unknown };
	if (typeof url !== 'string' || !isHttpUrl(url)) {
		throw new InputError(
			'n8n gave no resume URL for this execution',
			'Use Wait Mode "Poll" here: callback mode needs an n8n that runs webhooks.',
		);
	}
	return url;
}

function timedOutItem(
	context: IExecuteFunctions,
	state: CallbackState,
	waiting: WaitingItem,
	itemIndex: number,
) {
	if (!waiting.taskId) return waiting.item;
	const error = new VendorApiError(
		`PiAPI had not reported every task of this node done within Max Wait (${formatSeconds(state.maxWaitMs)} s), so the execution went on without the result of task ${waiting.taskId}`,
		maxWaitDetails(piApiProfile.name, waiting.taskId, piApiProfile.nodeNames.checkTask),
	);
	return errorItem(context, error, itemIndex);
}

/**
 * A call to the resume URL: from PiAPI if the secret matches, else refused while the execution
 * keeps waiting.
 */
export async function resumeFromCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const state = readState(this);
	if (!state) return respond(this, 409, 'This execution is not waiting for a PiAPI callback.');
	const refused = refuseUnlessFromPiApi(
		this,
		state.secretFingerprint,
		'the execution keeps waiting',
	);
	if (refused) return refused;
	// The node's own check-in reports no task: every task is read.
	const checkIn = isCheckIn(this);
	const reported = checkIn ? undefined : reportedTask(this);
	if (!checkIn) {
		if (!reported) return respond(this, 400, NO_TASK_IN_BODY);
		if (!state.items.some((waiting) => waiting.taskId === reported.taskId))
			return respond(this, 200, 'Not a task of this execution: ignored.');
		if (!reported.done) return respond(this, 200, 'Noted; waiting until the task is done.');
	}

	const client = await PiApiClient.create(this);
	let tasks: Map<string, SegmentationTask> | undefined;
	try {
		tasks = await tasksIfAllDone(client, state, reported);
	} catch {
		// PiAPI retries a callback that did not get a 2xx, and this one may be the last to come.
		return respond(
			this,
			503,
			'Could not check the other tasks of this execution at PiAPI; please retry.',
		);
	}
	if (!tasks)
		return respond(
			this,
			200,
			reported
				? 'Noted; other tasks of this execution are still running.'
				: 'Checked; the tasks of this execution are still running.',
		);

	// Answer PiAPI now: downloading the masks can take longer than it waits.
	respond(this, 200, 'All tasks done: the execution resumes.');
	return {
		noWebhookResponse: true,
		workflowData: [await finishedItems(this, client, state, tasks)],
	};
}

function readState(context: IWebhookFunctions): CallbackState | undefined {
	const state = readNodeContext(context, STATE_KEY);
	return state && typeof state === 'object' && 'secretFingerprint' in state
		? (state as CallbackState)
		: undefined;
}

/**
 * The tasks of this execution, if all are done (the reported one is not read again). The newest
 * are checked first: they are the likeliest to be still running, so a check that comes early
 * usually costs one request.
 */
async function tasksIfAllDone(
	client: PiApiClient,
	state: CallbackState,
	reported?: SegmentationTask,
) {
	const tasks = new Map<string, SegmentationTask>(reported ? [[reported.taskId, reported]] : []);
	const others = state.items
		.map((waiting) => waiting.taskId)
		.filter(
			(taskId): taskId is string =>
				typeof taskId === 'string' && taskId !== '' && !tasks.has(taskId),
		);
	for (const taskId of others.reverse()) {
		const task = await client.getTask(taskId);
		if (!task.done) return undefined;
		tasks.set(taskId, task);
	}
	return tasks;
}

/**
 * Where the node's output is made: the node's run (tasks done before it waits) or the resume
 * webhook.
 */
type OutputContext = Pick<IExecuteFunctions, 'getNode'> & {
	helpers: Pick<IExecuteFunctions['helpers'], 'prepareBinaryData'>;
};

/** Every item's output once its task is done: the same whether the node waited or not. */
async function finishedItems(
	context: OutputContext,
	client: PiApiClient,
	state: CallbackState,
	tasks: Map<string, SegmentationTask>,
) {
	return await Promise.all(
		state.items.map(
			async (waiting, itemIndex) =>
				await resumedItem(context, client, state, waiting, tasks, itemIndex),
		),
	);
}

async function resumedItem(
	context: OutputContext,
	client: PiApiClient,
	state: CallbackState,
	waiting: WaitingItem,
	tasks: Map<string, SegmentationTask>,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const task = waiting.taskId ? tasks.get(waiting.taskId) : undefined;
	if (!task) return waiting.item;
	const pairedItem = { item: itemIndex };
	try {
		const result = await completedResult(client, task, waiting.sourceName, state.downloadMask);
		const json = { ...waiting.item.json, ...result.fields };
		const binary = await addMasks(
			context,
			{ ...waiting.item.binary },
			result.masks,
			state.maskBinaryField,
		);
		return Object.keys(binary).length ? { json, binary, pairedItem } : { json, pairedItem };
	} catch (error) {
		return errorItem(context, error, itemIndex);
	}
}
