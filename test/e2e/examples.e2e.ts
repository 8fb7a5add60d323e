/*
 * Every workflow in examples/ run by a real n8n 2.x with this package installed from its
 * tarball, against the fake vendors and a sample shop on loopback: `n8n execute` for the
 * manual-trigger examples, `n8n start` for the webhook one. Masks are read back from n8n's
 * binary storage and checked against the input photos.
 */
import { request } from 'undici';

import { readBinary } from './binary-storage';
import { EXAMPLE_IDS } from './examples';
import { nodeItems, nodeRan, type ExecutionRun, type OutputItem } from './execution';
import { startLocalStack, type LocalStack } from './local-stack';
import { inspectMask } from './mask-check';
import { startN8n, type RunningN8n } from './n8n-server';
import { INITIAL_CATALOG, sampleProduct } from './sample-photos';

const SELLERPIC_ID = /^\d{1,19}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TASK_ID = { sellerpic: SELLERPIC_ID, piapi: UUID };

let stack: LocalStack;

beforeAll(async () => {
	stack = await startLocalStack({ name: 'e2e', tarball: process.env.E2E_PACKAGE_TARBALL });
}, 10 * 60_000);

afterAll(async () => {
	await stack?.close();
});

function expectSuccess(run: ExecutionRun): void {
	expect({ status: run.status, error: run.data.resultData.error?.message }).toEqual({ status: 'success', error: undefined });
}

/** The item's mask is a PNG of the product photo's size with some white and some black. */
async function expectMask(item: OutputItem, productId: string, field = 'mask'): Promise<void> {
	const meta = item.binary?.[field];
	expect(meta).toMatchObject({ mimeType: 'image/png' });
	const mask = await inspectMask(await readBinary(stack.n8n.userFolder, meta!));
	const photo = sampleProduct(productId);
	expect(mask).toMatchObject({ format: 'png', width: photo.width, height: photo.height });
	expect(mask.whiteShare).toBeGreaterThan(0.05);
	expect(mask.whiteShare).toBeLessThan(0.95);
}

test('every example in examples/ is covered by this suite', () => {
	expect(stack.examples.map((example) => example.id).sort()).toEqual(Object.values(EXAMPLE_IDS).sort());
});

test('1: one product image URL → SellerPic Segment → mask', async () => {
	const run = await stack.n8n.execute(EXAMPLE_IDS.oneImage);
	expectSuccess(run);
	const items = nodeItems(run, 'SellerPic Segment');
	expect(items).toHaveLength(1);
	expect(items[0].json).toMatchObject({ vendor: 'sellerpic', status: 'succeeded', done: true, taskId: expect.stringMatching(SELLERPIC_ID) });
	await expectMask(items[0], 'sku-1001');
});

describe('2: scheduled catalog run with both vendors', () => {
	const SKIP = 'Skip products processed before';
	const OUT = 'Masks by product id';
	const creates = (): number => stack.vendors.sellerPic.fake!.counters.creates + stack.vendors.piApi.fake!.counters.creates;

	test('first run: a mask per product and vendor, keyed by product id; the missing photo gives per-item errors', async () => {
		const run = await stack.n8n.execute(EXAMPLE_IDS.catalog);
		expectSuccess(run);
		expect(nodeItems(run, SKIP)).toHaveLength(INITIAL_CATALOG.length);
		const items = nodeItems(run, OUT);
		expect(items).toHaveLength(INITIAL_CATALOG.length * 2);
		for (const productId of INITIAL_CATALOG) {
			for (const vendor of ['sellerpic', 'piapi'] as const) {
				const found = items.filter((item) => item.json.productId === productId && item.json.vendor === vendor);
				expect(found).toHaveLength(1);
				const [item] = found;
				if (sampleProduct(productId).hasPhoto) {
					expect(item.json).toMatchObject({ ok: true, status: 'succeeded', taskId: expect.stringMatching(TASK_ID[vendor]) });
					await expectMask(item, productId);
				} else {
					expect(item.json).toMatchObject({ ok: false, error: expect.stringMatching(/\S/) });
					expect(item.binary?.mask).toBeUndefined();
				}
			}
		}
	});

	test('second run: products processed in the first run are skipped', async () => {
		const before = creates();
		const run = await stack.n8n.execute(EXAMPLE_IDS.catalog);
		expectSuccess(run);
		expect(nodeItems(run, 'Fetch product feed')).toHaveLength(INITIAL_CATALOG.length);
		expect(nodeItems(run, SKIP)).toHaveLength(0);
		expect(nodeRan(run, 'SellerPic: segment product')).toBe(false);
		expect(nodeRan(run, 'PiAPI: segment product')).toBe(false);
		expect(creates()).toBe(before);
	});

	test('a product new in the feed: only it is segmented', async () => {
		stack.shop.catalog.push('sku-1005');
		const run = await stack.n8n.execute(EXAMPLE_IDS.catalog);
		expectSuccess(run);
		const items = nodeItems(run, OUT);
		expect(items.map((item) => [item.json.productId, item.json.vendor]).sort()).toEqual([
			['sku-1005', 'piapi'],
			['sku-1005', 'sellerpic'],
		]);
		for (const item of items) await expectMask(item, 'sku-1005');
	});
});

test('4: split flow: start without waiting → Wait → Check Segmentation Task → Get Segmentation Download URL', async () => {
	const run = await stack.n8n.execute(EXAMPLE_IDS.splitFlow);
	expectSuccess(run);
	const [started] = nodeItems(run, 'Start segmentation');
	expect(started.json).toMatchObject({ done: false, taskId: expect.stringMatching(SELLERPIC_ID) });
	const [checked] = nodeItems(run, 'Check Segmentation Task');
	expect(checked.json).toMatchObject({ vendor: 'sellerpic', taskId: started.json.taskId, status: 'succeeded', done: true });
	const items = nodeItems(run, 'Get Segmentation Download URL');
	expect(items).toHaveLength(1);
	expect(items[0].json).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//) });
	await expectMask(items[0], 'sku-1002');
});

describe('3: webhook → PiAPI Segment → Respond to Webhook (n8n start)', () => {
	let server: RunningN8n;
	const call = async (body: unknown) => {
		const response = await request(`${server.url}/webhook/segment-product-image`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
	};

	beforeAll(async () => {
		await stack.n8n.publishWorkflow(EXAMPLE_IDS.webhook);
		server = await startN8n(stack.n8n);
	}, 3 * 60_000);

	afterAll(async () => {
		await server?.stop();
	});

	test('answers with the mask URL of the posted photo', async () => {
		const { status, json } = await call({ imageUrl: `${stack.shop.baseUrl}/images/sku-1003.jpg`, prompt: 'lamp' });
		expect({ status, json }).toMatchObject({ status: 200, json: { status: 'succeeded', taskId: expect.stringMatching(UUID) } });
		expect(json.maskUrl).toEqual(expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\/.+\.png$/));
		const mask = await request(json.maskUrl as string);
		expect(mask.statusCode).toBe(200);
		const info = await inspectMask(Buffer.from(await mask.body.arrayBuffer()));
		expect(info).toMatchObject({ format: 'png', width: 640, height: 640 });
	});

	test('answers 422 with the error when the photo cannot be segmented', async () => {
		const { status, json } = await call({ imageUrl: `${stack.shop.baseUrl}/images/sku-1004.jpg` });
		expect({ status, json }).toMatchObject({ status: 422, json: { error: expect.stringMatching(/\S/) } });
	});
});
