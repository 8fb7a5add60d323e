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
		description: 'Cut out objects in product photos with SellerPic: returns a black-and-white mask',
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
