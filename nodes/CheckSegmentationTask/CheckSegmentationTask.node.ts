import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { vendorCredentials } from '../shared/common.descriptions';
import { properties } from './description';
import { executeCheckSegmentationTask } from './execute';

export class CheckSegmentationTask implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Check Segmentation Task',
		name: 'checkSegmentationTask',
		icon: { light: 'file:segmentation.svg', dark: 'file:segmentation.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{($parameter["vendor"] === "piapi" ? "PiAPI" : "SellerPic") + ($parameter["waitUntilDone"] ? ", wait until done" : "")}}',
		description: 'Get the status and results of a SellerPic or PiAPI segmentation task, in one shape for both',
		defaults: { name: 'Check Segmentation Task' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: vendorCredentials,
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeCheckSegmentationTask.call(this);
	}
}
