import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { readBinaryOutputOptions, segmentationItem } from '../shared/image/output';
import { readWaitOptions } from '../shared/parameters/read';
import type { WaitOptions } from '../shared/runtime/polling';
import { completedResult, createdItem, runItemTask, type Run } from './item-task';

/** PiAPI documents no minimum between checks; one second keeps a late task from being polled hot. */
const MIN_POLL_GAP_MS = 1_000;

/** Undocumented; a first check this long after creation finds most segmentations done. */
const EXPECTED_TASK_MS = 5_000;

/** Wait Mode "Poll" (or no waiting): the item's task, checked until done while the execution runs. */
export async function pollItem(run: Run, itemIndex: number): Promise<INodeExecutionData> {
	const { context, client } = run;
	const wait = context.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const waitOptions = wait ? piApiWaitOptions(readWaitOptions(context, itemIndex)) : undefined;
	const output = readBinaryOutputOptions(context.getNodeParameter('options', itemIndex, {}) as IDataObject);

	const done = await runItemTask(run, itemIndex, { waitOptions });
	if (!waitOptions) return createdItem(done);
	const result = await completedResult(client, done.task, done.sourceName, output.downloadMask);
	return await segmentationItem(context, itemIndex, { ...done.baseJson, ...result.fields }, result.mask, output);
}

function piApiWaitOptions(options: WaitOptions): WaitOptions {
	return { ...options, minPollIntervalMs: Math.min(MIN_POLL_GAP_MS, options.pollIntervalMs), expectedDurationMs: EXPECTED_TASK_MS };
}
