import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { readBinaryOutputOptions, segmentationItem } from '../shared/image/output';
import { readWaitOptions } from '../shared/parameters/read';
import { piApiProfile } from '../vendors/piapi/profile';
import { completedResult, createdItem, runItemTask, type Run } from './item-task';

/**
 * Wait Mode "Poll" (or no waiting): the item's task, checked until done while the execution runs.
 */
export async function pollItem(run: Run, itemIndex: number): Promise<INodeExecutionData> {
	const { context, client } = run;
	const wait = context.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const waitOptions = wait ? readWaitOptions(context, itemIndex, piApiProfile) : undefined;
	const output = readBinaryOutputOptions(
		context.getNodeParameter('options', itemIndex, {}) as IDataObject,
	);

	const done = await runItemTask(run, itemIndex, { waitOptions });
	if (!waitOptions) return createdItem(done);
	const result = await completedResult(client, done.task, done.sourceName, output.downloadMask);
	return await segmentationItem(
		context,
		itemIndex,
		{ ...done.baseJson, ...result.fields },
		result.masks,
		output,
	);
}
