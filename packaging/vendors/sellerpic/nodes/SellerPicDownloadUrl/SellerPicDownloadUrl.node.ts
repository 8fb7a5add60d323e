import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { vendorCredentials, vendorSubtitle } from '../shared/parameters/common.descriptions';
import { downloadUrlProperties } from '../shared/task-nodes/get-download-url.description';
import { getSegmentationDownloadUrls } from '../shared/task-nodes/get-download-url.execute';
import { sellerPic } from '../vendors/sellerpic';

const VENDORS = [sellerPic];

/** Get Segmentation Download URL for SellerPic alone: the download-URL node of SellerPic's own package, no Vendor parameter. */
export class SellerPicDownloadUrl implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SellerPic Download URL',
		name: 'sellerPicDownloadUrl',
		icon: { light: 'file:sellerpic.svg', dark: 'file:sellerpic.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: vendorSubtitle(VENDORS, '($parameter["idType"] === "taskId" ? " task" : " result")'),
		description:
			"Get the download link of a finished SellerPic segmentation's mask, and the file if asked",
		defaults: { name: 'SellerPic Download URL' },
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
