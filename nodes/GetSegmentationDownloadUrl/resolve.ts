import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../shared/errors';
import { fileNameFromUrl } from '../shared/image/files';
import { inspectImage, MIME_TYPES } from '../shared/image/inspect';
import { readVendorId } from '../shared/parameters/read';
import { missingResultError, resultUrls, succeededResultIds, taskFailedError, VENDOR_NAMES, type SegmentationTask } from '../shared/task/model';
import type { PiApiClient } from '../vendors/piapi/client';
import { isSellerPicFormat, SELLERPIC_FORMAT_MIME_TYPES, type SellerPicClient } from '../vendors/sellerpic/client';
import { withHint } from '../shared/task/vendor';

export interface ResultFile {
	resultId?: string;
	url: string;
	fileName: string;
	/** Set when the file was downloaded. */
	data?: Buffer;
	mimeType?: string;
}

export interface Resolved {
	/** What identifies the request in the output: vendor, id, idType (and SellerPic's format and uhd). */
	request: IDataObject;
	files: ResultFile[];
}

export type Resolve = (context: IExecuteFunctions, itemIndex: number, download: boolean) => Promise<Resolved>;

/** SellerPic: a result ID, or a task ID whose every succeeded result is resolved. */
export function sellerPicResolver(client: SellerPicClient): Resolve {
	return async (context, itemIndex, download) => {
		const idType = context.getNodeParameter('idType', itemIndex, 'resultId') as string;
		if (idType !== 'resultId' && idType !== 'taskId') throw new InputError(`Unknown ID Type "${idType}"`, 'Use resultId or taskId.');
		const id = readVendorId(context, 'id', itemIndex, 'sellerpic', idType === 'taskId' ? 'Task ID' : 'Result ID');
		const format = String(context.getNodeParameter('format', itemIndex, 'png')).trim().toLowerCase();
		if (!isSellerPicFormat(format)) throw new InputError(`Format must be png, jpg or webp (got "${format}")`);
		const uhd = isTrue(context.getNodeParameter('uhd', itemIndex, false));

		const resultIds = idType === 'taskId' ? await taskResultIds(client, id) : [id];
		const files: ResultFile[] = [];
		for (const resultId of resultIds) {
			let link: { url: string; name?: string };
			try {
				link = await client.getDownloadUrl(resultId, format, uhd);
			} catch (error) {
				throw idType === 'resultId' ? withHint(error, `If ${id} is a task ID, set ID Type to Task ID.`, true) : error;
			}
			const fileName = sellerPicFileName(link.name, resultId, format);
			if (!download) {
				files.push({ resultId, url: link.url, fileName });
				continue;
			}
			// A link past its 12 hours answers 403: downloadResult then asks for a fresh one.
			const file = await client.downloadResult(resultId, format, uhd, link.url);
			files.push({ resultId, url: file.url, fileName, data: file.data, mimeType: mimeOf(file.data, file.mimeType, SELLERPIC_FORMAT_MIME_TYPES[format]) });
		}
		return { request: { vendor: 'sellerpic', id, idType, format, uhd }, files };
	};
}

async function taskResultIds(client: SellerPicClient, taskId: string) {
	let task: SegmentationTask;
	try {
		task = await client.getTask(taskId);
	} catch (error) {
		throw withHint(error, `Check the task ID: SellerPic does not know it. If ${taskId} is a result ID, set ID Type to Result ID.`);
	}
	assertSucceeded(task);
	const ids = succeededResultIds(task);
	if (!ids.length) throw missingResultError(task, 'result ID');
	return ids;
}

/** PiAPI: a completed task's output URL(s). */
export function piApiResolver(client: PiApiClient): Resolve {
	return async (context, itemIndex, download) => {
		const id = readVendorId(context, 'id', itemIndex, 'piapi', 'Task ID');
		const task = await client.getTask(id);
		assertSucceeded(task);
		const urls = resultUrls(task);
		if (!urls.length) throw missingResultError(task, 'output URL');
		const files: ResultFile[] = [];
		for (const [index, url] of urls.entries()) {
			const fileName = withExtension(fileNameFromUrl(url)) ?? `${id}${index ? `_${index + 1}` : ''}.png`;
			if (!download) {
				files.push({ url, fileName });
				continue;
			}
			const file = await client.downloadResult(url);
			files.push({ url, fileName, data: file.data, mimeType: mimeOf(file.data, file.mimeType, MIME_TYPES.png) });
		}
		return { request: { vendor: 'piapi', id, idType: 'taskId' }, files };
	};
}

/** A task still running is the workflow's timing, a failed one the vendor's verdict: both say what to do. */
function assertSucceeded(task: SegmentationTask) {
	const vendor = VENDOR_NAMES[task.vendor];
	if (!task.done) {
		throw new InputError(
			`${vendor} task ${task.taskId} is not done yet (status: ${task.status}), so it has no result to download`,
			'Wait for the task first: put Check Segmentation Task with Wait Until Done before this node.',
		);
	}
	if (task.status === 'failed') throw taskFailedError(task, { noResult: true });
}

/** SellerPic's own file name with the extension of the chosen format, else "<result id>.<format>". */
function sellerPicFileName(name: string | undefined, resultId: string, format: string) {
	const base = (name ?? '').split(/[\\/]/).pop()?.replace(/\.[^.]*$/, '').trim();
	return `${base || resultId}.${format}`;
}

/** A file name from a result URL gets ".png" when it has no extension (PiAPI's masks are PNG). */
function withExtension(name: string | undefined) {
	if (!name) return undefined;
	return /\.[A-Za-z0-9]{2,5}$/.test(name) ? name : `${name}.png`;
}

/** The bytes decide; the file host's Content-Type and the asked format are fallbacks. */
function mimeOf(data: Buffer, contentType: string | undefined, fallback: string) {
	const info = inspectImage(data);
	if (info) return MIME_TYPES[info.format];
	return contentType && contentType !== 'application/octet-stream' ? contentType : fallback;
}

function isTrue(value: unknown) {
	return value === true || String(value).trim().toLowerCase() === 'true';
}
