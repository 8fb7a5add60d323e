import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { vendorCredentials } from '../shared/parameters/common.descriptions';
import { properties } from './description';
import { executeGetSegmentationDownloadUrl } from './execute';

export class GetSegmentationDownloadUrl implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Get Segmentation Download URL',
		name: 'getSegmentationDownloadUrl',
		icon: { light: 'file:segmentation.svg', dark: 'file:segmentation.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{$parameter["vendor"] === "piapi" ? "PiAPI task" : "SellerPic " + ($parameter["idType"] === "taskId" ? "task" : "result") + ", " + $parameter["format"]}}',
		description:
			'Get the download URL of a finished SellerPic or PiAPI segmentation by task ID or result ID, and optionally the file itself. Returns the mask URL in url (every result in files); the link needs no API key and lasts 12 hours at SellerPic, about 3 days at PiAPI. Takes about a second.',
		defaults: { name: 'Get Segmentation Download URL' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: vendorCredentials,
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeGetSegmentationDownloadUrl.call(this);
	}
}
