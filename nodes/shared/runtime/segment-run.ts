import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { AccountCapacity, joinAccount } from './backpressure';
import { planLimitOnce, type ReadPlanLimit } from './plan-limit';
import { Semaphore } from './concurrency';
import { processItems } from './items';
import { RunTimings, waitForTask, type WaitOptions } from './polling';
import type { SegmentationTask } from '../task/model';

/**
 * What the items of one Segment node run share: the vendor client and the limits on work in flight.
 */
export interface SegmentRun<Client> {
	context: IExecuteFunctions;
	client: Client;
	/** At most Max Concurrent Tasks tasks at the vendor, from create until done. */
	taskSlots: Semaphore;
	/**
	 * What this process has learned of the account's capacity, shared with its other runs on the
	 * account.
	 */
	capacity: AccountCapacity;
	/** Bounds the images held in memory: an image is read only once it may be uploaded. */
	uploadSlots: Semaphore;
	/** What the run learns about how long its tasks take. */
	timings: RunTimings;
	/**
	 * Asks the vendor what it tells of the account (the plan's limit) before the run's first create,
	 * once; a run whose items fail before any create asks nothing.
	 */
	knowAccount?: () => Promise<void>;
}

/** What a vendor can tell of its account before the run (all optional). */
export interface AccountFacts {
	/** Asks the vendor for the plan's limit on tasks at once; at most once per account and execution. */
	readPlanLimit?: ReadPlanLimit;
}

/**
 * Runs a Segment node's items with the vendor's concurrency. Twice as many items are in
 * progress as task slots, so uploads and downloads overlap the vendor's work. Where the vendor
 * reports the plan's limit, the account's capacity starts at it.
 */
export async function runSegmentation<Client>(
	context: IExecuteFunctions,
	client: Client,
	defaultConcurrency: number,
	segmentItem: (run: SegmentRun<Client>, itemIndex: number) => Promise<INodeExecutionData>,
	facts: AccountFacts = {},
): Promise<INodeExecutionData[][]> {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const maxConcurrent = Math.max(1, Number(options.maxConcurrentTasks ?? defaultConcurrency));
	const key = accountKey(context);
	const account = joinAccount(key);
	const { readPlanLimit } = facts;
	let asked: Promise<void> | undefined;
	const run: SegmentRun<Client> = {
		context,
		client,
		taskSlots: new Semaphore(maxConcurrent),
		capacity: account.capacity,
		uploadSlots: new Semaphore(maxConcurrent),
		// An early probe pays off only when later tasks of this run can use what it learns.
		timings: new RunTimings(context.getInputData().length > maxConcurrent),
		knowAccount: readPlanLimit
			? async () =>
					await (asked ??= planLimitOnce(context, key, readPlanLimit).then((limit) => {
						if (limit !== undefined) account.capacity.knowPlanLimit(limit);
					}))
			: undefined,
	};
	try {
		return [
			await processItems(context, maxConcurrent * 2, async (itemIndex) => [
				await segmentItem(run, itemIndex),
			]),
		];
	} finally {
		account.leave();
	}
}

/**
 * The vendor account a node run uses: its credential (type and id), the same in every run that uses
 * it.
 */
function accountKey(context: IExecuteFunctions): string {
	const node = context.getNode();
	const credentials = Object.entries(node.credentials ?? {}).map(
		([type, credential]) => `${type}:${credential.id ?? credential.name}`,
	);
	return credentials.length ? credentials.sort().join(',') : `${node.type}:no credential`;
}

/** How long a create may wait for vendor capacity when the node does not wait for results. */
const CAPACITY_WAIT_WITHOUT_POLLING_MS = 15 * 60_000;

export interface TaskCalls {
	create: () => Promise<SegmentationTask>;
	getTask: (taskId: string) => Promise<SegmentationTask>;
}

/**
 * Creates the item's task, waiting while the vendor is at capacity (the account's capacity, as
 * this process has learned it). With wait options, holds a task slot from the create until the
 * task is done and returns it done; without, returns the task as created.
 */
export async function runTask<Client>(
	run: SegmentRun<Client>,
	calls: TaskCalls,
	waitOptions?: WaitOptions,
): Promise<SegmentationTask> {
	const signal = run.context.getExecutionCancelSignal();
	await run.knowAccount?.();
	if (!waitOptions) {
		return (
			await run.capacity.create(calls.create, {
				maxWaitMs: CAPACITY_WAIT_WITHOUT_POLLING_MS,
				signal,
				followed: false,
			})
		).value;
	}
	return await run.taskSlots.use(async () => {
		const created = await run.capacity.create(calls.create, {
			maxWaitMs: waitOptions.maxWaitMs,
			signal,
			followed: true,
		});
		let finished = false;
		try {
			const task = await waitForTask(
				created.value,
				async () => await calls.getTask(created.value.taskId),
				waitOptions,
				run.timings,
			);
			finished = true;
			return task;
		} finally {
			// A task that was not seen done (Max Wait, a failed check, cancelled) no longer counts as
			// this process's.
			created.release(finished);
		}
	});
}
