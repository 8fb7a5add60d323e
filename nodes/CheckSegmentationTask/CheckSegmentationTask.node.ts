import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { vendorCredentials } from '../shared/parameters/common.descriptions';
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
		description:
			'Get the status of a SellerPic or PiAPI segmentation task by its task ID (SellerPic IDs are numbers, PiAPI IDs are UUIDs). Returns status (queued, running, succeeded or failed), done, and error when the task failed, in one shape for both vendors. Takes about a second, or until the task is done with Wait Until Done.',
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
