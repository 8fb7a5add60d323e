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
import { piApi } from '../vendors/piapi';

const VENDORS = [piApi];

/** Check Segmentation Task for PiAPI alone: the task check of PiAPI's own package, no Vendor parameter. */
export class PiApiCheckTask implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'PiAPI Check Task',
		name: 'piApiCheckTask',
		icon: { light: 'file:piapi.svg', dark: 'file:piapi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: vendorSubtitle(
			VENDORS,
			'($parameter["waitForCompletion"] ? ", wait for completion" : "")',
		),
		description: 'Get the status of a PiAPI segmentation task by its task ID',
		defaults: { name: 'PiAPI Check Task' },
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
