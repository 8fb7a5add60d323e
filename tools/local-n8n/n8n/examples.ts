/*
 * The workflows in examples/, and their rewrite for a local run: the placeholder shop
 * `https://shop.example/` becomes the sample shop's URL, and with `fast` the vendor poll
 * intervals and Wait nodes shrink (the examples keep the vendor defaults users should keep).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { WorkflowJson } from './n8n-instance';
import { EXAMPLES_DIR } from '../paths';

/** The credentials the examples refer to (users pick their own on import). */
export const CREDENTIALS = {
	sellerPic: { id: 'SellerPicCred001', name: 'SellerPic account' },
	piApi: { id: 'PiApiCred0000001', name: 'PiAPI account' },
	/** For the example's AI agent: OpenAI, or any OpenAI-compatible service by its Base URL. */
	openAi: { id: 'OpenAiCred000001', name: 'OpenAI account' },
} as const;

export const EXAMPLE_IDS = {
	oneImage: 'segExample01OneImage',
	catalog: 'seg02CatalogRuns',
	webhook: 'segExample03Webhook',
	splitFlow: 'segExample04SplitFlow',
	callback: 'segExample05Callback',
	trigger: 'segExample06Trigger',
	agent: 'segExample07Agent',
	cutout: 'segExample08Cutout',
	whiteBackground: 'segExample09WhiteBackground',
} as const;

export const SHOP_PLACEHOLDER = 'https://shop.example/';

export type Vendor = 'sellerpic' | 'piapi';

export function loadExamples(): WorkflowJson[] {
	return readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as WorkflowJson);
}

export interface PrepareOptions {
	/** The sample shop's base URL, replacing https://shop.example. */
	shopBaseUrl: string;
	/** Vendors whose nodes poll every `pollSeconds` (for fakes); Wait nodes then wait `waitSeconds`. */
	fastVendors?: Vendor[];
	pollSeconds?: number;
	waitSeconds?: number;
}

const SEGMENT_VENDOR: Record<string, Vendor> = {
	'n8n-nodes-segmentation.sellerPicSegment': 'sellerpic',
	'n8n-nodes-segmentation.piApiSegment': 'piapi',
};

export function prepareExample(example: WorkflowJson, options: PrepareOptions): WorkflowJson {
	const shop = `${options.shopBaseUrl.replace(/\/+$/, '')}/`;
	const workflow = JSON.parse(
		JSON.stringify(example).split(SHOP_PLACEHOLDER).join(shop),
	) as WorkflowJson;
	const fast = new Set(options.fastVendors ?? []);
	if (fast.size === 0) return workflow;
	for (const node of workflow.nodes) {
		// An AI agent's tool is the node's type plus "Tool".
		const type = node.type.replace(/Tool$/, '');
		const vendor =
			SEGMENT_VENDOR[type] ??
			(type.startsWith('n8n-nodes-segmentation.') ? vendorParameter(node.parameters) : undefined);
		if (vendor && fast.has(vendor) && 'pollInterval' in node.parameters)
			node.parameters.pollInterval = options.pollSeconds ?? 0.2;
		if (node.type === 'n8n-nodes-base.wait' && node.parameters.resume === 'timeInterval') {
			Object.assign(node.parameters, { amount: options.waitSeconds ?? 1, unit: 'seconds' });
		}
	}
	return workflow;
}

function vendorParameter(parameters: Record<string, unknown>): Vendor {
	return parameters.vendor === 'piapi' ? 'piapi' : 'sellerpic';
}
