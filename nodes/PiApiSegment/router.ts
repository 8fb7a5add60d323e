import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { processItems } from '../shared/runtime/items';
import { runSegmentation } from '../shared/runtime/segment-run';
import { notForToolsError, runsAsTool } from '../shared/runtime/tool-mode';
import { PiApiClient } from '../vendors/piapi/client';
import { piApiProfile } from '../vendors/piapi/profile';
import { waitForCallback } from './callback';
import { pollItem } from './poll';

/** Runs PiAPI Segment in the wait mode the node is set to. */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const callback = waitsForCallback(this);
	if (callback && runsAsTool(this)) return [await processItems(this, 1, refuseCallbackAsTool)];
	const client = await PiApiClient.create(this);
	if (callback) return await waitForCallback(this, client);
	return await runSegmentation(this, client, piApiProfile.polling.maxConcurrentTasks, pollItem, {
		readPlanLimit: async () => await client.planLimit(),
	});
}

/**
 * Every item fails: an agent waits for its tool's answer, and callback mode would pause the
 * execution instead.
 */
async function refuseCallbackAsTool(): Promise<INodeExecutionData[]> {
	throw notForToolsError(
		'Wait Mode "Webhook Callback"',
		"It pauses the execution until PiAPI calls back, while the agent waits for the tool's answer.",
		'Set Wait Mode to "Poll" in this tool node.',
	);
}

function waitsForCallback(context: IExecuteFunctions) {
	return (
		Boolean(context.getNodeParameter('waitForCompletion', 0, true)) &&
		context.getNodeParameter('waitMode', 0, 'poll') === 'callback'
	);
}
