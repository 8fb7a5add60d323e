import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { vendorCredentials, vendorSubtitle } from '../shared/parameters/common.descriptions';
import { checkTaskProperties } from '../shared/task-nodes/check-task.description';
import { checkSegmentationTasks } from '../shared/task-nodes/check-task.execute';
import { sellerPic } from '../vendors/sellerpic';

const VENDORS = [sellerPic];

/** Check Segmentation Task for SellerPic alone: the task check of SellerPic's own package, no Vendor parameter. */
export class SellerPicCheckTask implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SellerPic Check Task',
		name: 'sellerPicCheckTask',
		icon: { light: 'file:sellerpic.svg', dark: 'file:sellerpic.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: vendorSubtitle(
			VENDORS,
			'($parameter["waitForCompletion"] ? ", wait for completion" : "")',
		),
		description: 'Get the status of a SellerPic segmentation task by its task ID',
		defaults: { name: 'SellerPic Check Task' },
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
