import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	readVendor,
	readVendorId,
	readWaitOptions,
	versionedName,
	type NodeHistory,
} from '../parameters/read';
import { processItems } from '../runtime/items';
import { RunTimings, waitForTask } from '../runtime/polling';
import { taskJson } from '../task/model';
import type { TaskVendor } from '../task/vendor';

/** Status checks are cheap reads; waiting items mostly sleep. */
const CONCURRENT_ITEMS = 10;

/**
 * Check Segmentation Task for the vendors it serves. Waiting uses the vendor's own schedule, as
 * its Segment node does, and what one task teaches about the pace the others of the run use.
 */
export async function checkSegmentationTasks(
	context: IExecuteFunctions,
	vendors: readonly TaskVendor[],
	history: NodeHistory = {},
): Promise<INodeExecutionData[][]> {
	const vendor = readVendor(context, vendors);
	const getTask = await vendor.taskReader(context);
	const timings = new RunTimings();
	const waitSwitch = versionedName(context, history, 'waitForCompletion', 'waitUntilDone');
	return [
		await processItems(context, CONCURRENT_ITEMS, async (itemIndex) => {
			const taskId = readVendorId(context, 'taskId', itemIndex, vendor, 'Task ID', vendors);
			const wait = context.getNodeParameter(waitSwitch, itemIndex, false) as boolean;
			const waitOptions = wait ? readWaitOptions(context, itemIndex, vendor) : undefined;
			// A failed task is reported, not thrown: telling how the task went is this node's job.
			// Waiting checks the task at once: the vendor's minimum gap counts from that check.
			const checked = waitOptions
				? await waitForTask(undefined, async () => await getTask(taskId), waitOptions, timings)
				: await getTask(taskId);
			return [{ json: taskJson(checked) }];
		}),
	];
}
