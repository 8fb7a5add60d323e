import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { maskFromBytes } from '../shared/output';
import { NO_TASK_IN_BODY, refuseUnlessFromPiApi, reportedTask, respond } from '../shared/piapi-webhook';
import { taskJson, type SegmentationTask } from '../shared/task';
import { downloadFile } from '../shared/transport/download';
import { secretFingerprint } from '../shared/webhook-secret';
import { recordDelivery } from './delivery-record';

/**
 * A call from PiAPI: checked, filtered, recorded, and emitted as the normalized task. n8n answers
 * PiAPI once the delivery record is saved, so a repeat that comes after the answer starts nothing.
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
	if (!recordDelivery(this.getWorkflowStaticData('node'), `${task.taskId}:${task.status}`)) {
		return respond(this, 200, 'Ignored: this task was already delivered.');
	}
	return { workflowData: [[await taskItem(this, task)]], webhookResponse: { message: 'Received.' } };
}

function ignoreReason(context: IWebhookFunctions, task: SegmentationTask): string | undefined {
	if (!task.done) return `task ${task.taskId} is not finished (status ${task.status})`;
	const statuses = context.getNodeParameter('statuses', ['succeeded', 'failed']) as string[];
	if (!statuses.includes(task.status)) return `task ${task.taskId} has status ${task.status}, which this trigger does not listen for`;
	const taskTypes = String(context.getNodeParameter('taskTypes', '') ?? '')
		.split(',')
		.map((type) => type.trim().toLowerCase())
		.filter(Boolean);
	const taskType = String(task.raw.task_type ?? '').toLowerCase();
	if (taskTypes.length && !taskTypes.includes(taskType)) return `task type "${taskType}" is not one of ${taskTypes.join(', ')}`;
	return undefined;
}

async function taskItem(context: IWebhookFunctions, task: SegmentationTask): Promise<INodeExecutionData> {
	const json = taskJson(task);
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const maskUrl = task.results.find((result) => result.url)?.url;
	if (!options.downloadMask || task.status !== 'succeeded' || !maskUrl) return { json };
	try {
		const file = await downloadFile(context, 'PiAPI', maskUrl, { expiredHint: 'PiAPI keeps results about 3 days.' });
		const mask = maskFromBytes(file.data, task.taskId);
		const binary = await context.helpers.prepareBinaryData(mask.data, mask.fileName, mask.mimeType);
		return { json, binary: { [String(options.maskBinaryField || 'mask')]: binary } };
	} catch (error) {
		// The task is still worth a run: say why the mask is missing instead of dropping the call.
		return { json: { ...json, maskDownloadError: error instanceof Error ? error.message : String(error) } };
	}
}
