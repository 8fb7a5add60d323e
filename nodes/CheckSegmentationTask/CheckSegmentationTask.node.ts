import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { vendorCredentials, vendorSubtitle } from '../shared/parameters/common.descriptions';
import { VENDORS } from '../vendors/registry';
import { checkTaskProperties } from './description';
import { checkSegmentationTasks } from './execute';

export class CheckSegmentationTask implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Check Segmentation Task',
		name: 'checkSegmentationTask',
		icon: { light: 'file:segmentation.svg', dark: 'file:segmentation.dark.svg' },
		group: ['transform'],
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: vendorSubtitle(VENDORS, '($parameter["waitForCompletion"] || $parameter["waitUntilDone"] ? ", wait for completion" : "")'),
		description: 'Get the status of a segmentation task by its task ID',
		defaults: { name: 'Check Segmentation Task' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: vendorCredentials(VENDORS),
		properties: checkTaskProperties(VENDORS),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await checkSegmentationTasks(this, VENDORS);
	}
}
