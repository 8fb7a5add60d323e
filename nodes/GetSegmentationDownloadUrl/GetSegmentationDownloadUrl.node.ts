import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { vendorCredentials, vendorSubtitle } from '../shared/parameters/common.descriptions';
import { VENDORS } from '../vendors/registry';
import { downloadUrlProperties } from '../shared/task-nodes/get-download-url.description';
import { getSegmentationDownloadUrls } from '../shared/task-nodes/get-download-url.execute';

/**
 * Version 1.1 renamed Download File and Put Output File in Field to Download Mask and Mask Binary
 * Field.
 */
const HISTORY = { renamedIn: 1.1 };

export class GetSegmentationDownloadUrl implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Get Segmentation Download URL',
		name: 'getSegmentationDownloadUrl',
		icon: { light: 'file:segmentation.svg', dark: 'file:segmentation.dark.svg' },
		group: ['transform'],
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: vendorSubtitle(
			VENDORS,
			'($parameter["idType"] === "taskId" ? " task" : $parameter["idType"] ? " result" : " task")',
		),
		description: "Get the download link of a finished segmentation's mask, and the file if asked",
		defaults: { name: 'Get Segmentation Download URL' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: vendorCredentials(VENDORS),
		properties: downloadUrlProperties(VENDORS, HISTORY),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await getSegmentationDownloadUrls(this, VENDORS, HISTORY);
	}
}
