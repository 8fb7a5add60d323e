/*
 * One demo run in a started local stack: the demo workflow (catalog example + example 9's Edit
 * Image steps) in real n8n, then every product's photo, mask, cut-out and white-background image
 * written to the output folder with index.html showing them side by side.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { readBinary } from '../../tools/local-n8n/n8n/binary-storage';
import {
	nodeItems,
	nodeTime,
	type ExecutionRun,
	type OutputItem,
} from '../../tools/local-n8n/n8n/execution';
import type { LocalStack } from '../../tools/local-n8n/local-stack';
import { SAMPLE_PRODUCTS, SAMPLES_DIR } from '../../tools/local-n8n/services/sample-photos';
import { renderDemoPage, type DemoImages, type DemoRow } from './page';
import {
	DEMO_WORKFLOW_ID,
	demoWorkflow,
	IMAGE_STEPS,
	MASKS_NODE,
	VENDOR_NODES,
	type DemoVendor,
} from './workflow';

export const PAGE_FILE = 'index.html';
/** What a run writes next to the sample photos: `<productId>-<vendor>-<kind>`. */
const OUTPUT_FILE = /-(?:mask|cutout)\.png$|-white\.jpg$/;

export interface DemoResult {
	run: ExecutionRun;
	rows: DemoRow[];
	/** Absolute path of index.html. */
	page: string;
}

export async function runDemo(stack: LocalStack, outDir: string): Promise<DemoResult> {
	prepareOutputDir(outDir);
	await stack.n8n.importWorkflows([demoWorkflow(stack.examples)]);
	const run = await stack.n8n.execute(DEMO_WORKFLOW_ID);
	if (run.status !== 'success') {
		throw new Error(
			`The demo run ended with status "${run.status}": ${run.data.resultData.error?.message ?? 'no error message'}`,
		);
	}
	const masks = nodeItems(run, MASKS_NODE).sort(
		(a, b) =>
			String(a.json.productId).localeCompare(String(b.json.productId)) ||
			String(b.json.vendor).localeCompare(String(a.json.vendor)),
	);
	const finished = finishedImages(run);
	const rows: DemoRow[] = [];
	for (const item of masks) {
		const { productId, title, vendor, error } = item.json as {
			productId: string;
			title: string;
			vendor: DemoVendor;
			error?: string;
		};
		const seconds = (nodeTime(run, VENDOR_NODES[vendor]) ?? 0) / 1000;
		const images = finished.get(`${productId}/${vendor}`);
		rows.push({
			productId,
			title,
			vendor,
			seconds,
			images:
				images && !error ? await writeImages(stack, outDir, productId, vendor, images) : undefined,
			error: error ? firstLine(error) : images ? undefined : 'no mask',
		});
	}
	const page = join(outDir, PAGE_FILE);
	writeFileSync(page, renderDemoPage({ rows, about: describeRun(stack, run) }));
	return { run, rows, page };
}

/** Starts the folder afresh: the sample photos copied in, earlier results and page removed. */
export function prepareOutputDir(outDir: string): void {
	mkdirSync(join(outDir, 'samples'), { recursive: true });
	for (const file of readdirSync(outDir))
		if (OUTPUT_FILE.test(file) || file === PAGE_FILE) rmSync(join(outDir, file));
	for (const p of SAMPLE_PRODUCTS)
		if (p.hasPhoto) copyFileSync(join(SAMPLES_DIR, p.file), join(outDir, 'samples', p.file));
}

/**
 * The last Edit Image step's items by `<productId>/<vendor>`. That step's JSON is the image
 * information, so the product comes from the photo download, item for item (Edit Image keeps order).
 */
function finishedImages(run: ExecutionRun): Map<string, OutputItem> {
	const downloads = nodeItems(run, IMAGE_STEPS[0]);
	const last = nodeItems(run, IMAGE_STEPS[IMAGE_STEPS.length - 1]);
	if (downloads.length !== last.length)
		throw new Error(
			`${downloads.length} photos downloaded but ${last.length} white-background images made`,
		);
	return new Map(
		last.map((item, index) => [
			`${String(downloads[index].json.productId)}/${String(downloads[index].json.vendor)}`,
			item,
		]),
	);
}

async function writeImages(
	stack: LocalStack,
	outDir: string,
	productId: string,
	vendor: DemoVendor,
	item: OutputItem,
): Promise<DemoImages> {
	const write = async (field: string, file: string): Promise<string> => {
		const meta = item.binary?.[field];
		if (!meta) throw new Error(`${productId} (${vendor}) has no binary "${field}"`);
		writeFileSync(join(outDir, file), await readBinary(stack.n8n.userFolder, meta));
		return file;
	};
	const photo = SAMPLE_PRODUCTS.find((p) => p.productId === productId)!;
	return {
		photo: `samples/${photo.file}`,
		mask: await write('mask', `${productId}-${vendor}-mask.png`),
		cutout: await write('cutout', `${productId}-${vendor}-cutout.png`),
		white: await write('whiteBackground', `${productId}-${vendor}-white.jpg`),
	};
}

function describeRun(stack: LocalStack, run: ExecutionRun): string[] {
	const vendor = (mode: string): string =>
		mode === 'real' ? 'the real service' : 'a fake server on this machine';
	const editSeconds =
		IMAGE_STEPS.slice(1).reduce((sum, step) => sum + (nodeTime(run, step) ?? 0), 0) / 1000;
	return [
		`n8n ${stack.n8n.install.version}, ${run.startedAt ? new Date(run.startedAt).toUTCString() : ''}. SellerPic: ${vendor(stack.vendors.sellerPic.mode)}; PiAPI: ${vendor(stack.vendors.piApi.mode)}.`,
		'Catalog example (examples/02) → Edit Image steps of example 9: cut-out (mask as alpha) and the cut-out on a white canvas.',
		`Seconds: how long the vendor node ran (its products run at the same time). The Edit Image steps took ${editSeconds.toFixed(1)} s for all images.`,
	];
}

function firstLine(text: unknown): string {
	return String(text)
		.split('\n')[0]
		.replace(/\s*\[item \d+\]$/, '');
}
