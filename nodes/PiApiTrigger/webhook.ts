import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import {
	NO_TASK_IN_BODY,
	refuseUnlessFromPiApi,
	reportedTask,
	respond,
} from '../vendors/piapi/webhook';
import { taskJson, type SegmentationTask } from '../shared/task/model';
import { secretFingerprint } from '../shared/webhook/secret';
import { recordDelivery } from './delivery-record';

/**
 * A call from PiAPI: checked, filtered, recorded, answered at once, and passed on as the
 * normalized task; the trigger's step in the execution (execute.ts) adds the mask.
 */
export async function receivePiApiCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const secret = String(this.getNodeParameter('secret', '') ?? '');
	const refused = refuseUnlessFromPiApi(this, secretFingerprint(secret), 'nothing was started');
	if (refused) return refused;
	const task = reportedTask(this);
	if (!task) return respond(this, 400, NO_TASK_IN_BODY);
	if (!task.taskId) return respond(this, 400, 'The task in the body has no task_id.');
	const ignored = ignoreReason(this, task);
	if (ignored) return respond(this, 200, `Ignored: ${ignored}.`);
	if (!recordDelivery(this, `${task.taskId}:${task.status}`)) {
		return respond(this, 200, 'Ignored: this task was already delivered.');
	}
	// Answered here with `noWebhookResponse`: n8n then saves the static data as soon as this
	// returns, before it starts the execution. (Left to n8n, the answer would come after the
	// execution is started, and n8n 2.x would lose the change to the static data on the way.)
	respond(this, 200, 'Received.');
	return { noWebhookResponse: true, workflowData: [[{ json: taskJson(task) }]] };
}

function ignoreReason(context: IWebhookFunctions, task: SegmentationTask): string | undefined {
	if (!task.done) return `task ${task.taskId} is not finished (status ${task.status})`;
	const statuses = context.getNodeParameter('statuses', ['succeeded', 'failed']) as string[];
	if (!statuses.includes(task.status))
		return `task ${task.taskId} has status ${task.status}, which this trigger does not listen for`;
	const taskTypes = String(context.getNodeParameter('taskTypes', '') ?? '')
		.split(',')
		.map((type) => type.trim().toLowerCase())
		.filter(Boolean);
	const taskType = String(task.raw.task_type ?? '').toLowerCase();
	if (taskTypes.length && !taskTypes.includes(taskType))
		return `task type "${taskType}" is not one of ${taskTypes.join(', ')}`;
	return undefined;
}
