import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runSegmentation } from '../shared/segment-run';
import { PiApiClient } from '../shared/transport/piapi.client';
import { waitForCallback } from './callback';
import { PIAPI_DEFAULT_CONCURRENCY } from './description';
import { pollItem } from './poll';

/** Runs PiAPI Segment in the wait mode the node is set to. */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const client = await PiApiClient.create(this);
	if (waitsForCallback(this)) return await waitForCallback(this, client);
	return await runSegmentation(this, client, PIAPI_DEFAULT_CONCURRENCY, pollItem);
}

function waitsForCallback(context: IExecuteFunctions) {
	return Boolean(context.getNodeParameter('waitForCompletion', 0, true)) && context.getNodeParameter('waitMode', 0, 'poll') === 'callback';
}
