import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { FileData } from '../shared/image/files';
import { addMasks, maskFromBytes } from '../shared/image/output';
import { downloadPiApiResult } from '../vendors/piapi/client';

/**
 * The trigger's step in the execution its webhook started (n8n runs a node's `execute` with the
 * webhook's items): adds a completed task's mask, when asked, on the process that runs the
 * execution (a worker in queue mode), after PiAPI has had its answer.
 */
export async function emitTasks(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const items = this.getInputData();
	return [
		await Promise.all(
			items.map(async (item, itemIndex) => ({
				...(await withMask(this, item, options)),
				pairedItem: { item: itemIndex },
			})),
		),
	];
}

async function withMask(
	context: IExecuteFunctions,
	item: INodeExecutionData,
	options: IDataObject,
): Promise<INodeExecutionData> {
	const { json } = item;
	const maskUrls = Array.isArray(json.maskUrls) ? json.maskUrls.map(String) : [];
	if (!options.downloadMask || json.status !== 'succeeded' || !maskUrls.length) return { json };
	try {
		const masks: FileData[] = [];
		for (const [index, url] of maskUrls.entries())
			masks.push(
				maskFromBytes((await downloadPiApiResult(context, url)).data, String(json.taskId), index),
			);
		const binary = await addMasks(context, {}, masks, String(options.maskBinaryField || 'mask'));
		return { json, binary };
	} catch (error) {
		// The task is still worth a run: say why the mask is missing instead of dropping it.
		return {
			json: { ...json, maskDownloadError: error instanceof Error ? error.message : String(error) },
		};
	}
}
