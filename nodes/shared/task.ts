import type { IDataObject } from 'n8n-workflow';

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
	/** The vendor's reply as received, for anything this model does not cover. */
	raw: IDataObject;
}

export const VENDOR_NAMES: Record<Vendor, string> = { sellerpic: 'SellerPic', piapi: 'PiAPI' };

export const CREDENTIAL_TYPES: Record<Vendor, string> = { sellerpic: 'sellerPicApi', piapi: 'piApiApi' };

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
