import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { vendorCredentials, vendorSubtitle } from '../shared/parameters/common.descriptions';
import { VENDORS } from '../vendors/registry';
import { checkTaskProperties } from '../shared/task-nodes/check-task.description';
import { checkSegmentationTasks } from '../shared/task-nodes/check-task.execute';

/** Version 1.1 renamed Wait Until Done to Wait for Completion, as the Segment nodes call it. */
const HISTORY = { renamedIn: 1.1 };

export class CheckSegmentationTask implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Check Segmentation Task',
		name: 'checkSegmentationTask',
		icon: { light: 'file:segmentation.svg', dark: 'file:segmentation.dark.svg' },
		group: ['transform'],
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: vendorSubtitle(
			VENDORS,
			'($parameter["waitForCompletion"] || $parameter["waitUntilDone"] ? ", wait for completion" : "")',
		),
		description: 'Get the status of a segmentation task by its task ID',
		defaults: { name: 'Check Segmentation Task' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: vendorCredentials(VENDORS),
		properties: checkTaskProperties(VENDORS, HISTORY),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await checkSegmentationTasks(this, VENDORS, HISTORY);
	}
}
