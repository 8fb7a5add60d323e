import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { processItems } from '../shared/runtime/items';
import { readVendor, readVendorId, readWaitOptions } from '../shared/parameters/read';
import { waitForTask } from '../shared/runtime/polling';
import { taskJson, type SegmentationTask, type Vendor } from '../shared/task/model';
import { PiApiClient } from '../vendors/piapi/client';
import { SellerPicClient } from '../vendors/sellerpic/client';
import { withHint } from '../shared/task/vendor';

/** Status checks are cheap reads; waiting items mostly sleep. */
const CONCURRENT_ITEMS = 10;

type GetTask = (taskId: string) => Promise<SegmentationTask>;

export async function executeCheckSegmentationTask(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const vendor = readVendor(this);
	const getTask = await taskReader(this, vendor);
	return [await processItems(this, CONCURRENT_ITEMS, async (itemIndex) => [{ json: taskJson(await checkTask(this, vendor, getTask, itemIndex)) }])];
}

async function checkTask(context: IExecuteFunctions, vendor: Vendor, getTask: GetTask, itemIndex: number) {
	const taskId = readVendorId(context, 'taskId', itemIndex, vendor, 'Task ID');
	const wait = context.getNodeParameter('waitUntilDone', itemIndex, false) as boolean;
	const waitOptions = wait ? readWaitOptions(context, itemIndex) : undefined;
	const task = await getTask(taskId);
	// A failed task is reported, not thrown: telling how the task went is this node's job.
	return waitOptions ? await waitForTask(task, async () => await getTask(taskId), waitOptions) : task;
}

async function taskReader(context: IExecuteFunctions, vendor: Vendor): Promise<GetTask> {
	const client = vendor === 'sellerpic' ? await SellerPicClient.create(context) : await PiApiClient.create(context);
	const hint =
		vendor === 'sellerpic'
			? 'Check the task ID: SellerPic does not know it. Use the taskId SellerPic Segment returned (not a result ID).'
			: 'Check the task ID: PiAPI does not know it (PiAPI keeps tasks about 3 days).';
	return async (taskId) => {
		try {
			return await client.getTask(taskId);
		} catch (error) {
			throw withHint(error, hint);
		}
	};
}
