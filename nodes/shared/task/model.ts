import type { IDataObject } from 'n8n-workflow';

import { VendorApiError } from '../errors';

export type TaskStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface TaskResult {
	/** The result's own id, where the vendor has one (some need it for a download URL). */
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
	/** The vendor's id, as in the output. */
	vendor: string;
	/** The vendor's name, for messages. */
	vendorName: string;
	taskId: string;
	status: TaskStatus;
	done: boolean;
	results: TaskResult[];
	error: TaskError | null;
	/** How long the task took from its creation to its end, when the vendor reports it. */
	durationMs?: number;
	/** The vendor's reply as received, for anything this model does not cover. */
	raw: IDataObject;
}

export function isDone(status: TaskStatus) {
	return status === 'succeeded' || status === 'failed';
}

/**
 * The overall status of a task from the statuses of its results: done only when every result is.
 */
export function combineResultStatuses(statuses: TaskStatus[]): TaskStatus {
	if (statuses.length === 0) return 'queued';
	if (statuses.some((status) => !isDone(status))) {
		return statuses.some((status) => status !== 'queued') ? 'running' : 'queued';
	}
	return statuses.every((status) => status === 'failed') ? 'failed' : 'succeeded';
}

/**
 * The SegmentationTask as output JSON: `{ vendor, taskId, status, done, maskUrls, results, error,
 * raw }`; `maskUrls` lists every mask URL the vendor gave with the task (none where it gives them
 * only through a download URL).
 */
export function taskJson(task: SegmentationTask): IDataObject {
	return {
		vendor: task.vendor,
		taskId: task.taskId,
		status: task.status,
		done: task.done,
		maskUrls: resultUrls(task),
		results: task.results.map(({ id, url, status }) => ({
			...(id === undefined ? {} : { id }),
			...(url === undefined ? {} : { url }),
			status,
		})),
		error: task.error ? { code: task.error.code, message: task.error.message } : null,
		raw: task.raw,
	};
}

/** The URLs of a task's results that have one (vendors that give the mask URLs with the task). */
export function resultUrls(task: SegmentationTask): string[] {
	return task.results.map((result) => result.url).filter((url): url is string => Boolean(url));
}

/** The error of a task the vendor ran and failed, with the vendor's advice. */
export function taskFailedError(task: SegmentationTask, hint: string): VendorApiError {
	return failedTaskError(
		task,
		`${task.vendorName} could not segment the image (task ${task.taskId})`,
		hint,
	);
}

/** Where a result was asked for (download URLs): the task failed, so it has none. */
export function noResultError(task: SegmentationTask): VendorApiError {
	return failedTaskError(
		task,
		`${task.vendorName} task ${task.taskId} failed, so it has no result to download`,
		'Run the segmentation again, perhaps with another prompt or image.',
	);
}

function failedTaskError(task: SegmentationTask, message: string, hint: string) {
	return new VendorApiError(`${message}: ${task.error?.message ?? 'no reason given'}`, {
		vendor: task.vendorName,
		vendorCode: task.error?.code || undefined,
		taskId: task.taskId,
		hint,
	});
}

/** The ids of a task's results that succeeded: what a vendor's download URL call takes. */
export function succeededResultIds(task: SegmentationTask): string[] {
	return task.results
		.filter((result) => result.status === 'succeeded' && result.id)
		.map((result) => result.id!);
}

/** A task reported done without what its result needs (a result id, a mask URL). */
export function missingResultError(
	task: SegmentationTask,
	what: string,
	checkNode: string,
): VendorApiError {
	const vendor = task.vendorName;
	return new VendorApiError(`${vendor} reported task ${task.taskId} done but gave no ${what}`, {
		vendor,
		taskId: task.taskId,
		hint: `Look at the task with ${checkNode}: its raw reply shows what ${vendor} returned.`,
	});
}
