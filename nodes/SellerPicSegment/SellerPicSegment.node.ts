import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { sellerPicProfile } from '../vendors/sellerpic/profile';
import { properties } from './description';
import { executeSellerPicSegment } from './execute';

export class SellerPicSegment implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SellerPic Segment',
		name: 'sellerPicSegment',
		icon: { light: 'file:sellerpic.svg', dark: 'file:sellerpic.dark.svg' },
		group: ['transform'],
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle:
			'={{$parameter["operation"] === "type" || $parameter["mode"] === "type" ? "by type" : "by prompt: " + $parameter["prompt"]}}',
		description:
			'Cut an object out of a product photo with SellerPic and get its black-and-white mask',
		defaults: { name: 'SellerPic Segment' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: sellerPicProfile.credentialType, required: true }],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeSellerPicSegment.call(this);
	}
}
