import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { Semaphore } from './concurrency';
import { processItems } from './items';
import { TaskDurations } from './polling';

/** What the items of one Segment node run share: the vendor client and the limits on work in flight. */
export interface SegmentRun<Client> {
	context: IExecuteFunctions;
	client: Client;
	/** At most Max Concurrent Tasks tasks at the vendor, from create until done. */
	taskSlots: Semaphore;
	/** Bounds the images held in memory: an image is read only once it may be uploaded. */
	uploadSlots: Semaphore;
	durations: TaskDurations;
}

/**
 * Runs a Segment node's items with the vendor's concurrency. Twice as many items are in
 * progress as task slots, so uploads and downloads overlap the vendor's work.
 */
export async function runSegmentation<Client>(
	context: IExecuteFunctions,
	client: Client,
	defaultConcurrency: number,
	segmentItem: (run: SegmentRun<Client>, itemIndex: number) => Promise<INodeExecutionData>,
): Promise<INodeExecutionData[][]> {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const maxConcurrent = Math.max(1, Number(options.maxConcurrentTasks ?? defaultConcurrency));
	const run: SegmentRun<Client> = {
		context,
		client,
		taskSlots: new Semaphore(maxConcurrent),
		uploadSlots: new Semaphore(maxConcurrent),
		durations: new TaskDurations(),
	};
	return [await processItems(context, maxConcurrent * 2, async (itemIndex) => [await segmentItem(run, itemIndex)])];
}
