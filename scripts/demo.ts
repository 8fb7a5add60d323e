/*
 * `npm run demo`: the catalog example (examples/02-…) followed by example 9's Edit Image steps, in
 * a real n8n with this package, on the bundled sample product photos. Fake vendors by default;
 * SELLERPIC_API_KEY / PIAPI_API_KEY switch each vendor to the real service. Masks, cut-outs and
 * white-background images go to ./demo-output/ with index.html showing them; a table to the terminal.
 */
import { join, relative } from 'node:path';

import { startLocalStack } from '../tools/local-n8n/local-stack';
import { elapsed } from '../tools/local-n8n/n8n/n8n-install';
import { REPO_DIR } from '../tools/local-n8n/paths';
import {
	ensureSamplePhotos,
	INITIAL_CATALOG,
	SAMPLE_PRODUCTS,
} from '../tools/local-n8n/services/sample-photos';
import { ensureGraphicsMagick } from '../tools/local-n8n/system/system-packages';
import { prepareOutputDir, runDemo } from './demo/run';
import { printTable } from './table';

const OUT_DIR = join(REPO_DIR, 'demo-output');

const say = (line = ''): void => console.log(line);

async function main(): Promise<number> {
	const started = Date.now();
	const realKeys = {
		sellerPic: process.env.SELLERPIC_API_KEY || undefined,
		piApi: process.env.PIAPI_API_KEY || undefined,
	};
	const imageBaseUrl = process.env.DEMO_IMAGE_BASE_URL || undefined;
	say(
		'n8n-nodes-segmentation demo: the catalog example and the Edit Image steps of example 9 in a real n8n, on sample product photos',
	);
	say(
		`  SellerPic: ${realKeys.sellerPic ? 'REAL (SELLERPIC_API_KEY)' : 'fake server on this machine'}`,
	);
	say(`  PiAPI:     ${realKeys.piApi ? 'REAL (PIAPI_API_KEY)' : 'fake server on this machine'}`);
	say();

	await ensureSamplePhotos();
	prepareOutputDir(OUT_DIR);
	if (realKeys.piApi && !imageBaseUrl) {
		say('PiAPI fetches product photos itself, so with PIAPI_API_KEY they must be on a public URL:');
		say(
			`  1. upload the photos in ${relative(REPO_DIR, join(OUT_DIR, 'samples'))}/ to a public folder (same file names);`,
		);
		say('  2. run again with DEMO_IMAGE_BASE_URL=https://your.host/that-folder npm run demo');
		say(
			'(Or unset PIAPI_API_KEY to use the fake PiAPI. SellerPic needs no public URL: n8n downloads and uploads the photos.)',
		);
		return 2;
	}
	if (realKeys.sellerPic)
		say('Real SellerPic asks for 60 s between status checks: expect a minute or two.');
	await ensureGraphicsMagick(say);

	const stack = await startLocalStack({
		name: 'demo',
		vendors: { realKeys },
		imageBaseUrl,
		progress: (line) => say(line),
	});
	try {
		say(
			`Running the catalog example and the Edit Image steps (n8n execute) on ${stack.shop.feed().length} products from the sample shop ...`,
		);
		const { rows, page } = await runDemo(stack, OUT_DIR);
		say();
		printTable(
			['product', 'vendor', 'status', 'seconds'],
			rows.map((row) => [
				row.productId,
				row.vendor,
				row.images ? 'ok' : 'error (below)',
				row.seconds.toFixed(1),
			]),
		);
		say();
		say('seconds: how long the vendor node ran (its products run at the same time).');
		for (const row of rows.filter((r) => r.error))
			say(`${row.productId} ${row.vendor}: ${row.error}`);
		const missing = SAMPLE_PRODUCTS.find(
			(p) => INITIAL_CATALOG.includes(p.productId) && !p.hasPhoto,
		);
		if (missing)
			say(
				`(${missing.productId} has no photo on the sample shop on purpose: it shows how a per-product error looks.)`,
			);
		const out = relative(REPO_DIR, OUT_DIR);
		say(
			`Images: ${out}/<productId>-<vendor>-mask.png, -cutout.png, -white.jpg (sample photos in ${out}/samples/).`,
		);
		say(`Page with photo, mask, cut-out and white background side by side: ${page}`);
		say(
			`Done in ${elapsed(started)}. Next: npm run n8n opens this n8n in the browser with all examples.`,
		);
		return 0;
	} finally {
		await stack.close();
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	},
);
