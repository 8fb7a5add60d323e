import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { VendorApiError } from '../errors';
import type { Resolve } from './result-files';
import type { SegmentationTask } from './model';

/**
 * The numbers behind a vendor's Poll Interval, Max Wait and Max Concurrent Tasks, on every node
 * that waits for its tasks.
 */
export interface PollingProfile {
	/**
	 * The vendor's rule: the least time between two checks of one task. A shorter Poll Interval
	 * overrides it (for accounts allowed faster checks).
	 */
	minGapMs: number;
	/** How long a task typically takes: a guess, used while a run has learned nothing. */
	expectedDurationMs: number;
	pollIntervalSeconds: number;
	/**
	 * The vendor's rules as they bear on Poll Interval, added to its description after what it
	 * means (the same for every vendor).
	 */
	pollIntervalNote: string;
	maxWaitSeconds: number;
	maxConcurrentTasks: number;
	maxConcurrentTasksDescription: string;
}

/** What is true of one vendor, as the nodes and the shared code see it. */
export interface VendorProfile {
	/** The value of the Vendor parameter and of `vendor` in the output. */
	id: string;
	/** The name people read. */
	name: string;
	credentialType: string;
	/** Whether an ID has the shape of this vendor's task IDs. */
	isTaskId: (id: string) => boolean;
	/** How this vendor's IDs look, for error messages ("… IDs are whole numbers such as …"). */
	idExample: string;
	polling: PollingProfile;
	/**
	 * The nodes that check this vendor's tasks and get their download URLs, as the package names
	 * them.
	 */
	nodeNames: { checkTask: string; downloadUrl?: string };
	/** How long a result's download link lasts, e.g. "12 hours". */
	linkLifetime: string;
	hints: {
		/** Advice when the vendor does not know a task ID. */
		taskNotFound: string;
		/** Advice when the vendor ran a task and it failed. */
		taskFailed: string;
	};
}

/**
 * Get Segmentation Download URL for one vendor: its parameters and how it turns them into files.
 */
export interface DownloadUrlSupport {
	/** The parameters that identify the result (shown for this vendor only). */
	properties: INodeProperties[];
	/** `vendors`: every vendor the node serves, so an ID of another one is named as such. */
	resolver: (context: IExecuteFunctions, vendors: readonly VendorProfile[]) => Promise<Resolve>;
}

/**
 * A vendor as the cross-vendor nodes (Check Segmentation Task, Get Segmentation Download URL) reach
 * it.
 */
export interface TaskVendor extends VendorProfile {
	/** Reads this vendor's tasks by ID; an unknown ID fails with the vendor's not-found hint. */
	taskReader: (
		context: IExecuteFunctions,
	) => Promise<(taskId: string) => Promise<SegmentationTask>>;
	downloadUrl: DownloadUrlSupport;
}

/** "A", "A or B", "A, B or C": the vendors' names for a sentence. */
export function vendorNames(vendors: readonly VendorProfile[]): string {
	const names = vendors.map(({ name }) => name);
	return names.length > 1
		? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`
		: names[0];
}

/** Which of the vendors an ID belongs to, judged by its shape; undefined for none. */
export function vendorOfId<V extends VendorProfile>(
	id: string,
	vendors: readonly V[],
): V | undefined {
	return vendors.find((vendor) => vendor.isTaskId(id));
}

/**
 * The same error with advice added, for vendor rejections of the request (not for transient
 * failures or refused credentials).
 * `append`: add to the advice already there; otherwise only errors without advice get it.
 */
export function withHint(error: unknown, hint: string, append = false): unknown {
	if (!(error instanceof VendorApiError) || error.retryable) return error;
	if (error.details.httpStatus === 401 || error.details.httpStatus === 403) return error;
	const { hint: existing } = error.details;
	if (existing && !append) return error;
	return error.with({ hint: existing ? `${existing} ${hint}` : hint });
}
