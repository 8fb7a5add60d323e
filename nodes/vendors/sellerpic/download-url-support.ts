import type { INodeProperties } from 'n8n-workflow';

import { InputError } from '../../shared/errors';
import { readVendorId } from '../../shared/parameters/read';
import { assertSucceeded, mimeOf, type ResultFile } from '../../shared/task/result-files';
import {
	missingResultError,
	succeededResultIds,
	type SegmentationTask,
} from '../../shared/task/model';
import { withHint, type DownloadUrlSupport } from '../../shared/task/vendor';
import { SellerPicClient } from './client';
import { readSellerPicFormat, SELLERPIC_FORMATS, sellerPicFormatOptions } from './formats';
import { sellerPicProfile } from './profile';

/** Get Segmentation Download URL's parameters for SellerPic. */
const properties: INodeProperties[] = [
	{
		displayName: 'ID Type',
		name: 'idType',
		type: 'options',
		options: [
			{
				name: 'Result ID',
				value: 'resultId',
				description: `One result of a task (from SellerPic Segment or ${sellerPicProfile.nodeNames.checkTask})`,
			},
			{
				name: 'Task ID',
				value: 'taskId',
				description: 'A task: every result that succeeded is returned',
			},
		],
		default: 'resultId',
		description:
			'Whether ID is a result ID (resultIds[0] of SellerPic Segment) or a task ID (taskId)',
	},
	{
		displayName: 'ID',
		name: 'id',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.resultIds[0] }}',
		description: 'The SellerPic result ID or task ID, as set in ID Type',
	},
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		options: sellerPicFormatOptions,
		default: 'png',
		description: 'File format SellerPic converts the result to',
	},
	{
		displayName: 'UHD',
		name: 'uhd',
		type: 'boolean',
		default: false,
		description: 'Whether to ask for the high-resolution file (up to 4096 px on the long side)',
	},
];

/** SellerPic: a result ID, or a task ID whose every succeeded result is resolved. */
const resolver: DownloadUrlSupport['resolver'] = async (context, vendors) => {
	const client = await SellerPicClient.create(context);
	return async (context, itemIndex, download) => {
		const idType = context.getNodeParameter('idType', itemIndex, 'resultId') as string;
		if (idType !== 'resultId' && idType !== 'taskId')
			throw new InputError(`Unknown ID Type "${idType}"`, 'Use resultId or taskId.');
		const id = readVendorId(
			context,
			'id',
			itemIndex,
			sellerPicProfile,
			idType === 'taskId' ? 'Task ID' : 'Result ID',
			vendors,
		);
		const format = readSellerPicFormat(context.getNodeParameter('format', itemIndex, 'png'));
		const uhd = isTrue(context.getNodeParameter('uhd', itemIndex, false));

		const resultIds = idType === 'taskId' ? await taskResultIds(client, id) : [id];
		const files: ResultFile[] = [];
		for (const resultId of resultIds) {
			let link: { url: string; name?: string };
			try {
				link = await client.getDownloadUrl(resultId, format, uhd);
			} catch (error) {
				throw idType === 'resultId'
					? withHint(error, `If ${id} is a task ID, set ID Type to Task ID.`, true)
					: error;
			}
			const fileName = sellerPicFileName(link.name, resultId, format);
			if (!download) {
				files.push({ resultId, url: link.url, fileName });
				continue;
			}
			// A link past its 12 hours answers 403: downloadResult then asks for a fresh one.
			const file = await client.downloadResult(resultId, format, uhd, link.url);
			files.push({
				resultId,
				url: file.url,
				fileName,
				data: file.data,
				mimeType: mimeOf(file.data, file.mimeType, SELLERPIC_FORMATS[format].mimeType),
			});
		}
		return { request: { vendor: sellerPicProfile.id, id, idType, format, uhd }, files };
	};
};

async function taskResultIds(client: SellerPicClient, taskId: string) {
	let task: SegmentationTask;
	try {
		task = await client.getTask(taskId);
	} catch (error) {
		throw withHint(error, `If ${taskId} is a result ID, set ID Type to Result ID.`, true);
	}
	assertSucceeded(task, sellerPicProfile.nodeNames.checkTask);
	const ids = succeededResultIds(task);
	if (!ids.length)
		throw missingResultError(task, 'result ID', sellerPicProfile.nodeNames.checkTask);
	return ids;
}

/**
 * SellerPic's own file name with the extension of the chosen format, else "<result id>.<format>".
 */
function sellerPicFileName(name: string | undefined, resultId: string, format: string) {
	const base = (name ?? '')
		.split(/[\\/]/)
		.pop()
		?.replace(/\.[^.]*$/, '')
		.trim();
	return `${base || resultId}.${format}`;
}

function isTrue(value: unknown) {
	return value === true || String(value).trim().toLowerCase() === 'true';
}

export const sellerPicDownloadUrl: DownloadUrlSupport = { properties, resolver };
