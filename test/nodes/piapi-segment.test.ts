import sharp from 'sharp';

import { startPiApiFake, type PiApiFake } from '../fake';
import { makeProductPhoto } from '../fake/images';
import { maskValueAt, startReceiver, type Receiver } from '../fake/test-client';
import { runWorkflow } from '../harness/engine';
import { productPhotoFile, writeTempFile } from '../support/images';
import { piApiCredentials } from '../support/vendor-fakes';
import { NODE_UNDER_TEST, workflowFor } from '../support/workflows';

const API_KEY = 'pi-live-KEY-0987654321-fedcba';
let fake: PiApiFake;
let imageHost: Receiver;
let imageUrl: string;

const credentials = () => piApiCredentials(fake, API_KEY);

function piApiWorkflow(
	parameters: Record<string, unknown>,
	items?: Parameters<typeof workflowFor>[2],
	continueOnFail = false,
) {
	return workflowFor(
		'piApiSegment',
		{
			imageSource: 'url',
			imageUrl,
			prompt: 'product',
			pollInterval: 0.05,
			maxWait: 20,
			...parameters,
		} as never,
		items,
		{ continueOnFail, credentials: ['piApiApi'] },
	);
}

beforeAll(async () => {
	fake = await startPiApiFake({ apiKey: API_KEY, taskLatencyMs: 150 });
	imageHost = await startReceiver(await makeProductPhoto({ width: 240, height: 180, seed: 3 }));
	imageUrl = `${imageHost.url}/image.png`;
});
beforeEach(() => fake.reset());
afterAll(async () => {
	await fake.close();
	await imageHost.close();
});

describe('PiAPI Segment', () => {
	it('segments an image URL and returns the mask URL and the mask as a PNG of the same size', async () => {
		const run = await runWorkflow(
			piApiWorkflow({ negativePrompt: 'background', segmentFactor: -15 }),
			{ credentials: credentials() },
		);
		expect(run.status).toBe('success');
		const [item] = run.output(NODE_UNDER_TEST);
		expect(item.json).toMatchObject({
			vendor: 'piapi',
			status: 'succeeded',
			done: true,
			imageUrl,
			prompt: 'product',
			negativePrompt: 'background',
			segmentFactor: -15,
		});
		expect(item.json.maskUrl).toEqual(expect.stringContaining(fake.fileBaseUrl));
		expect(item.json.maskUrls).toEqual([item.json.maskUrl]);
		const mask = await run.binary(item, 'mask');
		const meta = await sharp(mask).metadata();
		expect([meta.format, meta.width, meta.height]).toEqual(['png', 240, 180]);
		expect(await maskValueAt(mask, 0.5, 0.5)).toBe(255);
		expect(item.binary?.mask.fileName).toBe('image_mask.png');

		const [task] = [...fake.tasks.values()];
		expect(task.input).toEqual({
			image: imageUrl,
			prompt: 'product',
			negative_prompt: 'background',
			segment_factor: -15,
		});
		expect(fake.counters.storageRequestsWithApiKey).toBe(0);
	});

	it('reads the older output shape image_urls[]', async () => {
		fake.configure({ outputShape: 'image_urls' });
		const run = await runWorkflow(piApiWorkflow({}), { credentials: credentials() });
		const [item] = run.output(NODE_UNDER_TEST);
		expect(item.json.maskUrls).toHaveLength(1);
		expect(item.binary?.mask).toBeDefined();
	});

	it('treats capitalised statuses like lower-case ones', async () => {
		fake.configure({ capitalisedStatus: true });
		const run = await runWorkflow(piApiWorkflow({}), { credentials: credentials() });
		expect(run.output(NODE_UNDER_TEST)[0].json.status).toBe('succeeded');
	});

	it('turns a binary image into a URL with the file upload, then segments it', async () => {
		const photo = await productPhotoFile('dress.jpg', 200, 260, 'jpeg');
		const run = await runWorkflow(
			piApiWorkflow({ imageSource: 'binary', binaryPropertyName: 'data' }, [
				{ files: { data: { path: photo.path } } },
			]),
			{ credentials: credentials() },
		);
		const [item] = run.output(NODE_UNDER_TEST);
		expect(String(item.json.imageUrl)).toContain(fake.uploadBaseUrl);
		expect(item.binary?.mask.fileName).toBe('dress_mask.png');
		const meta = await sharp(await run.binary(item, 'mask')).metadata();
		expect([meta.width, meta.height]).toEqual([200, 260]);
		expect(await run.binary(item, 'data')).toEqual(photo.data);
		expect(fake.counters.uploads).toBe(1);
	});

	it('says what to do when the plan refuses the file upload', async () => {
		fake.configure({ uploadAllowed: false });
		const photo = await productPhotoFile('bag.png');
		const run = await runWorkflow(
			piApiWorkflow({ imageSource: 'binary' }, [{ files: { data: { path: photo.path } } }]),
			{
				credentials: credentials(),
			},
		);
		const error = run.nodeError(NODE_UNDER_TEST);
		expect(error?.message).toMatch(/plan does not include file uploads/);
		expect(error?.description).toMatch(/Image Source: URL/);
		expect(fake.counters.creates).toBe(0);
	});

	it('sends service mode and webhook config as config.webhook_config, without echoing the secret', async () => {
		const receiver = await startReceiver();
		try {
			const run = await runWorkflow(
				piApiWorkflow({
					waitForCompletion: false,
					options: {
						serviceMode: 'public',
						webhookEndpoint: `${receiver.url}/hook`,
						webhookSecret: 'whsec-1234',
					},
				}),
				{ credentials: credentials() },
			);
			const [item] = run.output(NODE_UNDER_TEST);
			expect(item.json).toMatchObject({ status: 'queued', done: false });
			const task = fake.tasks.get(String(item.json.taskId))!;
			expect(task.config).toEqual({
				service_mode: 'public',
				webhook_config: { endpoint: `${receiver.url}/hook`, secret: 'whsec-1234' },
			});
			expect(JSON.stringify(item.json)).not.toContain('whsec-1234');
		} finally {
			await receiver.close();
		}
	});

	it.each([
		['an empty prompt', { prompt: '  ' }, /Prompt is empty/],
		[
			'a non-integer segment factor',
			{ segmentFactor: 2.5 },
			/Segment Factor must be a whole number/,
		],
		[
			'a segment factor that is not a number',
			{ segmentFactor: '={{ "abc" }}' },
			/Segment Factor must be a whole number/,
		],
		['a non-http image URL', { imageUrl: 'ftp://shop.example/a.png' }, /must start with http/],
		['an invalid image URL', { imageUrl: 'not a url' }, /not a valid image URL/],
	])('refuses %s before sending anything', async (_name, parameters, message) => {
		const run = await runWorkflow(piApiWorkflow(parameters), { credentials: credentials() });
		expect(run.nodeError(NODE_UNDER_TEST)?.message).toMatch(message);
		expect(fake.counters.creates + fake.counters.uploads).toBe(0);
	});

	it('refuses a binary that is not an image before uploading', async () => {
		const path = writeTempFile('notes.txt', Buffer.from('just text'));
		const run = await runWorkflow(
			piApiWorkflow({ imageSource: 'binary' }, [{ files: { data: { path } } }]),
			{ credentials: credentials() },
		);
		expect(run.nodeError(NODE_UNDER_TEST)?.message).toMatch(/not an image PiAPI accepts/);
		expect(fake.counters.uploads).toBe(0);
	});

	it('fails a task PiAPI reports failed with its message', async () => {
		fake.configure({ taskOutcome: () => 'failed' });
		const run = await runWorkflow(piApiWorkflow({}), { credentials: credentials() });
		const error = run.nodeError(NODE_UNDER_TEST);
		expect(error?.name).toBe('NodeApiError');
		expect(error?.message).toMatch(/PiAPI could not segment the image \(task [0-9a-f-]{36}\)/);
	});

	it('stops at Max Wait with the task id and how to continue', async () => {
		fake.configure({ taskOutcome: () => 'never' });
		const run = await runWorkflow(piApiWorkflow({ maxWait: 0.3 }), { credentials: credentials() });
		const [taskId] = [...fake.tasks.keys()];
		const error = run.nodeError(NODE_UNDER_TEST);
		expect(error?.message).toContain(`PiAPI task ${taskId} was not done`);
		expect(error?.description).toContain('Check Segmentation Task');
	});

	it('with Continue On Fail, keeps every item in order and pairs each output with its input', async () => {
		const items = [
			{ json: { url: imageUrl } },
			{ json: { url: 'nope' } },
			{ json: { url: imageUrl } },
		];
		const run = await runWorkflow(piApiWorkflow({ imageUrl: '={{ $json.url }}' }, items, true), {
			credentials: credentials(),
		});
		const output = run.output(NODE_UNDER_TEST);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output.map((item) => item.json.status ?? 'error')).toEqual([
			'succeeded',
			'error',
			'succeeded',
		]);
		expect(output[1].json.error).toMatch(/"nope" is not a valid image URL \[item 1\]/);
		expect(JSON.stringify(output)).not.toContain(API_KEY);
	});
});
