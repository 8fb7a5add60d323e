import type { IDataObject } from 'n8n-workflow';

import { VendorApiError } from '../errors';

export type Vendor = 'sellerpic' | 'piapi';

export type TaskStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface TaskResult {
	/** SellerPic's result id (needed for Get Download Url); PiAPI results have none. */
	id?: string;
	/** The mask's URL, where the vendor already gives one. */
	url?: string;
	status: TaskStatus;
}

export interface TaskError {
	code: string;
	message: string;
}

/** One shape for a segmentation task of either vendor. */
export interface SegmentationTask {
	vendor: Vendor;
	taskId: string;
	status: TaskStatus;
	done: boolean;
	results: TaskResult[];
	error: TaskError | null;
	/** How long the task took from its creation to its end, when the vendor reports it (PiAPI). */
	durationMs?: number;
	/** The vendor's reply as received, for anything this model does not cover. */
	raw: IDataObject;
}

export const VENDOR_NAMES: Record<Vendor, string> = { sellerpic: 'SellerPic', piapi: 'PiAPI' };

export function isDone(status: TaskStatus) {
	return status === 'succeeded' || status === 'failed';
}

/** The overall status of a task from the statuses of its results: done only when every result is. */
export function combineResultStatuses(statuses: TaskStatus[]): TaskStatus {
	if (statuses.length === 0) return 'queued';
	if (statuses.some((status) => !isDone(status))) {
		return statuses.some((status) => status !== 'queued') ? 'running' : 'queued';
	}
	return statuses.every((status) => status === 'failed') ? 'failed' : 'succeeded';
}

/** The SegmentationTask as output JSON: `{ vendor, taskId, status, done, results, error, raw }`. */
export function taskJson(task: SegmentationTask): IDataObject {
	return {
		vendor: task.vendor,
		taskId: task.taskId,
		status: task.status,
		done: task.done,
		results: task.results.map(({ id, url, status }) => ({
			...(id === undefined ? {} : { id }),
			...(url === undefined ? {} : { url }),
			status,
		})),
		error: task.error ? { code: task.error.code, message: task.error.message } : null,
		raw: task.raw,
	};
}

/** The URLs of a task's results that have one (PiAPI gives the mask URLs with the task). */
export function resultUrls(task: SegmentationTask): string[] {
	return task.results.map((result) => result.url).filter((url): url is string => Boolean(url));
}

const TASK_FAILED_HINTS: Record<Vendor, string> = {
	sellerpic: 'Try a clearer prompt, or check the image. Failed tasks are refunded by SellerPic.',
	piapi: 'Check that the image URL is public and the prompt names something in the image.',
};

/**
 * The error of a task the vendor ran and failed. `noResult`: raised where a result was asked for
 * (download URLs), so the message says there is none.
 */
export function taskFailedError(task: SegmentationTask, { noResult = false } = {}): VendorApiError {
	const vendor = VENDOR_NAMES[task.vendor];
	const reason = task.error?.message ?? 'no reason given';
	const message = noResult
		? `${vendor} task ${task.taskId} failed, so it has no result to download: ${reason}`
		: `${vendor} could not segment the image (task ${task.taskId}): ${reason}`;
	return new VendorApiError(message, {
		vendor,
		vendorCode: task.error?.code || undefined,
		taskId: task.taskId,
		hint: noResult ? 'Run the segmentation again, perhaps with another prompt or image.' : TASK_FAILED_HINTS[task.vendor],
	});
}

/** The ids of a task's results that succeeded: what SellerPic's Get Download Url takes. */
export function succeededResultIds(task: SegmentationTask): string[] {
	return task.results.filter((result) => result.status === 'succeeded' && result.id).map((result) => result.id!);
}

/** A task reported done without what its result needs (a result id, a mask URL). */
export function missingResultError(task: SegmentationTask, what: string): VendorApiError {
	const vendor = VENDOR_NAMES[task.vendor];
	return new VendorApiError(`${vendor} reported task ${task.taskId} done but gave no ${what}`, {
		vendor,
		taskId: task.taskId,
		hint: `Look at the task with Check Segmentation Task: its raw reply shows what ${vendor} returned.`,
	});
}
