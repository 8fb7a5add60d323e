/*
 * Every reply shape SellerPic's public clients and its docs' types allow (see "Seen in public
 * clients" in the API notes), one switch of the fake each, through n8n's engine. Each run also
 * checks that the API key shows nowhere in the run.
 */
import sharp from 'sharp';

import { SELLERPIC_SAMPLE_KEY } from '../fake';
import { makeProductPhoto } from '../fake/images';
import type { SellerPicConfig } from '../fake/sellerpic.fake';
import type { TestItem } from '../harness/core-node-stand-ins';
import { runWorkflow } from '../harness/engine';
import { writeTempFile } from '../support/images';
import { expectKeysNowhere } from '../support/secrets';
import { runOnFakes, sellerPicCredentials, useFakeVendors } from '../support/vendor-fakes';
import { NODE_UNDER_TEST, workflowFor } from '../support/workflows';

const vendors = useFakeVendors({
	keys: {
		sellerpic: 'sp-live-SHAPES-4242424242-secret',
		piapi: 'pi-live-SHAPES-2424242424-secret',
	},
	photo: { width: 200, height: 150, seed: 4 },
	taskLatencyMs: 100,
});

const fake = () => vendors.sellerPic;
const FAST = { pollInterval: 0.05, maxWait: 30 };
const FROM_KEY = { imageSource: 'fileKey', fileKey: SELLERPIC_SAMPLE_KEY };

/** Runs SellerPic Segment (or its tool) on `items` with the fake set as told. */
async function segment(
	shape: Partial<SellerPicConfig>,
	parameters: Record<string, unknown>,
	{
		items = [{ json: {} }],
		nodeType = 'sellerPicSegment',
		continueOnFail = false,
	}: { items?: TestItem[]; nodeType?: string; continueOnFail?: boolean } = {},
) {
	fake().configure(shape);
	const workflow = workflowFor(
		nodeType,
		{ mode: 'prompt', prompt: 'sofa', ...FAST, ...parameters } as never,
		items,
		{ credentials: ['sellerPicApi'], continueOnFail },
	);
	const run = await runWorkflow(workflow, {
		credentials: sellerPicCredentials(fake(), vendors.keys.sellerpic),
	});
	expectKeysNowhere(run, Object.values(vendors.keys));
	return run;
}

/** The fake's replies to creates that refused for capacity, as [HTTP status, code]. */
const capacityRefusals = () =>
	fake()
		.requests.filter((entry) => entry.endpoint === 'promptSegmentation' && entry.code === 30003)
		.map((entry) => entry.status);

describe('SellerPic: the capacity refusal (30003) with any HTTP status', () => {
	it.each([400, 429, 500])(
		'with HTTP %i it waits and sends the create again: 20 items over a cap of 5 give 20 masks',
		async (status) => {
			const items = Array.from({ length: 20 }, (_, index) => ({ json: { index } }));
			const run = await segment(
				{ capacityRefusalStatus: status, concurrencyCap: 5 },
				{ ...FROM_KEY, options: { maxConcurrentTasks: 8 } },
				{ items, continueOnFail: true },
			);
			expect(run.status).toBe('success');
			const output = run.output(NODE_UNDER_TEST);
			expect(output.map((item) => item.json.error ?? item.json.status)).toEqual(
				items.map(() => 'succeeded'),
			);
			expect(output.every((item) => item.binary?.mask)).toBe(true);
			expect(fake().counters.creates).toBe(20);
			expect(fake().counters.peakInFlight).toBeLessThanOrEqual(5);
			// The shape was sent: refusals with that status, never taken for a failure.
			const refusals = capacityRefusals();
			expect(refusals.length).toBeGreaterThan(0);
			expect(new Set(refusals)).toEqual(new Set([status]));
		},
	);

	it('is still one when it lasts past Max Wait: the item says at capacity, not that the task may exist', async () => {
		const run = await segment(
			{ capacityRefusalStatus: 400, concurrencyCap: 1, taskOutcome: () => 'never' },
			{ ...FROM_KEY, maxWait: 1, options: { maxConcurrentTasks: 2 } },
			{ items: [{ json: {} }, { json: {} }], continueOnFail: true },
		);
		const errors = run.output(NODE_UNDER_TEST).map((item) => String(item.json.error));
		// The first task never ends (Max Wait); the second never got a place.
		expect(errors[0]).toMatch(/was not done after 1 s/);
		const failed = run.output(NODE_UNDER_TEST)[1];
		expect(failed?.json.error).toMatch(/^SellerPic error 30003: /);
		expect(failed?.json.errorDetails).toMatchObject({ httpStatus: 400, code: '30003' });
		expect((failed?.json.errorDetails as Record<string, unknown>).taskMayExist).toBeUndefined();
		expect(fake().counters.creates).toBe(1);
	});
});

describe('SellerPic: ids as bare 19-digit JSON numbers', () => {
	it('keeps every digit of the task id and the result ids: 5 items, 5 masks', async () => {
		const items = Array.from({ length: 5 }, () => ({ json: {} }));
		const run = await segment({ idsAsNumbers: true, resultsPerTask: 2 }, FROM_KEY, { items });
		expect(run.status).toBe('success');
		const output = run.output(NODE_UNDER_TEST);
		const tasks = [...fake().tasks.values()];
		expect(output.map((item) => item.json.taskId).sort()).toEqual(tasks.map((t) => t.id).sort());
		for (const item of output) {
			const task = fake().tasks.get(String(item.json.taskId))!;
			expect(task.id).toMatch(/^\d{19}$/);
			expect(item.json.resultIds).toEqual(task.results.map((result) => result.id));
			expect(Object.keys(item.binary ?? {})).toEqual(['mask', 'mask_2']);
		}
		// The fake did send them as numbers.
		const create = await fetch(`${fake().baseUrl}/v1/api/generate/promptSegmentation`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${vendors.keys.sellerpic}`,
				'content-type': 'application/json',
			},
			body: JSON.stringify({ imageKey: SELLERPIC_SAMPLE_KEY, prompt: 'sofa' }),
		});
		expect(await create.text()).toMatch(/"data":\{"id":\d{19}\}/);
	});

	it('Check Segmentation Task and Get Segmentation Download URL read such a task by its id', async () => {
		const created = await segment(
			{ idsAsNumbers: true },
			{ ...FROM_KEY, waitForCompletion: false },
		);
		const taskId = String(created.output(NODE_UNDER_TEST)[0].json.taskId);
		expect(fake().tasks.has(taskId)).toBe(true);
		fake().tasks.get(taskId)!.createdAt -= 1000;
		const checked = await runOnFakes(vendors, 'checkSegmentationTask', 'sellerpic', { taskId });
		const [result] = fake().tasks.get(taskId)!.results;
		expect(checked.output(NODE_UNDER_TEST)[0].json).toMatchObject({
			taskId,
			status: 'succeeded',
			results: [{ id: result.id, status: 'succeeded' }],
		});
		const urls = await runOnFakes(vendors, 'getSegmentationDownloadUrl', 'sellerpic', {
			idType: 'taskId',
			id: taskId,
		});
		expect(urls.output(NODE_UNDER_TEST)[0].json.files).toEqual([
			expect.objectContaining({ resultId: result.id }),
		]);
	});
});

describe('SellerPic: the upload', () => {
	it('takes the reply with msg "SUCCESS" and a request_id (a Shopify app client) as a success', async () => {
		const path = writeTempFile(
			'lamp.png',
			await makeProductPhoto({ width: 64, height: 48, seed: 1 }),
		);
		const run = await segment(
			{ uploadReplyWithRequestId: true },
			{ imageSource: 'binary', binaryPropertyName: 'data' },
			{ items: [{ files: { data: { path } } }] },
		);
		expect(run.status).toBe('success');
		expect(run.output(NODE_UNDER_TEST)[0].json.imageKey).toMatch(/^UPLOAD\//);
		expect(fake().counters.uploads).toBe(1);
	});

	it('names the file and its part type after the bytes, whatever the binary is called', async () => {
		const png = await makeProductPhoto({ width: 64, height: 48, seed: 2 });
		const jpeg = await makeProductPhoto({ width: 64, height: 48, seed: 3, format: 'jpeg' });
		const webp = await makeProductPhoto({ width: 64, height: 48, seed: 4, format: 'webp' });
		const cases: [string, Buffer, string?][] = [
			['photo.jpg', png],
			['photo', png],
			['PHOTO.PNG', png],
			['shot.png', jpeg, 'image/png'],
			['pic.JPEG', webp],
		];
		const items = cases.map(([name, bytes, mimeType]) => ({
			files: { data: { path: writeTempFile(name, bytes), mimeType } },
		}));
		const run = await segment(
			{ uploadNameMustMatchBytes: true },
			{ imageSource: 'binary', binaryPropertyName: 'data' },
			{ items, continueOnFail: true },
		);
		expect(run.output(NODE_UNDER_TEST).map((item) => item.json.error ?? item.json.status)).toEqual(
			cases.map(() => 'succeeded'),
		);
		expect(fake().counters.uploads).toBe(cases.length);
	});

	it('the fake refuses a name that does not match the bytes (what the test above relies on)', async () => {
		const form = new FormData();
		const png = await makeProductPhoto({ width: 32, height: 32, seed: 1 });
		form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'photo.jpg');
		fake().configure({ uploadNameMustMatchBytes: true });
		const reply = await fetch(`${fake().baseUrl}/v1/api/upload`, {
			method: 'POST',
			headers: { authorization: `Bearer ${vendors.keys.sellerpic}` },
			body: form,
		});
		expect(await reply.json()).toMatchObject({ code: 40002, success: false });
	});
});

describe('SellerPic: several results per task', () => {
	it('SellerPic Segment carries every result: resultIds, maskUrls and the masks mask, mask_2, mask_3', async () => {
		const path = writeTempFile(
			'sofa.png',
			await makeProductPhoto({ width: 120, height: 90, seed: 6 }),
		);
		const run = await segment(
			{ resultsPerTask: 3 },
			{ imageSource: 'binary', binaryPropertyName: 'data' },
			{ items: [{ files: { data: { path } } }] },
		);
		const [item] = run.output(NODE_UNDER_TEST);
		const [task] = fake().tasks.values();
		expect(item.json.resultIds).toEqual(task.results.map((result) => result.id));
		const maskUrls = item.json.maskUrls as string[];
		expect(maskUrls).toHaveLength(3);
		expect(new Set(maskUrls).size).toBe(3);
		expect(item.json.maskUrl).toBe(maskUrls[0]);
		task.results.forEach((result, index) =>
			expect(maskUrls[index]).toContain(`${result.maskHex}_mask_output.png`),
		);
		expect(
			['mask', 'mask_2', 'mask_3'].map((field) => [field, item.binary?.[field]?.fileName]),
		).toEqual([
			['mask', 'sofa_mask.png'],
			['mask_2', 'sofa_mask_2.png'],
			['mask_3', 'sofa_mask_3.png'],
		]);
		const masks = await Promise.all(['mask', 'mask_2', 'mask_3'].map((f) => run.binary(item, f)));
		for (const mask of masks) {
			const meta = await sharp(mask).metadata();
			expect([meta.format, meta.width, meta.height]).toEqual(['png', 120, 90]);
		}
		expect(new Set(masks.map((mask) => mask.toString('base64'))).size).toBe(3);
		expect(item.binary?.data).toBeDefined();
		expect(fake().counters.fileDownloads).toBe(3);
	});

	it('without Download Mask, every URL and no file', async () => {
		const run = await segment(
			{ resultsPerTask: 2 },
			{ ...FROM_KEY, options: { downloadMask: false } },
		);
		const [item] = run.output(NODE_UNDER_TEST);
		expect(item.json.maskUrls).toHaveLength(2);
		expect(item.binary).toBeUndefined();
		expect(fake().counters.fileDownloads).toBe(0);
	});

	it('as an AI agent tool, returns every URL', async () => {
		const run = await segment(
			{ resultsPerTask: 2 },
			{ imageSource: 'url', imageUrl: vendors.imageUrl, options: { downloadMask: false } },
			{ nodeType: 'sellerPicSegmentTool' },
		);
		const [item] = run.output(NODE_UNDER_TEST);
		expect(item.json).toMatchObject({
			status: 'succeeded',
			maskUrls: [expect.stringContaining('/storage/'), expect.stringContaining('/storage/')],
		});
	});

	it('a result that failed beside succeeded ones: the item succeeds with the masks that exist', async () => {
		const run = await segment(
			{
				resultsPerTask: 3,
				resultOutcome: (_task, index) => (index === 1 ? 'failed' : 'success'),
			},
			FROM_KEY,
		);
		const [item] = run.output(NODE_UNDER_TEST);
		const [task] = fake().tasks.values();
		expect(item.json.status).toBe('succeeded');
		expect(item.json.resultIds).toEqual([task.results[0].id, task.results[2].id]);
		expect(item.json.maskUrls).toHaveLength(2);
		expect(Object.keys(item.binary ?? {})).toEqual(['mask', 'mask_2']);

		// Check Segmentation Task shows each result as it is, the failed one too.
		const checked = await runOnFakes(vendors, 'checkSegmentationTask', 'sellerpic', {
			taskId: task.id,
		});
		expect(checked.output(NODE_UNDER_TEST)[0].json).toMatchObject({
			status: 'succeeded',
			results: [
				{ id: task.results[0].id, status: 'succeeded' },
				{ id: task.results[1].id, status: 'failed' },
				{ id: task.results[2].id, status: 'succeeded' },
			],
		});
		// Get Segmentation Download URL (Task ID) gives the files that exist.
		const urls = await runOnFakes(vendors, 'getSegmentationDownloadUrl', 'sellerpic', {
			idType: 'taskId',
			id: task.id,
			download: true,
		});
		const [files] = urls.output(NODE_UNDER_TEST);
		expect((files.json.files as { resultId: string }[]).map((file) => file.resultId)).toEqual([
			task.results[0].id,
			task.results[2].id,
		]);
		expect(Object.keys(files.binary ?? {})).toEqual(['mask', 'mask_2']);
	});

	it('every result failed: the item fails with the reason', async () => {
		const run = await segment({ resultsPerTask: 2, taskOutcome: () => 'failed' }, FROM_KEY, {
			continueOnFail: true,
		});
		expect(run.output(NODE_UNDER_TEST)[0].json.error).toMatch(
			/SellerPic could not segment the image .*no object matched/,
		);
	});

	it('Check Segmentation Task lists every result, and Get Segmentation Download URL (Task ID) returns every file', async () => {
		const created = await segment({ resultsPerTask: 3 }, { ...FROM_KEY, waitForCompletion: false });
		const taskId = String(created.output(NODE_UNDER_TEST)[0].json.taskId);
		const task = fake().tasks.get(taskId)!;
		task.createdAt -= 1000;
		const checked = await runOnFakes(vendors, 'checkSegmentationTask', 'sellerpic', { taskId });
		expect(checked.output(NODE_UNDER_TEST)[0].json.results).toEqual(
			task.results.map((result) => ({ id: result.id, status: 'succeeded' })),
		);
		const urls = await runOnFakes(vendors, 'getSegmentationDownloadUrl', 'sellerpic', {
			idType: 'taskId',
			id: taskId,
			download: true,
		});
		const [item] = urls.output(NODE_UNDER_TEST);
		expect(item.json.files).toEqual(
			task.results.map((result) => ({
				resultId: result.id,
				url: expect.stringContaining(`${result.maskHex}_mask_output.png`),
				fileName: `${result.maskHex}_mask_output.png`,
			})),
		);
		expect(Object.keys(item.binary ?? {})).toEqual(['mask', 'mask_2', 'mask_3']);
	});
});
