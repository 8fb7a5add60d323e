import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { InputError } from '../shared/errors';
import type { FileData } from '../shared/image/files';
import { checkImage, type ImageLimits } from '../shared/image/limits';
import { fetchImage, readBinaryImage } from '../shared/image/source';
import { maskFromBytes, readBinaryOutputOptions, segmentationItem } from '../shared/image/output';
import { readWaitOptions, requiredText, versionedName } from '../shared/parameters/read';
import { runSegmentation, runTask, type SegmentRun } from '../shared/runtime/segment-run';
import {
	missingResultError,
	succeededResultIds,
	taskFailedError,
	type SegmentationTask,
} from '../shared/task/model';
import { SellerPicClient } from '../vendors/sellerpic/client';
import { readSellerPicFormat } from '../vendors/sellerpic/formats';
import { SELLERPIC_LIMITS, sellerPicProfile } from '../vendors/sellerpic/profile';
import { SELLERPIC_SEGMENT_HISTORY } from './description';

type Run = SegmentRun<SellerPicClient>;

export async function executeSellerPicSegment(
	this: IExecuteFunctions,
): Promise<INodeExecutionData[][]> {
	return await runSegmentation(
		this,
		await SellerPicClient.create(this),
		sellerPicProfile.polling.maxConcurrentTasks,
		segmentItem,
	);
}

async function segmentItem(run: Run, itemIndex: number): Promise<INodeExecutionData> {
	const { context, client } = run;
	const mode = context.getNodeParameter(
		versionedName(context, SELLERPIC_SEGMENT_HISTORY, 'operation', 'mode'),
		itemIndex,
	) as 'prompt' | 'type';
	const request = readRequest(context, itemIndex, mode);
	const wait = context.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const waitOptions = wait ? readWaitOptions(context, itemIndex, sellerPicProfile) : undefined;
	const itemOptions = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const options = readBinaryOutputOptions(itemOptions);

	const limits = SELLERPIC_LIMITS[mode];
	const image = await run.uploadSlots.use(
		async () => await resolveImageKey(run, itemIndex, limits),
	);
	const create = async () =>
		queuedTask(
			request.mode === 'prompt'
				? await client.createPromptTask(image.imageKey, request.prompt)
				: await client.createTypeTask(image.imageKey, request.type, request.expandPixels),
		);
	const baseJson: IDataObject = {
		vendor: sellerPicProfile.id,
		imageKey: image.imageKey,
		...request,
	};

	const task = await runTask(
		run,
		{ create, getTask: async (taskId) => await client.getTask(taskId) },
		waitOptions,
	);
	if (!waitOptions)
		return { json: { ...baseJson, taskId: task.taskId, status: task.status, done: task.done } };
	if (task.status === 'failed') throw taskFailedError(task, sellerPicProfile.hints.taskFailed);

	const resultIds = succeededResultIds(task);
	if (!resultIds.length)
		throw missingResultError(task, 'result ID', sellerPicProfile.nodeNames.checkTask);
	const format = readSellerPicFormat(itemOptions.maskFormat ?? 'png');
	const uhd = itemOptions.uhd === true;
	// Every result that succeeded, in SellerPic's order: its URL, and its mask when asked for.
	const maskUrls: string[] = [];
	const masks: FileData[] = [];
	for (const [index, resultId] of resultIds.entries()) {
		if (options.downloadMask) {
			const file = await client.downloadResult(resultId, format, uhd);
			maskUrls.push(file.url);
			masks.push(maskFromBytes(file.data, image.sourceName, index));
		} else {
			maskUrls.push((await client.getDownloadUrl(resultId, format, uhd)).url);
		}
	}
	const json = {
		...baseJson,
		taskId: task.taskId,
		status: task.status,
		done: task.done,
		resultIds,
		maskUrl: maskUrls[0],
		maskUrls,
	};
	return await segmentationItem(context, itemIndex, json, masks, options);
}

type SegmentRequest =
	| { mode: 'prompt'; prompt: string }
	| { mode: 'type'; type: string; expandPixels: number };

function readRequest(
	context: IExecuteFunctions,
	itemIndex: number,
	mode: 'prompt' | 'type',
): SegmentRequest {
	if (mode === 'prompt') {
		return {
			mode,
			prompt: requiredText(
				context,
				'prompt',
				itemIndex,
				'Prompt',
				'Describe what to segment, for example "sofa".',
			),
		};
	}
	const type = requiredText(
		context,
		'segmentType',
		itemIndex,
		'Segment Type',
		'Give the kind of object to segment.',
	);
	const expandPixels = Number(context.getNodeParameter('expandPixels', itemIndex, 0));
	if (!Number.isInteger(expandPixels)) {
		throw new InputError(
			`Expand Pixels must be a whole number (got ${expandPixels})`,
			'Use a whole number of pixels, such as 0 or 4.',
		);
	}
	return { mode, type, expandPixels };
}

async function resolveImageKey(run: Run, itemIndex: number, limits: ImageLimits) {
	const { context, client } = run;
	const source = context.getNodeParameter('imageSource', itemIndex) as 'binary' | 'url' | 'fileKey';
	if (source === 'fileKey') {
		const imageKey = requiredText(
			context,
			'fileKey',
			itemIndex,
			'File Key',
			'Give the fileKey of an image uploaded to SellerPic.',
		);
		return { imageKey, sourceName: imageKey.split('/').pop() };
	}
	const image =
		source === 'binary'
			? await readBinaryImage(
					context,
					itemIndex,
					context.getNodeParameter('binaryPropertyName', itemIndex) as string,
					limits,
				)
			: await fetchImage(
					context,
					requiredText(
						context,
						'imageUrl',
						itemIndex,
						'Image URL',
						'Give the public URL of the image.',
					),
					limits,
				);
	checkImage(image.data, limits);
	return { imageKey: await client.upload(image), sourceName: image.fileName };
}

function queuedTask(taskId: string): SegmentationTask {
	const { id: vendor, name: vendorName } = sellerPicProfile;
	return {
		vendor,
		vendorName,
		taskId,
		status: 'queued',
		done: false,
		results: [],
		error: null,
		raw: {},
	};
}
