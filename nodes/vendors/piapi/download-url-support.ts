import type { INodeProperties } from 'n8n-workflow';

import { fileNameFromUrl } from '../../shared/image/files';
import { MIME_TYPES } from '../../shared/image/inspect';
import { readVendorId } from '../../shared/parameters/read';
import { assertSucceeded, mimeOf, type ResultFile } from '../../shared/task/result-files';
import { missingResultError, resultUrls } from '../../shared/task/model';
import type { DownloadUrlSupport } from '../../shared/task/vendor';
import { PiApiClient } from './client';
import { piApiProfile } from './profile';

/** Get Segmentation Download URL's parameters for PiAPI. */
const properties: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'id',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.taskId }}',
		description: 'The ID of a completed PiAPI segmentation task (a UUID)',
	},
];

/** PiAPI: a completed task's output URL(s). */
const resolver: DownloadUrlSupport['resolver'] = async (context, vendors) => {
	const client = await PiApiClient.create(context);
	return async (context, itemIndex, download) => {
		const id = readVendorId(context, 'id', itemIndex, piApiProfile, 'Task ID', vendors);
		const task = await client.getTask(id);
		assertSucceeded(task, piApiProfile.nodeNames.checkTask);
		const urls = resultUrls(task);
		if (!urls.length)
			throw missingResultError(task, 'output URL', piApiProfile.nodeNames.checkTask);
		const files: ResultFile[] = [];
		for (const [index, url] of urls.entries()) {
			const fileName =
				withExtension(fileNameFromUrl(url)) ?? `${id}${index ? `_${index + 1}` : ''}.png`;
			if (!download) {
				files.push({ url, fileName });
				continue;
			}
			const file = await client.downloadResult(url);
			files.push({
				url,
				fileName,
				data: file.data,
				mimeType: mimeOf(file.data, file.mimeType, MIME_TYPES.png),
			});
		}
		return { request: { vendor: piApiProfile.id, id, idType: 'taskId' }, files };
	};
};

/** A file name from a result URL gets ".png" when it has no extension (PiAPI's masks are PNG). */
function withExtension(name: string | undefined) {
	if (!name) return undefined;
	return /\.[A-Za-z0-9]{2,5}$/.test(name) ? name : `${name}.png`;
}

export const piApiDownloadUrl: DownloadUrlSupport = { properties, resolver };
