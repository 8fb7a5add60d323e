import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { properties } from './description';
import { executeSellerPicSegment } from './execute';

export class SellerPicSegment implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SellerPic Segment',
		name: 'sellerPicSegment',
		icon: { light: 'file:sellerpic.svg', dark: 'file:sellerpic.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"by " + $parameter["mode"] + ($parameter["mode"] === "prompt" ? ": " + $parameter["prompt"] : "")}}',
		description:
			'Cut objects out of a product photo with SellerPic. Needs the image (a URL n8n can download, a binary file or a SellerPic file key) and what to cut out in a few words, e.g. "sofa". Returns a black-and-white mask (white = the object) at the URL in maskUrl, and the mask file unless Download Mask is off. Takes from about 10 seconds to a few minutes.',
		defaults: { name: 'SellerPic Segment' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'sellerPicApi', required: true }],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeSellerPicSegment.call(this);
	}
}
