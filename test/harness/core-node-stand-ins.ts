import { createReadStream } from 'node:fs';
import { basename } from 'node:path';

import {
	NodeConnectionTypes,
	type IBinaryKeyData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type ITriggerFunctions,
} from 'n8n-workflow';

/**
 * Minimal stand-ins for the few n8n-nodes-base nodes that the in-process tests' workflows
 * start from. They behave like the originals for what these workflows use; the end-to-end
 * suite runs the real ones inside a real n8n.
 */
export interface TestItem {
	json?: IDataObject;
	/** `fileName`: the binary's name instead of the file's ('' for none). */
	files?: Record<string, { path: string; mimeType?: string; fileName?: string }>;
}

const manualTrigger: INodeType = {
	description: {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Runs the flow on clicking a button in n8n',
		defaults: { name: 'When clicking ‘Execute workflow’' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	},
	async trigger(this: ITriggerFunctions) {
		return { manualTriggerFunction: async () => this.emit([[{ json: {} }]]) };
	},
};

/**
 * Emits the items a test gives in its `items` parameter (like a Code node returning them);
 * `files` maps binary fields to files on disk, stored through n8n's binary data service as
 * Read/Write Files from Disk would.
 */
const testItems: INodeType = {
	description: {
		displayName: 'Test Items',
		name: 'testItems',
		group: ['transform'],
		version: 1,
		description: 'Emits fixed items for tests',
		defaults: { name: 'Test Items' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | object[];
		const items = (typeof raw === 'string' ? JSON.parse(raw) : raw) as TestItem[];
		const output: INodeExecutionData[] = [];
		for (const item of items) {
			const binary: IBinaryKeyData = {};
			for (const [field, file] of Object.entries(item.files ?? {})) {
				binary[field] = await this.helpers.prepareBinaryData(
					createReadStream(file.path),
					file.fileName === undefined ? basename(file.path) : file.fileName || undefined,
					file.mimeType,
				);
			}
			output.push({
				json: item.json ?? {},
				...(item.files ? { binary } : {}),
				pairedItem: { item: 0 },
			});
		}
		return [output];
	},
};

const noOp: INodeType = {
	description: {
		displayName: 'No Operation, do nothing',
		name: 'noOp',
		group: ['organization'],
		version: 1,
		description: 'No Operation',
		defaults: { name: 'No Operation, do nothing' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	},
	async execute(this: IExecuteFunctions) {
		return [this.getInputData()];
	},
};

export const coreNodeStandIns: Record<string, INodeType> = {
	'n8n-nodes-base.manualTrigger': manualTrigger,
	'n8n-nodes-base.noOp': noOp,
	'test.testItems': testItems,
};
