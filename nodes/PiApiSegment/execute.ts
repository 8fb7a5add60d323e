import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { readWaitOptions, requiredText } from '../shared/descriptions';
import { InputError, VendorApiError } from '../shared/errors';
import { processItems } from '../shared/items';
import { checkImage, PIAPI_UPLOAD_LIMITS } from '../shared/image/limits';
import { assertImageUrl, readBinaryImage } from '../shared/image/source';
import { maskFromBytes, readBinaryOutputOptions, segmentationItem, type MaskFile } from '../shared/output';
import type { WaitOptions } from '../shared/polling';
import { runSegmentation, runTask, type SegmentRun } from '../shared/segment-run';
import type { SegmentationTask } from '../shared/task';
import { notForToolsError, runsAsTool } from '../shared/tool-mode';
import { PiApiClient, type PiApiTaskConfig } from '../shared/transport/piapi.client';
import { waitForCallback } from './callback';
import { PIAPI_DEFAULT_CONCURRENCY, readWaitMode } from './description';

/** PiAPI documents no minimum between checks; one second keeps a late task from being polled hot. */
const MIN_POLL_GAP_MS = 1_000;

/** Undocumented; a first check this long after creation finds most segmentations done. */
const EXPECTED_TASK_MS = 5_000;

type Run = SegmentRun<PiApiClient>;

export async function executePiApiSegment(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const waitMode = readWaitMode(this);
	if (waitMode === 'callback' && runsAsTool(this)) return [await processItems(this, 1, refuseCallbackAsTool)];
	const client = await PiApiClient.create(this);
	if (waitMode === 'callback') return await waitForCallback(this, client);
	return await runSegmentation(this, client, PIAPI_DEFAULT_CONCURRENCY, async (run, itemIndex) => await segmentItem(run, itemIndex));
}

/** Every item fails: an agent waits for its tool's answer, and callback mode would pause the execution instead. */
async function refuseCallbackAsTool(): Promise<INodeExecutionData[]> {
	throw notForToolsError(
		'Wait Mode "Webhook Callback"',
		"It pauses the execution until PiAPI calls back, while the agent waits for the tool's answer.",
		'Set Wait Mode to "Poll" in this tool node.',
	);
}

/** An item's task, as created or (when waited for) done. */
export interface ItemTask {
	task: SegmentationTask;
	/** The request as the output reports it: vendor, image URL, prompt, negative prompt, segment factor. */
	baseJson: IDataObject;
	/** The image's file name, for naming the mask. */
	sourceName?: string;
}

export interface TaskWaiting {
	/** Poll until done. */
	waitOptions?: WaitOptions;
	/** Have PiAPI call this webhook when done (callback mode). */
	callback?: PiApiTaskConfig['webhook'];
}

/**
 * Uploads the item's image if needed and creates its task; with wait options, returns it done.
 * In callback mode the user's own Webhook URL option is refused: PiAPI takes one endpoint per task.
 */
export async function runItemTask(run: Run, itemIndex: number, waiting: TaskWaiting = {}): Promise<ItemTask> {
	const { context, client } = run;
	const request = readRequest(context, itemIndex);
	const config = readTaskConfig(context.getNodeParameter('options', itemIndex, {}) as IDataObject);
	if (waiting.callback) {
		if (config.webhook) {
			throw new InputError(
				'The Webhook URL option cannot be used with Wait Mode "Webhook Callback"',
				"In callback mode the node gives PiAPI this execution's own resume URL. Remove the Webhook URL option, or use Wait Mode \"Poll\".",
			);
		}
		config.webhook = waiting.callback;
	}
	const image = await run.uploadSlots.use(async () => await resolveImageUrl(run, itemIndex));
	const create = async () => await client.createSegmentTask({ image: image.url, ...request }, config);
	const calls = { create, getTask: async (taskId: string) => await client.getTask(taskId), createdNothing: isCapacityError };
	const task = await runTask(run, calls, waiting.waitOptions);
	return { task, baseJson: { vendor: 'piapi', imageUrl: image.url, ...request }, sourceName: image.sourceName };
}

/** The item of a task that was created but not waited for. */
export function createdItem({ task, baseJson }: ItemTask): INodeExecutionData {
	return { json: { ...baseJson, taskId: task.taskId, status: task.status, done: task.done } };
}

async function segmentItem(run: Run, itemIndex: number): Promise<INodeExecutionData> {
	const { context, client } = run;
	const wait = context.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const waitOptions = wait ? piApiWaitOptions(readWaitOptions(context, itemIndex)) : undefined;
	const itemOptions = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const output = readBinaryOutputOptions(itemOptions);

	const done = await runItemTask(run, itemIndex, { waitOptions });
	if (!waitOptions) return createdItem(done);
	const result = await completedResult(client, done.task, done.sourceName, output.downloadMask);
	return await segmentationItem(context, itemIndex, { ...done.baseJson, ...result.fields }, result.mask, output);
}

/** The output of a finished task: its mask URLs, and the mask itself when asked for. A failed task throws. */
export async function completedResult(client: PiApiClient, task: SegmentationTask, sourceName: string | undefined, downloadMask: boolean) {
	if (task.status === 'failed') throw taskFailed(task);
	const maskUrls = task.results.map((result) => result.url).filter((url): url is string => Boolean(url));
	if (!maskUrls.length) {
		throw new VendorApiError(`PiAPI reported task ${task.taskId} completed but gave no mask URL`, {
			vendor: 'PiAPI',
			hint: 'Look at the task with Check Segmentation Task: its raw reply shows what PiAPI returned.',
		});
	}
	let mask: MaskFile | undefined;
	if (downloadMask) {
		mask = maskFromBytes((await client.downloadResult(maskUrls[0])).data, sourceName);
	}
	const fields: IDataObject = { taskId: task.taskId, status: task.status, done: task.done, maskUrl: maskUrls[0], maskUrls };
	return { fields, mask };
}

function piApiWaitOptions(options: WaitOptions): WaitOptions {
	return { ...options, minPollIntervalMs: Math.min(MIN_POLL_GAP_MS, options.pollIntervalMs), expectedDurationMs: EXPECTED_TASK_MS };
}

function readRequest(context: IExecuteFunctions, itemIndex: number) {
	const prompt = requiredText(context, 'prompt', itemIndex, 'Prompt', 'Name what to segment, for example "clothes,shoes".');
	const negativePrompt = String(context.getNodeParameter('negativePrompt', itemIndex, '') ?? '').trim();
	const rawFactor = context.getNodeParameter('segmentFactor', itemIndex, 0) as unknown;
	const segmentFactor = typeof rawFactor === 'string' && rawFactor.trim() !== '' ? Number(rawFactor) : rawFactor;
	if (typeof segmentFactor !== 'number' || !Number.isInteger(segmentFactor)) {
		throw new InputError(
			`Segment Factor must be a whole number of pixels (got ${JSON.stringify(rawFactor)})`,
			'Use a whole number such as -15, 0 or 10: positive grows the mask, negative shrinks it.',
		);
	}
	return { prompt, negativePrompt, segmentFactor };
}

function readTaskConfig(options: IDataObject): PiApiTaskConfig {
	const config: PiApiTaskConfig = {};
	if (options.serviceMode) config.serviceMode = String(options.serviceMode);
	const endpoint = String(options.webhookEndpoint ?? '').trim();
	if (endpoint) {
		if (!/^https?:\/\//i.test(endpoint)) {
			throw new InputError(`The Webhook URL must start with http:// or https:// (got "${endpoint}")`, 'Give the full URL PiAPI should call.');
		}
		config.webhook = { endpoint, secret: String(options.webhookSecret ?? '') };
	}
	return config;
}

async function resolveImageUrl(run: Run, itemIndex: number) {
	const { context, client } = run;
	const source = context.getNodeParameter('imageSource', itemIndex) as 'url' | 'binary';
	if (source === 'url') {
		const url = requiredText(context, 'imageUrl', itemIndex, 'Image URL', 'Give the public URL of the image.');
		assertImageUrl(url);
		return { url, sourceName: new URL(url).pathname.split('/').filter(Boolean).pop() };
	}
	const image = await readBinaryImage(context, itemIndex, context.getNodeParameter('binaryPropertyName', itemIndex) as string);
	checkImage(image.data, PIAPI_UPLOAD_LIMITS);
	return { url: await client.uploadFile(image.fileName, image.data, image.mimeType), sourceName: image.fileName };
}

/** After these errors PiAPI surely created no task, so the create may be sent again. */
function isCapacityError(error: VendorApiError) {
	const { httpStatus, vendorCode, notSent } = error.details;
	return httpStatus === 429 || vendorCode === '429' || notSent === true;
}

export function taskFailed(task: SegmentationTask) {
	return new VendorApiError(`PiAPI could not segment the image (task ${task.taskId}): ${task.error?.message ?? 'no reason given'}`, {
		vendor: 'PiAPI',
		vendorCode: task.error?.code || undefined,
		hint: 'Check that the image URL is public and the prompt names something in the image.',
	});
}
