import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { properties } from './description';
import { executePiApiSegment } from './execute';

export class PiApiSegment implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'PiAPI Segment',
		name: 'piApiSegment',
		icon: { light: 'file:piapi.svg', dark: 'file:piapi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"segment: " + $parameter["prompt"]}}',
		description: "Segment objects in images by prompt with PiAPI's image toolkit: returns a mask",
		defaults: { name: 'PiAPI Segment' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'piApiApi', required: true }],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executePiApiSegment.call(this);
	}
}
