/*
 * `npm run demo`: the catalog example (examples/02-…) in a real n8n with this package, on the
 * bundled sample product photos. Fake vendors by default; SELLERPIC_API_KEY / PIAPI_API_KEY switch
 * each vendor to the real service. Masks go to ./demo-output/, a table to the terminal.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { readBinary } from '../test/e2e/binary-storage';
import { EXAMPLE_IDS } from '../test/e2e/examples';
import { nodeItems, nodeTime, type ExecutionRun, type OutputItem } from '../test/e2e/execution';
import { startLocalStack, type LocalStack } from '../test/e2e/local-stack';
import { inspectMask } from '../test/e2e/mask-check';
import { elapsed } from '../test/e2e/n8n-install';
import { REPO_DIR } from '../test/e2e/paths';
import { ensureSamplePhotos, INITIAL_CATALOG, SAMPLE_PRODUCTS } from '../test/e2e/sample-photos';
import { printTable } from './table';

const OUT_DIR = join(REPO_DIR, 'demo-output');
const VENDOR_NODES = { sellerpic: 'SellerPic: segment product', piapi: 'PiAPI: segment product' } as const;

const say = (line = ''): void => console.log(line);

async function main(): Promise<number> {
	const started = Date.now();
	const realKeys = { sellerPic: process.env.SELLERPIC_API_KEY || undefined, piApi: process.env.PIAPI_API_KEY || undefined };
	const imageBaseUrl = process.env.DEMO_IMAGE_BASE_URL || undefined;
	say('n8n-nodes-segmentation demo: the catalog example in a real n8n, on sample product photos');
	say(`  SellerPic: ${realKeys.sellerPic ? 'REAL (SELLERPIC_API_KEY)' : 'fake server on this machine'}`);
	say(`  PiAPI:     ${realKeys.piApi ? 'REAL (PIAPI_API_KEY)' : 'fake server on this machine'}`);
	say();

	prepareOutputDir(await ensureSamplePhotos());
	if (realKeys.piApi && !imageBaseUrl) {
		say('PiAPI fetches product photos itself, so with PIAPI_API_KEY they must be on a public URL:');
		say(`  1. upload the photos in ${relative(REPO_DIR, join(OUT_DIR, 'samples'))}/ to a public folder (same file names);`);
		say('  2. run again with DEMO_IMAGE_BASE_URL=https://your.host/that-folder npm run demo');
		say('(Or unset PIAPI_API_KEY to use the fake PiAPI. SellerPic needs no public URL: n8n downloads and uploads the photos.)');
		return 2;
	}
	if (realKeys.sellerPic) say('Real SellerPic asks for 60 s between status checks: expect a minute or two.');

	const stack = await startLocalStack({ name: 'demo', vendors: { realKeys }, imageBaseUrl, progress: (line) => say(line) });
	try {
		const products = stack.shop.feed();
		say(`Running the catalog example (n8n execute) on ${products.length} products from the sample shop ...`);
		const run = await stack.n8n.execute(EXAMPLE_IDS.catalog);
		if (run.status !== 'success') {
			say(`The run ended with status "${run.status}": ${run.data.resultData.error?.message ?? 'no error message'}`);
			return 1;
		}
		const items = nodeItems(run, 'Masks by product id').sort(
			(a, b) => String(a.json.productId).localeCompare(String(b.json.productId)) || String(b.json.vendor).localeCompare(String(a.json.vendor)),
		);
		const rows = await Promise.all(items.map(async (item) => await row(stack, item, run)));
		say();
		printTable(['product', 'vendor', 'status', 'mask size', 'seconds'], rows);
		say();
		say('seconds: how long the vendor node ran (its products run at the same time).');
		for (const item of items.filter((i) => i.json.error)) say(`${item.json.productId} ${item.json.vendor}: ${firstLine(item.json.error)}`);
		const missing = SAMPLE_PRODUCTS.find((p) => INITIAL_CATALOG.includes(p.productId) && !p.hasPhoto);
		if (missing) say(`(${missing.productId} has no photo on the sample shop on purpose: it shows how a per-product error looks.)`);
		say(`Masks: ${relative(REPO_DIR, OUT_DIR)}/<productId>-<vendor>-mask.png (sample photos in ${relative(REPO_DIR, OUT_DIR)}/samples/).`);
		say(`Done in ${elapsed(started)}. Next: npm run n8n opens this n8n in the browser with all examples.`);
		return 0;
	} finally {
		await stack.close();
	}
}

function prepareOutputDir(samplesDir: string): void {
	mkdirSync(join(OUT_DIR, 'samples'), { recursive: true });
	for (const file of readdirSync(OUT_DIR)) if (file.endsWith('-mask.png')) rmSync(join(OUT_DIR, file));
	for (const p of SAMPLE_PRODUCTS) if (p.hasPhoto) copyFileSync(join(samplesDir, p.file), join(OUT_DIR, 'samples', p.file));
}

async function row(stack: LocalStack, item: OutputItem, run: ExecutionRun): Promise<string[]> {
	const { productId, vendor, error } = item.json as { productId: string; vendor: keyof typeof VENDOR_NODES; error?: string };
	const seconds = ((nodeTime(run, VENDOR_NODES[vendor]) ?? 0) / 1000).toFixed(1);
	const meta = item.binary?.mask;
	if (error || !meta) return [productId, vendor, error ? 'error (below)' : 'no mask', '-', seconds];
	const bytes = await readBinary(stack.n8n.userFolder, meta);
	const info = await inspectMask(bytes);
	const file = join(OUT_DIR, `${productId}-${vendor}-mask.png`);
	writeFileSync(file, bytes);
	return [productId, vendor, 'ok', `${info.width}x${info.height}`, seconds];
}

function firstLine(text: unknown): string {
	return String(text).split('\n')[0].replace(/\s*\[item \d+\]$/, '');
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	},
);
