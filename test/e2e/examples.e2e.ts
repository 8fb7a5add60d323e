/*
 * Every workflow in examples/ run by a real n8n with this package installed from its
 * tarball, against the fake vendors and a sample shop on loopback: `n8n execute` for the
 * manual-trigger examples, `n8n start` for the webhook ones. Masks, cut-outs and white-background
 * images are read back from n8n's binary storage and checked against the input photos pixel by pixel.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { request } from 'undici';

import { messageText, toolResults } from '../fake';
import { readBinary } from '../../tools/local-n8n/n8n/binary-storage';
import { checkCutout, checkWhiteBackground } from './cutout-check';
import { EXAMPLE_IDS } from '../../tools/local-n8n/n8n/examples';
import {
	nodeItems,
	nodeRan,
	type ExecutionRun,
	type OutputItem,
} from '../../tools/local-n8n/n8n/execution';
import { eventually } from '../../tools/local-n8n/system/wait';
import { readExecutions, waitForExecutions } from '../../tools/local-n8n/n8n/executions-db';
import { startLocalStack, type LocalStack } from '../../tools/local-n8n/local-stack';
import { inspectMask } from '../support/mask-check';
import { startN8n, waitForWebhooks, type RunningN8n } from '../../tools/local-n8n/n8n/n8n-server';
import {
	INITIAL_CATALOG,
	SAMPLES_DIR,
	sampleProduct,
} from '../../tools/local-n8n/services/sample-photos';
import { postJson } from '../support/post-json';

const SELLERPIC_ID = /^\d{1,19}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TASK_ID = { sellerpic: SELLERPIC_ID, piapi: UUID };
/** Example 6's PiAPI Trigger: `<webhook id>/<path>`. */
const TRIGGER_PATH = '5e9a0006-0000-4000-8000-000000000090/piapi';

let stack: LocalStack;

beforeAll(async () => {
	stack = await startLocalStack({ name: 'e2e', tarball: process.env.E2E_PACKAGE_TARBALL });
}, 10 * 60_000);

afterAll(async () => {
	await stack?.close();
});

function expectSuccess(run: ExecutionRun): void {
	expect({ status: run.status, error: run.data.resultData.error?.message }).toEqual({
		status: 'success',
		error: undefined,
	});
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
	expect(stack.examples.map((example) => example.id).sort()).toEqual(
		Object.values(EXAMPLE_IDS).sort(),
	);
});

test('1: one product image URL → SellerPic Segment → mask', async () => {
	const run = await stack.n8n.execute(EXAMPLE_IDS.oneImage);
	expectSuccess(run);
	const items = nodeItems(run, 'SellerPic Segment');
	expect(items).toHaveLength(1);
	expect(items[0].json).toMatchObject({
		vendor: 'sellerpic',
		status: 'succeeded',
		done: true,
		taskId: expect.stringMatching(SELLERPIC_ID),
	});
	await expectMask(items[0], 'sku-1001');
});

describe('2: scheduled catalog run with both vendors', () => {
	const PICK = 'Pick products for this run';
	const OUT = 'Masks by product id';
	const REMEMBER = 'Remember results';
	const MISSING = 'sku-1004';
	const sent = (run: ExecutionRun, vendor: 'SellerPic' | 'PiAPI'): unknown[] =>
		nodeItems(run, `${vendor}: mask still missing`)
			.map((item) => item.json.productId)
			.sort();
	const results = (run: ExecutionRun): Record<string, unknown> =>
		Object.fromEntries(
			nodeItems(run, REMEMBER).map((item) => [
				`${String(item.json.productId)} ${String(item.json.vendor)}`,
				item.json.result,
			]),
		);
	const creates = (): number =>
		stack.vendors.sellerPic.fake!.counters.creates + stack.vendors.piApi.fake!.counters.creates;

	test('first run: a mask per product and vendor, keyed by product id; the missing photo gives per-item errors', async () => {
		const run = await stack.n8n.execute(EXAMPLE_IDS.catalog);
		expectSuccess(run);
		expect(nodeItems(run, PICK)).toHaveLength(INITIAL_CATALOG.length);
		const items = nodeItems(run, OUT);
		expect(items).toHaveLength(INITIAL_CATALOG.length * 2);
		for (const productId of INITIAL_CATALOG) {
			for (const vendor of ['sellerpic', 'piapi'] as const) {
				const found = items.filter(
					(item) => item.json.productId === productId && item.json.vendor === vendor,
				);
				expect(found).toHaveLength(1);
				const [item] = found;
				expect(item.json.imageUrl).toBe(
					`${stack.shop.baseUrl}/images/${sampleProduct(productId).file}`,
				);
				if (sampleProduct(productId).hasPhoto) {
					expect(item.json).toMatchObject({
						ok: true,
						status: 'succeeded',
						taskId: expect.stringMatching(TASK_ID[vendor]),
					});
					await expectMask(item, productId);
				} else {
					expect(item.json).toMatchObject({ ok: false, error: expect.stringMatching(/\S/) });
					expect(item.binary?.mask).toBeUndefined();
				}
			}
		}
		const remembered = results(run);
		expect(remembered[`${MISSING} sellerpic`]).toMatch(/attempt 1 of 3\): tried again next run/);
		expect(remembered['sku-1001 piapi']).toBe('mask stored');
		// The masks pass through Remember results to whatever step the user adds after it.
		const [kept] = nodeItems(run, REMEMBER).filter((item) => item.json.productId === 'sku-1002');
		await expectMask(kept, 'sku-1002');
	});

	test('next runs: only the failed product is tried again, up to 3 attempts, then reported; products with masks are never sent again', async () => {
		const sellerPicCreates = stack.vendors.sellerPic.fake!.counters.creates;
		const second = await stack.n8n.execute(EXAMPLE_IDS.catalog);
		expectSuccess(second);
		expect(sent(second, 'SellerPic')).toEqual([MISSING]);
		expect(sent(second, 'PiAPI')).toEqual([MISSING]);
		expect(results(second)[`${MISSING} piapi`]).toMatch(/attempt 2 of 3/);
		const third = await stack.n8n.execute(EXAMPLE_IDS.catalog);
		expectSuccess(third);
		expect(results(third)).toEqual({
			[`${MISSING} sellerpic`]: expect.stringMatching(/^final failure after 3 attempts: reported/),
			[`${MISSING} piapi`]: expect.stringMatching(/^final failure after 3 attempts: reported/),
		});
		// SellerPic never got a task for the missing photo (n8n could not read it); the others had masks.
		expect(stack.vendors.sellerPic.fake!.counters.creates).toBe(sellerPicCreates);
	});

	test('a run with nothing left to do ends after picking: no vendor is called', async () => {
		const before = creates();
		const run = await stack.n8n.execute(EXAMPLE_IDS.catalog);
		expectSuccess(run);
		expect(nodeItems(run, 'Fetch product feed')).toHaveLength(INITIAL_CATALOG.length);
		expect(nodeItems(run, PICK)).toHaveLength(0);
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
	expect(checked.json).toMatchObject({
		vendor: 'sellerpic',
		taskId: started.json.taskId,
		status: 'succeeded',
		done: true,
	});
	const items = nodeItems(run, 'Get Segmentation Download URL');
	expect(items).toHaveLength(1);
	expect(items[0].json).toMatchObject({
		url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
	});
	await expectMask(items[0], 'sku-1002');
});

test('7: AI agent with PiAPI Segment as its tool: the model cuts out the product and answers with the mask URL', async () => {
	const { chatModel } = stack.vendors;
	const piApi = stack.vendors.piApi.fake!;
	chatModel.reset();
	const creates = piApi.counters.creates;
	const run = await stack.n8n.execute(EXAMPLE_IDS.agent);
	expectSuccess(run);
	expect(chatModel.chats).toHaveLength(2);
	const [asked, answered] = chatModel.chats;
	expect(messageText(asked.messages[0])).toMatch(
		/^You cut products out of photos with the Cut out product tool/,
	);
	// The $fromAI descriptions reach the model with the parameters.
	const { name, parameters } = asked.tools![0].function;
	expect(name).toBe('Cut_out_product');
	expect(parameters?.properties).toEqual({
		imageUrl: {
			type: 'string',
			description: expect.stringMatching(/^The public http\(s\) URL of the photo/),
		},
		prompt: {
			type: 'string',
			description: expect.stringMatching(/^What to cut out: one or a few short object names/),
		},
	});
	expect(piApi.counters.creates - creates).toBe(1);
	const [item] = JSON.parse(toolResults(answered)[0]) as OutputItem['json'][];
	expect(piApi.tasks.get(String(item.taskId))?.input).toMatchObject({
		image: `${stack.shop.baseUrl}/images/sku-1003.jpg`,
		prompt: 'product',
	});
	expect(item).toMatchObject({
		status: 'succeeded',
		done: true,
		maskUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\/.+\.png$/),
	});
	const mask = await request(String(item.maskUrl));
	expect(await inspectMask(Buffer.from(await mask.body.arrayBuffer()))).toMatchObject({
		format: 'png',
		width: 640,
		height: 640,
	});
	expect(nodeItems(run, 'AI Agent')[0].json.output).toBe(
		`Done: the mask of the product is at ${String(item.maskUrl)} (white = product).`,
	);
});

describe('cut-outs with Edit Image (GraphicsMagick)', () => {
	const read = async (item: OutputItem, field: string) =>
		await readBinary(stack.n8n.userFolder, item.binary![field]);
	const photoBytes = async (productId: string) =>
		await readFile(join(SAMPLES_DIR, sampleProduct(productId).file));

	/** The last node's one item: the product, its task, the photo's size, and the photo, mask and cut-out as binaries. */
	async function expectCutoutItem(
		item: OutputItem,
		productId: string,
		taskId: RegExp,
	): Promise<void> {
		const photo = sampleProduct(productId);
		expect(item.json).toEqual({
			size: { width: photo.width, height: photo.height },
			productId,
			taskId: expect.stringMatching(taskId),
		});
		expect(item.binary?.image).toMatchObject({ mimeType: 'image/jpeg', fileName: photo.file });
		await expectMask(item, productId);
		expect(item.binary?.cutout).toMatchObject({ mimeType: 'image/png' });
		const cutout = await checkCutout(
			await read(item, 'cutout'),
			await read(item, 'mask'),
			await photoBytes(productId),
		);
		expect(cutout).toMatchObject({
			format: 'png',
			width: photo.width,
			height: photo.height,
			hasAlpha: true,
			transparentWhereBlack: 1,
			opaqueWhereWhite: 1,
		});
		expect(cutout.colourDifference).toBeLessThan(2);
	}

	test('8: product photo → SellerPic Segment → Edit Image: a PNG, transparent where the mask is black, the photo where it is white', async () => {
		const run = await stack.n8n.execute(EXAMPLE_IDS.cutout);
		expectSuccess(run);
		const items = nodeItems(run, 'Cut-out');
		expect(items).toHaveLength(1);
		await expectCutoutItem(items[0], 'sku-1001', SELLERPIC_ID);
	});

	test("9: product photo → PiAPI Segment → the cut-out on a white canvas of the photo's size: a JPG, pure white outside the product", async () => {
		const run = await stack.n8n.execute(EXAMPLE_IDS.whiteBackground);
		expectSuccess(run);
		const items = nodeItems(run, 'Main image');
		expect(items).toHaveLength(1);
		const [item] = items;
		await expectCutoutItem(item, 'sku-1002', UUID);
		expect(item.binary?.whiteBackground).toMatchObject({ mimeType: 'image/jpeg' });
		const photo = sampleProduct('sku-1002');
		const white = await checkWhiteBackground(
			await read(item, 'whiteBackground'),
			await read(item, 'mask'),
			await photoBytes('sku-1002'),
		);
		expect(white).toMatchObject({
			format: 'jpeg',
			width: photo.width,
			height: photo.height,
			darkestOutside: 255,
		});
		expect(white.colourDifferenceInside).toBeLessThan(3);
	});
});

describe('webhook examples in `n8n start` (3, 5, 6)', () => {
	let server: RunningN8n;
	const post = postJson;
	const piApi = () => stack.vendors.piApi.fake!;
	/** PiAPI's calls about a finished task (with E2E_VENDOR_SHAPES=mixed it also calls on creation and progress). */
	const deliveries = (taskId: string) =>
		piApi().webhookLog.filter(
			(delivery) =>
				delivery.taskId === taskId &&
				(delivery.taskStatus === 'completed' || delivery.taskStatus === 'failed'),
		);
	const photoUrl = (productId: string) => `${stack.shop.baseUrl}/images/${productId}.jpg`;

	/** Example 5 with a Max Wait of 2 s, to see n8n end the wait. */
	const CALLBACK_TIMEOUT_ID = 'segExample05MaxWait2s';
	const callbackWithShortMaxWait = () => {
		const example = stack.examples.find((workflow) => workflow.id === EXAMPLE_IDS.callback)!;
		const text = JSON.stringify(example)
			.replaceAll('5e9a0005-', '5e9a0105-')
			.replace('"segment-on-callback"', '"segment-on-callback-max-wait"');
		const workflow = JSON.parse(text) as typeof example;
		workflow.id = CALLBACK_TIMEOUT_ID;
		workflow.name = `${workflow.name} (Max Wait 2 s)`;
		workflow.nodes.find((node) => node.name === 'PiAPI Segment')!.parameters.maxWait = 2;
		return workflow;
	};

	/** Example 5 with the photo read as a file first (HTTP Request), to see binary files survive the wait. */
	const CALLBACK_WITH_PHOTO_ID = 'segExample05WithPhoto';
	const callbackWithPhoto = () => {
		const example = stack.examples.find((workflow) => workflow.id === EXAMPLE_IDS.callback)!;
		const text = JSON.stringify(example)
			.replaceAll('5e9a0005-', '5e9a0205-')
			.replace('"segment-on-callback"', '"segment-on-callback-with-photo"');
		const workflow = JSON.parse(text) as typeof example;
		workflow.id = CALLBACK_WITH_PHOTO_ID;
		workflow.name = `${workflow.name} (photo as a file)`;
		workflow.nodes.push({
			id: '5e9a0205-0000-4000-8000-000000000009',
			name: 'Photo file',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: [120, 160],
			parameters: {
				url: '={{ $json.body.imageUrl }}',
				options: {
					response: { response: { responseFormat: 'file', outputPropertyName: 'photo' } },
				},
			},
		});
		const segment = workflow.nodes.find((node) => node.name === 'PiAPI Segment')!;
		segment.parameters.imageUrl = "={{ $('Photo URL arrives').item.json.body.imageUrl }}";
		workflow.connections['Photo URL arrives'] = {
			main: [[{ node: 'Photo file', type: 'main', index: 0 }]],
		};
		workflow.connections['Photo file'] = {
			main: [[{ node: 'PiAPI Segment', type: 'main', index: 0 }]],
		};
		return workflow;
	};

	beforeAll(async () => {
		await stack.n8n.importWorkflows([callbackWithShortMaxWait(), callbackWithPhoto()]);
		for (const id of [
			EXAMPLE_IDS.webhook,
			EXAMPLE_IDS.callback,
			EXAMPLE_IDS.trigger,
			CALLBACK_TIMEOUT_ID,
			CALLBACK_WITH_PHOTO_ID,
		])
			await stack.n8n.publishWorkflow(id);
		server = await startN8n(stack.n8n);
		await waitForWebhooks(server, [
			'segment-product-image',
			'segment-on-callback',
			'segment-on-callback-max-wait',
			'segment-on-callback-with-photo',
			TRIGGER_PATH,
		]);
	}, 3 * 60_000);

	afterEach(() => {
		piApi().configure({
			webhookDuplicate: false,
			webhookOmitSecret: false,
			webhookSecretOverride: undefined,
			taskOutcome: () => 'success',
			taskLatencyMs: 300,
		});
	});

	afterAll(async () => {
		await server?.stop();
	});

	describe('3: webhook → PiAPI Segment → Respond to Webhook', () => {
		const call = async (body: unknown) =>
			await post(`${server.url}/webhook/segment-product-image`, body);

		test('answers with the mask URL of the posted photo', async () => {
			const { status, json } = await call({ imageUrl: photoUrl('sku-1003'), prompt: 'lamp' });
			expect({ status, json }).toMatchObject({
				status: 200,
				json: { status: 'succeeded', taskId: expect.stringMatching(UUID) },
			});
			expect(json.maskUrl).toEqual(
				expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\/.+\.png$/),
			);
			const mask = await request(json.maskUrl as string);
			expect(mask.statusCode).toBe(200);
			const info = await inspectMask(Buffer.from(await mask.body.arrayBuffer()));
			expect(info).toMatchObject({ format: 'png', width: 640, height: 640 });
		});

		test('answers 422 with the error when the photo cannot be segmented', async () => {
			const { status, json } = await call({ imageUrl: photoUrl('sku-1004') });
			expect({ status, json }).toMatchObject({
				status: 422,
				json: { error: expect.stringMatching(/\S/) },
			});
		});
	});

	describe('5: webhook → PiAPI Segment in callback mode (the execution waits for PiAPI)', () => {
		const start = async (productId: string) => {
			const before = readExecutions(stack.n8n.userFolder, EXAMPLE_IDS.callback).length;
			const { status } = await post(`${server.url}/webhook/segment-on-callback`, {
				imageUrl: photoUrl(productId),
				prompt: 'product',
			});
			expect(status).toBe(200);
			const execution = await waitForExecutions(
				stack.n8n.userFolder,
				EXAMPLE_IDS.callback,
				(all) => (all.length > before && all.at(-1)!.status === 'waiting' ? all.at(-1) : undefined),
			);
			const [created] = nodeItems(execution, 'PiAPI Segment');
			const taskId = String(created.json.taskId);
			return { executionId: execution.id, taskId, task: piApi().tasks.get(taskId)! };
		};
		const finished = async (executionId: number) =>
			await waitForExecutions(stack.n8n.userFolder, EXAMPLE_IDS.callback, (all) => {
				const execution = all.find((candidate) => candidate.id === executionId);
				return execution && execution.status !== 'waiting' && execution.status !== 'running'
					? execution
					: undefined;
			});

		test('resumes once with the mask when PiAPI calls back, also when PiAPI delivers twice', async () => {
			piApi().configure({ webhookDuplicate: true });
			const { executionId, taskId, task } = await start('sku-1003');
			// n8n 2.x signs the resume URL; 1.x gives the bare one.
			const signature = stack.n8n.install.major >= 2 ? '\\?signature=[0-9a-f]+$' : '$';
			expect(task.config.webhook_config.endpoint).toMatch(
				new RegExp(`^${server.url}/webhook-waiting/${executionId}${signature}`),
			);
			const execution = await finished(executionId);
			expectSuccess(execution);
			const [item] = nodeItems(execution, 'Mask ready');
			expect(item.json).toMatchObject({
				vendor: 'piapi',
				status: 'succeeded',
				done: true,
				taskId,
				prompt: 'product',
			});
			await expectMask(item, 'sku-1003');
			await eventually(
				() => deliveries(taskId).length === 2,
				'PiAPI sent the duplicate',
				20_000,
				100,
			);
			// The node answers PiAPI before it resumes the execution, so the repeat meets the execution
			// either still resuming (200; n8n lets only one call resume it) or resumed (409).
			const [first, repeat] = deliveries(taskId);
			expect([first.duplicate, first.status, repeat.duplicate]).toEqual([false, 200, true]);
			expect([200, 409]).toContain(repeat.status);
			// A marker delivery after the repeat was answered: n8n answers it from the stored execution,
			// finished (not resuming again, which would be "running already"), so the repeat has had all its effect.
			const { endpoint, secret } = task.config.webhook_config;
			const marker = await post(
				endpoint,
				{ timestamp: Math.floor(Date.now() / 1000), data: piApi().taskData(task) },
				{ 'x-webhook-secret': secret },
			);
			expect(marker.status).toBe(409);
			expect(JSON.stringify(marker.json)).not.toMatch(/running already/i);
			const [after] = readExecutions(stack.n8n.userFolder, EXAMPLE_IDS.callback).filter(
				(run) => run.id === executionId,
			);
			expect(after.data.resultData.runData['Mask ready']).toHaveLength(1);
			expect(after.data.resultData.runData['PiAPI Segment']).toHaveLength(1);
		});

		test("keeps the input's binary file through the wait (Keep Input Binary): the resumed item has the photo and the mask", async () => {
			// The task outlasts the node's run, so the execution is saved as waiting before PiAPI calls back.
			piApi().configure({ taskLatencyMs: 3_000 });
			const before = readExecutions(stack.n8n.userFolder, CALLBACK_WITH_PHOTO_ID).length;
			const { status } = await post(`${server.url}/webhook/segment-on-callback-with-photo`, {
				imageUrl: photoUrl('sku-1002'),
			});
			expect(status).toBe(200);
			const waiting = await waitForExecutions(
				stack.n8n.userFolder,
				CALLBACK_WITH_PHOTO_ID,
				(all) => (all.length > before && all.at(-1)!.status === 'waiting' ? all.at(-1) : undefined),
			);
			const execution = await waitForExecutions(
				stack.n8n.userFolder,
				CALLBACK_WITH_PHOTO_ID,
				(all) => {
					const run = all.find((candidate) => candidate.id === waiting.id);
					return run && !['waiting', 'running', 'new'].includes(run.status) ? run : undefined;
				},
			);
			expectSuccess(execution);
			const [item] = nodeItems(execution, 'Mask ready');
			expect(Object.keys(item.binary ?? {}).sort()).toEqual(['mask', 'photo']);
			const photo = Buffer.from(await (await fetch(photoUrl('sku-1002'))).arrayBuffer());
			expect(await readBinary(stack.n8n.userFolder, item.binary!.photo)).toEqual(photo);
			await expectMask(item, 'sku-1002');
		});

		test('refuses callbacks with a wrong or missing secret and keeps waiting; the right one resumes it', async () => {
			// The task outlasts the node's own check-in (a second after it waits), which would resume a finished one.
			piApi().configure({ webhookSecretOverride: 'not-the-secret', taskLatencyMs: 3_000 });
			const { executionId, taskId, task } = await start('sku-1002');
			await eventually(
				() => deliveries(taskId).length === 3,
				'PiAPI gave up delivering',
				20_000,
				100,
			);
			expect(deliveries(taskId).map((delivery) => delivery.status)).toEqual([401, 401, 401]);

			const body = { timestamp: Math.floor(Date.now() / 1000), data: piApi().taskData(task) };
			const { endpoint, secret } = task.config.webhook_config;
			expect((await post(endpoint, body)).status).toBe(401);
			const stillWaiting = readExecutions(stack.n8n.userFolder, EXAMPLE_IDS.callback).find(
				(run) => run.id === executionId,
			);
			expect(stillWaiting?.status).toBe('waiting');

			expect((await post(endpoint, body, { 'x-webhook-secret': secret })).status).toBe(200);
			const execution = await finished(executionId);
			expectSuccess(execution);
			expect(nodeItems(execution, 'Mask ready')[0].json).toMatchObject({
				taskId,
				status: 'succeeded',
			});
		});
	});

	test('5: at Max Wait n8n resumes the execution and the item goes to the error output with its task id', async () => {
		piApi().configure({ taskOutcome: () => 'never' });
		const { status } = await post(`${server.url}/webhook/segment-on-callback-max-wait`, {
			imageUrl: photoUrl('sku-1001'),
		});
		expect(status).toBe(200);
		// n8n looks for waits that ended about once a minute.
		const execution = await waitForExecutions(
			stack.n8n.userFolder,
			CALLBACK_TIMEOUT_ID,
			(all) =>
				all.find(
					(run) => run.status !== 'waiting' && run.status !== 'running' && run.status !== 'new',
				),
			100_000,
		);
		expectSuccess(execution);
		const resumePath = new RegExp(`/webhook-waiting/${execution.id}(\\?|$)`);
		const task = [...piApi().tasks.values()].find((candidate) =>
			resumePath.test(candidate.config.webhook_config.endpoint),
		);
		const taskId = task!.id;
		const [failed] = nodeItems(execution, 'Segmentation failed');
		expect(failed.json.error).toEqual(
			expect.stringContaining(`without the result of task ${taskId}`),
		);
		expect(nodeRan(execution, 'Mask ready')).toBe(false);
	}, 150_000);

	describe('6: PiAPI Trigger → mask', () => {
		const SECRET = 'replace-with-a-long-random-secret';
		const triggerUrl = () => `${server.url}/webhook/${TRIGGER_PATH}`;
		const createTask = async (productId: string) => {
			const fake = piApi();
			const { json } = await post(
				`${fake.baseUrl}/api/v1/task`,
				{
					model: 'Qubico/image-toolkit',
					task_type: 'segment',
					input: {
						image: photoUrl(productId),
						prompt: 'product',
						negative_prompt: '',
						segment_factor: 0,
					},
					config: { webhook_config: { endpoint: triggerUrl(), secret: SECRET } },
				},
				{ 'x-api-key': fake.config.apiKey },
			);
			return String((json.data as { task_id: string }).task_id);
		};
		const executionsFor = (taskId: string) =>
			readExecutions(stack.n8n.userFolder, EXAMPLE_IDS.trigger).filter(
				(run) => nodeItems(run, 'PiAPI Trigger')[0]?.json.taskId === taskId,
			);

		test('starts the workflow once per finished task, with the task and its mask', async () => {
			piApi().configure({ webhookDuplicate: true });
			const taskId = await createTask('sku-1001');
			const execution = await waitForExecutions(stack.n8n.userFolder, EXAMPLE_IDS.trigger, () => {
				const [run] = executionsFor(taskId);
				return run?.status === 'success' ? run : undefined;
			});
			const [item] = nodeItems(execution, 'Mask ready');
			expect(item.json).toMatchObject({
				vendor: 'piapi',
				taskId,
				status: 'succeeded',
				done: true,
				error: null,
			});
			await expectMask(item, 'sku-1001');
			await eventually(
				() => deliveries(taskId).length === 2,
				'PiAPI sent the duplicate',
				20_000,
				100,
			);
			expect(deliveries(taskId).map((delivery) => [delivery.duplicate, delivery.status])).toEqual([
				[false, 200],
				[true, 200],
			]);
			await new Promise((resolve) => setTimeout(resolve, 1000));
			expect(executionsFor(taskId)).toHaveLength(1);
		});

		test.each([
			['a wrong secret', { webhookSecretOverride: 'not-the-secret' }],
			['no secret', { webhookOmitSecret: true }],
		])('refuses calls with %s and starts nothing', async (_case, fault) => {
			piApi().configure(fault);
			const before = readExecutions(stack.n8n.userFolder, EXAMPLE_IDS.trigger).length;
			const taskId = await createTask('sku-1001');
			await eventually(
				() => deliveries(taskId).length === 3,
				'PiAPI gave up delivering',
				20_000,
				100,
			);
			expect(deliveries(taskId).map((delivery) => delivery.status)).toEqual([401, 401, 401]);
			expect(readExecutions(stack.n8n.userFolder, EXAMPLE_IDS.trigger)).toHaveLength(before);
		});
	});
});
