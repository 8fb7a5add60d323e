import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { vendorCredentials, vendorSubtitle } from '../shared/parameters/common.descriptions';
import { VENDORS } from '../vendors/registry';
import { downloadUrlProperties } from './description';
import { getSegmentationDownloadUrls } from './execute';

export class GetSegmentationDownloadUrl implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Get Segmentation Download URL',
		name: 'getSegmentationDownloadUrl',
		icon: { light: 'file:segmentation.svg', dark: 'file:segmentation.dark.svg' },
		group: ['transform'],
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: vendorSubtitle(VENDORS, '($parameter["idType"] === "taskId" ? " task" : $parameter["idType"] ? " result" : " task")'),
		description: "Get the download link of a finished segmentation's mask, and the file if asked",
		defaults: { name: 'Get Segmentation Download URL' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: vendorCredentials(VENDORS),
		properties: downloadUrlProperties(VENDORS),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await getSegmentationDownloadUrls(this, VENDORS);
	}
}
