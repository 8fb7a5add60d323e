import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { InputError } from '../shared/errors';
import { fileNameFromUrl, type FileData } from '../shared/image/files';
import { checkImage } from '../shared/image/limits';
import { assertImageUrl, readBinaryImage } from '../shared/image/source';
import { maskFromBytes } from '../shared/image/output';
import { requiredText } from '../shared/parameters/read';
import type { WaitOptions } from '../shared/runtime/polling';
import { runTask, type SegmentRun } from '../shared/runtime/segment-run';
import {
	missingResultError,
	resultUrls,
	taskFailedError,
	type SegmentationTask,
} from '../shared/task/model';
import { isHttpUrl } from '../shared/transport/url';
import type { PiApiClient, PiApiTaskConfig } from '../vendors/piapi/client';
import { PIAPI_UPLOAD_LIMITS, piApiProfile } from '../vendors/piapi/profile';

/*
 * What both wait modes do with an item: create its task (uploading the image if needed), and
 * turn a finished task into the item's result.
 */

export type Run = SegmentRun<PiApiClient>;

/** An item's task, as created or (when waited for) done. */
export interface ItemTask {
	task: SegmentationTask;
	/**
	 * The request as the output reports it: vendor, image URL, prompt, negative prompt, segment
	 * factor.
	 */
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
export async function runItemTask(
	run: Run,
	itemIndex: number,
	waiting: TaskWaiting = {},
): Promise<ItemTask> {
	const { context, client } = run;
	const request = readRequest(context, itemIndex);
	const config = readTaskConfig(context.getNodeParameter('options', itemIndex, {}) as IDataObject);
	if (waiting.callback) {
		if (config.webhook) {
			throw new InputError(
				'The Webhook URL option cannot be used with Wait Mode "Webhook Callback"',
				'In callback mode the node gives PiAPI this execution\'s own resume URL. Remove the Webhook URL option, or use Wait Mode "Poll".',
			);
		}
		config.webhook = waiting.callback;
	}
	const image = await run.uploadSlots.use(async () => await resolveImageUrl(run, itemIndex));
	const create = async () =>
		await client.createSegmentTask({ image: image.url, ...request }, config);
	const task = await runTask(
		run,
		{ create, getTask: async (taskId) => await client.getTask(taskId) },
		waiting.waitOptions,
	);
	return {
		task,
		baseJson: { vendor: piApiProfile.id, imageUrl: image.url, ...request },
		sourceName: image.sourceName,
	};
}

/** The item of a task that was created but not waited for. */
export function createdItem({ task, baseJson }: ItemTask): INodeExecutionData {
	return { json: { ...baseJson, taskId: task.taskId, status: task.status, done: task.done } };
}

/**
 * The output of a finished task: every mask URL, and every mask itself when asked for (PiAPI may
 * return one mask per thing named in the prompt). A failed task throws.
 */
export async function completedResult(
	client: PiApiClient,
	task: SegmentationTask,
	sourceName: string | undefined,
	downloadMask: boolean,
) {
	if (task.status === 'failed') throw taskFailedError(task, piApiProfile.hints.taskFailed);
	const maskUrls = resultUrls(task);
	if (!maskUrls.length)
		throw missingResultError(task, 'mask URL', piApiProfile.nodeNames.checkTask);
	const masks: FileData[] = [];
	if (downloadMask) {
		for (const [index, url] of maskUrls.entries())
			masks.push(maskFromBytes((await client.downloadResult(url)).data, sourceName, index));
	}
	const fields: IDataObject = {
		taskId: task.taskId,
		status: task.status,
		done: task.done,
		maskUrl: maskUrls[0],
		maskUrls,
	};
	return { fields, masks };
}

function readRequest(context: IExecuteFunctions, itemIndex: number) {
	const prompt = requiredText(
		context,
		'prompt',
		itemIndex,
		'Prompt',
		'Name what to segment, for example "clothes,shoes".',
	);
	const negativePrompt = String(
		context.getNodeParameter('negativePrompt', itemIndex, '') ?? '',
	).trim();
	const rawFactor = context.getNodeParameter('segmentFactor', itemIndex, 0) as unknown;
	const segmentFactor =
		typeof rawFactor === 'string' && rawFactor.trim() !== '' ? Number(rawFactor) : rawFactor;
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
		if (!isHttpUrl(endpoint)) {
			throw new InputError(
				`The Webhook URL must start with http:// or https:// (got "${endpoint}")`,
				'Give the full URL PiAPI should call.',
			);
		}
		config.webhook = { endpoint, secret: String(options.webhookSecret ?? '') };
	}
	return config;
}

async function resolveImageUrl(run: Run, itemIndex: number) {
	const { context, client } = run;
	const source = context.getNodeParameter('imageSource', itemIndex) as 'url' | 'binary';
	if (source === 'url') {
		const url = requiredText(
			context,
			'imageUrl',
			itemIndex,
			'Image URL',
			'Give the public URL of the image.',
		);
		assertImageUrl(url);
		return { url, sourceName: fileNameFromUrl(url) };
	}
	const image = await readBinaryImage(
		context,
		itemIndex,
		context.getNodeParameter('binaryPropertyName', itemIndex) as string,
		PIAPI_UPLOAD_LIMITS,
	);
	checkImage(image.data, PIAPI_UPLOAD_LIMITS);
	return {
		url: await client.uploadFile(image),
		sourceName: image.fileName,
	};
}
