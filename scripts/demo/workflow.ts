/*
 * The demo's workflow: the catalog example (examples/02-…) with example 9's Edit Image steps after
 * it, so every product and vendor also gets a cut-out and a white-background image. It is built
 * from the examples as imported, so the demo runs exactly the settings users import.
 */
import { EXAMPLE_IDS } from '../../tools/local-n8n/n8n/examples';
import type { WorkflowJson } from '../../tools/local-n8n/n8n/n8n-instance';

export const DEMO_WORKFLOW_ID = 'segDemoCatalogImages';

export const VENDOR_NODES = {
	sellerpic: 'SellerPic: segment product',
	piapi: 'PiAPI: segment product',
} as const;
export type DemoVendor = keyof typeof VENDOR_NODES;

/** The catalog example's last node: one item per product and vendor, with the mask or an error. */
export const MASKS_NODE = 'Masks by product id';
const HAS_MASK_NODE = 'Has a mask?';
/** Example 9's steps from the photo to the white-background image, in order. */
export const IMAGE_STEPS = [
	'Download photo',
	'Photo size',
	'Cut out (mask as alpha)',
	'White background',
] as const;

function exampleById(examples: WorkflowJson[], id: string): WorkflowJson {
	const found = examples.find((example) => example.id === id);
	if (!found) throw new Error(`Example ${id} is not in examples/`);
	return found;
}

function nodeByName(workflow: WorkflowJson, name: string): WorkflowJson['nodes'][number] {
	const found = workflow.nodes.find((node) => node.name === name);
	if (!found) throw new Error(`${workflow.name} has no node "${name}"`);
	return found;
}

const connect = (from: string, to: string) => ({
	[from]: { main: [[{ node: to, type: 'main', index: 0 }]] },
});

export function demoWorkflow(examples: WorkflowJson[]): WorkflowJson {
	const catalog = exampleById(examples, EXAMPLE_IDS.catalog);
	const images = exampleById(examples, EXAMPLE_IDS.whiteBackground);
	const [x, y] = nodeByName(catalog, MASKS_NODE).position as [number, number];
	const hasMask = {
		id: '5e9a00de-0000-4000-8000-000000000001',
		name: HAS_MASK_NODE,
		type: 'n8n-nodes-base.filter',
		typeVersion: 2.2,
		position: [x + 240, y],
		parameters: {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: [
					{
						id: '5e9a00de-0000-4000-8000-0000000000c1',
						leftValue: '={{ $json.ok }}',
						rightValue: '',
						operator: { type: 'boolean', operation: 'true', singleValue: true },
					},
				],
				combinator: 'and',
			},
			options: {},
		},
	};
	const steps = IMAGE_STEPS.map((name, index) => ({
		...nodeByName(images, name),
		position: [x + 240 * (index + 2), y],
	}));
	const order = [MASKS_NODE, HAS_MASK_NODE, ...IMAGE_STEPS];
	const connections = Object.assign(
		{},
		catalog.connections,
		...order.slice(1).map((to, index) => connect(order[index], to)),
	);
	return {
		...catalog,
		id: DEMO_WORKFLOW_ID,
		name: 'Segmentation demo: catalog run, then cut-outs and white-background images',
		nodes: [...catalog.nodes, hasMask, ...steps],
		connections,
	};
}
