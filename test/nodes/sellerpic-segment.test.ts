import sharp from 'sharp';

import { startSellerPicFake, SELLERPIC_SAMPLE_KEY, type SellerPicFake } from '../fake';
import { makeProductPhoto } from '../fake/images';
import { startReceiver, maskValueAt, type Receiver } from '../fake/test-client';
import { runWorkflow } from '../harness/engine';
import { productPhotoFile, writeTempFile } from '../support/images';
import { sellerPicCredentials } from '../support/vendor-fakes';
import { NODE_UNDER_TEST, workflowFor } from '../support/workflows';
import { eventually } from '../../tools/local-n8n/system/wait';

const API_KEY = 'sp-live-KEY-1234567890-abcdef';
let fake: SellerPicFake;

const credentials = () => sellerPicCredentials(fake, API_KEY);
const FAST = { pollInterval: 0.05, maxWait: 20 };

function sellerPicWorkflow(
	parameters: Record<string, unknown>,
	items?: Parameters<typeof workflowFor>[2],
	continueOnFail = false,
) {
	return workflowFor(
		'sellerPicSegment',
		{ mode: 'prompt', prompt: 'product', ...FAST, ...parameters } as never,
		items,
		{
			continueOnFail,
			credentials: ['sellerPicApi'],
		},
	);
}

beforeAll(async () => {
	fake = await startSellerPicFake({ apiKey: API_KEY, taskLatencyMs: 150 });
});
beforeEach(() => fake.reset());
afterAll(async () => await fake.close());

describe('SellerPic Segment', () => {
	it('segments a binary image by prompt and returns the mask as a PNG of the same size', async () => {
		const photo = await productPhotoFile('sofa.png', 320, 240);
		const run = await runWorkflow(
			sellerPicWorkflow({ imageSource: 'binary', binaryPropertyName: 'data' }, [
				{ json: { sku: 'A1' }, files: { data: { path: photo.path } } },
			]),
			{ credentials: credentials() },
		);
		expect(run.status).toBe('success');
		const [item] = run.output(NODE_UNDER_TEST);
		expect(item.json).toMatchObject({
			vendor: 'sellerpic',
			status: 'succeeded',
			done: true,
			prompt: 'product',
		});
		expect(item.json.taskId).toEqual(expect.stringMatching(/^\d+$/));
		expect(item.json.resultIds).toHaveLength(1);
		expect(item.json.maskUrl).toEqual(expect.stringContaining(fake.storageBaseUrl));
		expect(item.json.imageKey).toEqual(expect.stringMatching(/^UPLOAD\//));
		expect(item.pairedItem).toEqual({ item: 0 });

		const mask = await run.binary(item, 'mask');
		expect(item.binary?.mask).toMatchObject({ mimeType: 'image/png', fileName: 'sofa_mask.png' });
		const meta = await sharp(mask).metadata();
		expect([meta.format, meta.width, meta.height]).toEqual(['png', 320, 240]);
		expect(await maskValueAt(mask, 0.5, 0.5)).toBe(255);
		expect(await maskValueAt(mask, 0.02, 0.02)).toBe(0);
		// The input image passes through.
		expect(await run.binary(item, 'data')).toEqual(photo.data);
		expect(fake.counters.uploads).toBe(1);
		expect(fake.counters.storageRequestsWithApiKey).toBe(0);
	});

	it('fetches an image URL, uploads it and segments it', async () => {
		const image = await makeProductPhoto({ width: 200, height: 300, seed: 7 });
		const host: Receiver = await startReceiver(image);
		try {
			const run = await runWorkflow(
				sellerPicWorkflow({ imageSource: 'url', imageUrl: `${host.url}/image.png` }),
				{ credentials: credentials() },
			);
			const [item] = run.output(NODE_UNDER_TEST);
			const meta = await sharp(await run.binary(item, 'mask')).metadata();
			expect([meta.width, meta.height]).toEqual([200, 300]);
			expect(item.binary?.mask.fileName).toBe('image_mask.png');
			expect(fake.counters.uploads).toBe(1);
		} finally {
			await host.close();
		}
	});

	it('segments an image already uploaded to SellerPic by its file key, by type', async () => {
		const run = await runWorkflow(
			sellerPicWorkflow({
				mode: 'type',
				segmentType: 'product',
				expandPixels: 4,
				imageSource: 'fileKey',
				fileKey: SELLERPIC_SAMPLE_KEY,
			}),
			{ credentials: credentials() },
		);
		const [item] = run.output(NODE_UNDER_TEST);
		expect(item.json).toMatchObject({
			status: 'succeeded',
			imageKey: SELLERPIC_SAMPLE_KEY,
			type: 'product',
			expandPixels: 4,
			mode: 'type',
		});
		expect(fake.counters.uploads).toBe(0);
		expect(fake.counters.calls.segmentImage).toBe(1);
		// What reached SellerPic: the documented body of Segment Image By Type.
		expect([...fake.tasks.values()]).toEqual([
			expect.objectContaining({
				kind: 'segmentImage',
				imageKey: SELLERPIC_SAMPLE_KEY,
				type: 'product',
				expandPixels: 4,
				prompt: undefined,
			}),
		]);
		expect(item.binary?.mask).toBeDefined();
	});

	describe('version 1.1: Operation instead of Segment By', () => {
		const v11 = (parameters: Record<string, unknown>) =>
			workflowFor(
				'sellerPicSegment',
				{ ...FAST, imageSource: 'fileKey', fileKey: SELLERPIC_SAMPLE_KEY, ...parameters } as never,
				undefined,
				{
					credentials: ['sellerPicApi'],
					typeVersion: 1.1,
				},
			);

		it('Segment an image by type sends a segment-by-type task', async () => {
			const run = await runWorkflow(
				v11({ operation: 'type', segmentType: 'product', expandPixels: 4 }),
				{ credentials: credentials() },
			);
			expect(run.output(NODE_UNDER_TEST)[0].json).toMatchObject({
				status: 'succeeded',
				mode: 'type',
				type: 'product',
				expandPixels: 4,
			});
			const [task] = fake.tasks.values();
			expect(task).toMatchObject({ kind: 'segmentImage', type: 'product', expandPixels: 4 });
		});

		it('without the field, segments by prompt (its default)', async () => {
			const run = await runWorkflow(v11({ prompt: 'sofa' }), { credentials: credentials() });
			expect(run.output(NODE_UNDER_TEST)[0].json).toMatchObject({
				status: 'succeeded',
				mode: 'prompt',
				prompt: 'sofa',
			});
			expect([...fake.tasks.values()].map(({ kind, prompt }) => [kind, prompt])).toEqual([
				['promptSegmentation', 'sofa'],
			]);
		});
	});

	it('returns the task id at once when not waiting for completion', async () => {
		const run = await runWorkflow(
			sellerPicWorkflow({
				imageSource: 'fileKey',
				fileKey: SELLERPIC_SAMPLE_KEY,
				waitForCompletion: false,
			}),
			{ credentials: credentials() },
		);
		const [item] = run.output(NODE_UNDER_TEST);
		expect(item.json).toMatchObject({ status: 'queued', done: false });
		expect(fake.tasks.has(String(item.json.taskId))).toBe(true);
		expect(fake.counters.polls).toBe(0);
		expect(item.binary).toBeUndefined();
	});

	it('returns only the mask URL when the download is turned off, and drops input binaries on request', async () => {
		const photo = await productPhotoFile('lamp.png');
		const run = await runWorkflow(
			sellerPicWorkflow({ options: { downloadMask: false, keepInputBinary: false } }, [
				{ files: { data: { path: photo.path } } },
			]),
			{ credentials: credentials() },
		);
		const [item] = run.output(NODE_UNDER_TEST);
		expect(item.json.maskUrl).toEqual(expect.stringContaining('/storage/'));
		expect(item.binary).toBeUndefined();
		expect(fake.counters.fileDownloads).toBe(0);
	});

	it('names the mask field and format as configured', async () => {
		const photo = await productPhotoFile('chair.jpg', 300, 200, 'jpeg');
		const run = await runWorkflow(
			sellerPicWorkflow({ options: { maskBinaryField: 'cutout', maskFormat: 'webp' } }, [
				{ files: { data: { path: photo.path } } },
			]),
			{ credentials: credentials() },
		);
		const [item] = run.output(NODE_UNDER_TEST);
		expect(item.binary?.cutout).toMatchObject({
			mimeType: 'image/webp',
			fileName: 'chair_mask.webp',
		});
		expect((await sharp(await run.binary(item, 'cutout')).metadata()).format).toBe('webp');
	});

	it.each([
		[
			'a GIF',
			async () =>
				await sharp({ create: { width: 10, height: 10, channels: 3, background: '#fff' } })
					.gif()
					.toBuffer(),
			/does not accept GIF/,
		],
		[
			'bytes that are not an image',
			async () => Buffer.from('<html>not an image</html>'),
			/not an image SellerPic accepts/,
		],
		['an empty file', async () => Buffer.alloc(0), /empty/],
		[
			'an image over 4096 px',
			async () => await makeProductPhoto({ width: 4097, height: 16, seed: 1 }),
			/4097×16 px; SellerPic accepts at most 4096 px/,
		],
	])('refuses %s before sending anything', async (_name, makeBytes, message) => {
		const path = writeTempFile(`bad-${Math.random()}.bin`, await makeBytes());
		const run = await runWorkflow(sellerPicWorkflow({}, [{ files: { data: { path } } }]), {
			credentials: credentials(),
		});
		expect(run.status).toBe('error');
		expect(run.nodeError(NODE_UNDER_TEST)?.message).toMatch(message);
		expect(run.nodeError(NODE_UNDER_TEST)?.message).toMatch(/\[item 0\]/);
		expect(fake.counters.uploads + fake.counters.creates).toBe(0);
	});

	it('holds segment-by-type images to 2000 px', async () => {
		const path = writeTempFile(
			'wide.png',
			await makeProductPhoto({ width: 2001, height: 50, seed: 2 }),
		);
		const run = await runWorkflow(
			sellerPicWorkflow({ mode: 'type', segmentType: 'product' }, [{ files: { data: { path } } }]),
			{
				credentials: credentials(),
			},
		);
		expect(run.nodeError(NODE_UNDER_TEST)?.message).toMatch(
			/2001×50 px; SellerPic accepts at most 2000 px/,
		);
		expect(fake.counters.uploads).toBe(0);
	});

	it('names the missing binary field and the ones present', async () => {
		const photo = await productPhotoFile('x.png');
		const run = await runWorkflow(
			sellerPicWorkflow({ binaryPropertyName: 'image' }, [
				{ files: { photo: { path: photo.path } } },
			]),
			{
				credentials: credentials(),
			},
		);
		const error = run.nodeError(NODE_UNDER_TEST);
		expect(error?.message).toMatch(/no binary field "image"/);
		expect(error?.description).toMatch(/photo/);
	});

	it('with Continue On Fail, gives the bad item its error and segments the rest, in order', async () => {
		const good = await productPhotoFile('good.png');
		const bad = writeTempFile('bad.txt', Buffer.from('hello'));
		const items = [
			{ files: { data: { path: good.path } } },
			{ files: { data: { path: bad } } },
			{ files: { data: { path: good.path } } },
		];
		const run = await runWorkflow(sellerPicWorkflow({}, items, true), {
			credentials: credentials(),
		});
		expect(run.status).toBe('success');
		const output = run.output(NODE_UNDER_TEST);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json.status).toBe('succeeded');
		expect(output[1].json.error).toMatch(/not an image .*\[item 1\]/);
		expect(output[2].json.status).toBe('succeeded');
	});

	it('with On Error "continue (using error output)", sends the failed item to the error output', async () => {
		const good = await productPhotoFile('good2.png');
		const bad = writeTempFile('bad2.txt', Buffer.from('hello'));
		const workflow = sellerPicWorkflow({}, [
			{ files: { data: { path: good.path } } },
			{ files: { data: { path: bad } } },
		]);
		workflow.nodes[2].onError = 'continueErrorOutput';
		const run = await runWorkflow(workflow, { credentials: credentials() });
		expect(
			run.output(NODE_UNDER_TEST, 0).map((item) => [item.json.status, item.pairedItem]),
		).toEqual([['succeeded', { item: 0 }]]);
		const [failed] = run.output(NODE_UNDER_TEST, 1);
		expect(failed.json.error).toMatch(/not an image SellerPic accepts .*\[item 1\]/);
		expect(failed.pairedItem).toEqual({ item: 1 });
	});

	it('fails a task SellerPic reports FAILED with its code and message', async () => {
		fake.configure({ taskOutcome: () => 'failed' });
		const run = await runWorkflow(
			sellerPicWorkflow({ imageSource: 'fileKey', fileKey: SELLERPIC_SAMPLE_KEY }),
			{ credentials: credentials() },
		);
		const error = run.nodeError(NODE_UNDER_TEST);
		expect(error?.message).toMatch(/SellerPic could not segment the image \(task \d+\)/);
		expect(error?.name).toBe('NodeApiError');
		expect(
			(error as unknown as { errorResponse: { vendorCode: string } }).errorResponse.vendorCode,
		).toBe('50001');
		expect(error?.message).toMatch(/no object matched/);
	});

	it('stops at Max Wait with the task id and how to continue', async () => {
		fake.configure({ taskOutcome: () => 'never' });
		const run = await runWorkflow(
			sellerPicWorkflow({
				imageSource: 'fileKey',
				fileKey: SELLERPIC_SAMPLE_KEY,
				pollInterval: 0.05,
				maxWait: 0.3,
			}),
			{ credentials: credentials() },
		);
		const error = run.nodeError(NODE_UNDER_TEST);
		const [taskId] = [...fake.tasks.keys()];
		expect(error?.message).toContain(`task ${taskId} was not done after 0.3 s`);
		expect(error?.description).toContain('Check Segmentation Task');
	});

	it('never checks a task more often than the poll interval', async () => {
		fake.configure({ taskLatencyMs: 700, minPollIntervalMs: 200 });
		const run = await runWorkflow(
			sellerPicWorkflow({
				imageSource: 'fileKey',
				fileKey: SELLERPIC_SAMPLE_KEY,
				pollInterval: 0.2,
			}),
			{ credentials: credentials() },
		);
		expect(run.status).toBe('success');
		expect(fake.counters.polls).toBeGreaterThanOrEqual(2);
		expect(fake.counters.tooFastPolls).toBe(0);
	});

	it('stops waiting when the execution is cancelled', async () => {
		fake.configure({ taskOutcome: () => 'never' });
		// A Poll Interval's time, counted from before the node began its first wait: a wait that
		// ignored the cancel would end after this fires (timers never fire early, and fire in order).
		let pollIntervalOver = false;
		const pollInterval = setTimeout(() => (pollIntervalOver = true), 5_000);
		const run = await runWorkflow(
			sellerPicWorkflow({
				imageSource: 'fileKey',
				fileKey: SELLERPIC_SAMPLE_KEY,
				pollInterval: 5,
				maxWait: 60,
			}),
			{
				credentials: credentials(),
				onStarted: (cancel) =>
					void eventually(() => fake.counters.creates === 1, 'the task').then(cancel),
			},
		);
		clearTimeout(pollInterval);
		expect(run.status).toBe('canceled');
		expect(pollIntervalOver).toBe(false);
	});

	it('keeps at most Max Concurrent Tasks running and returns every item in input order', async () => {
		const photo = await productPhotoFile('many.png', 64, 64);
		const items = Array.from({ length: 12 }, (_, index) => ({
			json: { index },
			files: { data: { path: photo.path } },
		}));
		const run = await runWorkflow(
			sellerPicWorkflow({ options: { maxConcurrentTasks: 3 } }, items),
			{ credentials: credentials() },
		);
		const output = run.output(NODE_UNDER_TEST);
		expect(output).toHaveLength(12);
		expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(output.every((item) => item.json.status === 'succeeded')).toBe(true);
		expect(fake.counters.peakInFlight).toBeLessThanOrEqual(3);
		expect(fake.counters.peakInFlight).toBeGreaterThan(1);
	});

	it('learns how long tasks take, so later tasks are found done at their first check', async () => {
		fake.configure({ taskLatencyMs: 400, minPollIntervalMs: 250 });
		const items = Array.from({ length: 10 }, () => ({ json: {} }));
		const run = await runWorkflow(
			sellerPicWorkflow(
				{
					imageSource: 'fileKey',
					fileKey: SELLERPIC_SAMPLE_KEY,
					pollInterval: 0.25,
					options: { maxConcurrentTasks: 2 },
				},
				items,
			),
			{ credentials: credentials() },
		);
		expect(run.output(NODE_UNDER_TEST).every((item) => item.json.status === 'succeeded')).toBe(
			true,
		);
		// The first two tasks need two checks each (at 250 and 500 ms); the other eight one each.
		expect(fake.counters.polls).toBeLessThanOrEqual(2 * 2 + 8 + 1);
		expect(fake.counters.tooFastPolls).toBe(0);
	});

	it('resolves expressions per item', async () => {
		const run = await runWorkflow(
			sellerPicWorkflow(
				{ imageSource: 'fileKey', fileKey: SELLERPIC_SAMPLE_KEY, prompt: '={{ $json.thing }}' },
				[{ json: { thing: 'sofa' } }, { json: { thing: 'lamp' } }],
			),
			{ credentials: credentials() },
		);
		expect(run.output(NODE_UNDER_TEST).map((item) => item.json.prompt)).toEqual(['sofa', 'lamp']);
		expect(
			[...fake.tasks.values()].map((task) => (task as { prompt?: string }).prompt).sort(),
		).toEqual(['lamp', 'sofa']);
	});
});
