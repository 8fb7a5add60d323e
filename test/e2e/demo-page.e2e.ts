/*
 * `npm run demo`'s page in a real headless browser: the demo run (the catalog example and example
 * 9's Edit Image steps in real n8n) writes index.html, Chromium opens it, and every image must have
 * loaded, at the photo's size, in one row per product and vendor. The screenshot it leaves beside
 * the page is the README's docs/demo.png.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { runDemo, type DemoResult } from '../../scripts/demo/run';
import { openHeadlessChromium, type HeadlessBrowser } from '../../tools/local-n8n/system/browser';
import { startLocalStack, type LocalStack } from '../../tools/local-n8n/local-stack';
import { E2E_HOME } from '../../tools/local-n8n/paths';
import { INITIAL_CATALOG, sampleProduct } from '../../tools/local-n8n/services/sample-photos';

const OUT_DIR = join(E2E_HOME, 'demo-page-output');

let stack: LocalStack;
let demo: DemoResult;
let browser: HeadlessBrowser;

beforeAll(async () => {
	stack = await startLocalStack({ name: 'demo-page', tarball: process.env.E2E_PACKAGE_TARBALL });
	rmSync(OUT_DIR, { recursive: true, force: true });
	demo = await runDemo(stack, OUT_DIR);
	browser = await openHeadlessChromium();
}, 10 * 60_000);

afterAll(async () => {
	await browser?.close();
	await stack?.close();
});

/** What the page script reads from an <img> (the suite's TypeScript has no DOM types). */
interface ImageElement {
	complete: boolean;
	naturalWidth: number;
	naturalHeight: number;
	getAttribute(name: string): string | null;
	parentElement: { parentElement: { className: string } | null } | null;
}

interface RowSeen {
	product?: string;
	vendor?: string;
	status?: string;
	images: Array<{
		column: string;
		src: string | null;
		loaded: boolean;
		width: number;
		height: number;
	}>;
	text: string;
}

test('index.html: a row per product and vendor; where segmented, the photo, mask, cut-out and white background all load', async () => {
	const page = await browser.context.newPage();
	await page.goto(pathToFileURL(demo.page).href, { waitUntil: 'load' });
	const rows: RowSeen[] = await page.$$eval('tbody tr', (trs) =>
		trs.map((tr) => ({
			product: tr.getAttribute('data-product') ?? undefined,
			vendor: tr.getAttribute('data-vendor') ?? undefined,
			status: tr.getAttribute('data-status') ?? undefined,
			images: Array.from(tr.querySelectorAll('img') as unknown as ArrayLike<ImageElement>).map(
				(img) => ({
					column: img.parentElement?.parentElement?.className ?? '',
					src: img.getAttribute('src'),
					loaded: img.complete && img.naturalWidth > 0,
					width: img.naturalWidth,
					height: img.naturalHeight,
				}),
			),
			text: tr.textContent ?? '',
		})),
	);

	const expected = INITIAL_CATALOG.flatMap((productId) =>
		(['sellerpic', 'piapi'] as const).map((vendor) => ({ productId, vendor })),
	);
	expect(rows.map((row) => `${row.product}/${row.vendor}`).sort()).toEqual(
		expected.map(({ productId, vendor }) => `${productId}/${vendor}`).sort(),
	);
	for (const row of rows) {
		const photo = sampleProduct(row.product!);
		if (photo.hasPhoto) {
			expect({ row: `${row.product}/${row.vendor}`, status: row.status }).toEqual({
				row: `${row.product}/${row.vendor}`,
				status: 'ok',
			});
			expect(row.images.map((image) => image.column)).toEqual(['photo', 'mask', 'cutout', 'white']);
			for (const image of row.images)
				expect(image).toMatchObject({ loaded: true, width: photo.width, height: photo.height });
		} else {
			expect({ status: row.status, images: row.images }).toEqual({ status: 'error', images: [] });
			expect(row.text).toMatch(/HTTP 404|Could not fetch|failed to get input image/i);
		}
	}
	await page.screenshot({ path: join(OUT_DIR, 'screenshot.png'), fullPage: true });
});
