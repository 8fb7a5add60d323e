import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../errors';
import { inspectImage, MIME_TYPES } from '../image/inspect';
import { noResultError, type SegmentationTask } from './model';

/** One file of a finished task, as Get Segmentation Download URL returns it. */
export interface ResultFile {
	resultId?: string;
	url: string;
	fileName: string;
	/** Set when the file was downloaded. */
	data?: Buffer;
	mimeType?: string;
}

export interface Resolved {
	/**
	 * What identifies the request in the output: vendor, id, idType (and the vendor's own choices,
	 * such as a format).
	 */
	request: IDataObject;
	files: ResultFile[];
}

/** Turns an item's parameters into the task's result files (downloaded when `download`). */
export type Resolve = (
	context: IExecuteFunctions,
	itemIndex: number,
	download: boolean,
) => Promise<Resolved>;

/**
 * A task still running is the workflow's timing, a failed one the vendor's verdict: both say what
 * to do.
 */
export function assertSucceeded(task: SegmentationTask, checkNode: string) {
	if (!task.done) {
		throw new InputError(
			`${task.vendorName} task ${task.taskId} is not done yet (status: ${task.status}), so it has no result to download`,
			`Wait for the task first: put ${checkNode} with Wait for Completion before this node.`,
		);
	}
	if (task.status === 'failed') throw noResultError(task);
}

/**
 * The bytes decide a file's type; the file host's Content-Type and the expected type are fallbacks.
 */
export function mimeOf(data: Buffer, contentType: string | undefined, fallback: string) {
	const info = inspectImage(data);
	if (info) return MIME_TYPES[info.format];
	return contentType && contentType !== 'application/octet-stream' ? contentType : fallback;
}
