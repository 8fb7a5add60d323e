/*
 * Bad input the node tests in test/nodes do not cover yet: each gets an error that says what is
 * wrong and how to fix it, and nothing is sent that could create a task. Already covered there
 * (not repeated here): not an image, empty file, GIF and 4097 px for SellerPic; missing binary
 * field for SellerPic; empty prompt, non-integer or non-numeric segment factor, invalid and
 * non-http URLs for PiAPI; unknown task ids, task ids of the other vendor and task ids given as
 * result ids (Check Segmentation Task, Get Segmentation Download URL).
 * Every run also checks that the API key shows in no item, error or log line (support.ts).
 */
process.env.N8N_LOG_LEVEL = 'debug';

import { crc32 } from 'node:zlib';

import sharp from 'sharp';

import { makeProductPhoto } from '../fake/images';
import { animatedWebp, apng, writeTempFile } from '../support/images';
import {
	itemError,
	NODE_UNDER_TEST,
	refusingUrl,
	runVendorNode,
	segment,
	useVendors,
	type Vendor,
} from './support';

const MB = 1024 * 1024;

const vendors = useVendors();

/** A PNG grown to exactly `size` bytes with a private ancillary chunk (decoders skip it). */
async function pngOfSize(size: number) {
	const png = await makeProductPhoto({ width: 64, height: 48, seed: 2 });
	const iend = png.length - 12;
	const padding = size - png.length - 12;
	const chunk = Buffer.alloc(12 + padding);
	chunk.writeUInt32BE(padding, 0);
	chunk.write('prVt', 4, 'latin1');
	chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + padding)), 8 + padding);
	return Buffer.concat([png.subarray(0, iend), chunk, png.subarray(iend)]);
}

function sentNothing(vendor: Vendor) {
	const fake = vendor === 'sellerpic' ? vendors.sellerPic : vendors.piApi;
	expect(fake.counters.uploads).toBe(0);
	expect(fake.counters.creates).toBe(0);
	expect(fake.requests).toHaveLength(0);
}

async function failingItem(vendor: Vendor, parameters: Record<string, unknown>, file?: Buffer) {
	const items = file
		? [{ files: { data: { path: writeTempFile(`input-${Math.random()}.bin`, file) } } }]
		: undefined;
	const output = (
		await segment(vendors, vendor, parameters, { items, continueOnFail: true })
	).output(NODE_UNDER_TEST);
	expect(output).toHaveLength(1);
	return itemError(output[0]);
}

describe('bad images', () => {
	it.each(['sellerpic', 'piapi'] as const)(
		'%s: refuses 10 MB + 1 byte before uploading, saying the size and the limit',
		async (vendor) => {
			const error = await failingItem(
				vendor,
				{ imageSource: 'binary' },
				await pngOfSize(10 * MB + 1),
			);
			const name = vendor === 'sellerpic' ? 'SellerPic' : 'PiAPI';
			expect(error.message).toBe(`The image is 10.0 MB; ${name} accepts at most 10 MB [item 0]`);
			expect(error.description).toBe(
				'Compress or scale the image down first (for example with the Edit Image node).',
			);
			sentNothing(vendor);
		},
	);

	it('sellerpic: takes an image of exactly 10 MB', async () => {
		const output = (
			await segment(
				vendors,
				'sellerpic',
				{ imageSource: 'binary' },
				{
					items: [
						{ files: { data: { path: writeTempFile('ten.png', await pngOfSize(10 * MB)) } } },
					],
				},
			)
		).output(NODE_UNDER_TEST);
		expect(output[0].json).toMatchObject({ status: 'succeeded' });
		expect(vendors.sellerPic.counters.uploads).toBe(1);
	});

	it('sellerpic: refuses an animated WebP', async () => {
		const error = await failingItem('sellerpic', { imageSource: 'binary' }, await animatedWebp());
		expect(error.message).toBe('SellerPic does not accept animated images [item 0]');
		expect(error.description).toBe('Use a still PNG, JPG or WebP image.');
		sentNothing('sellerpic');
	});

	it('piapi: refuses an animated PNG (APNG)', async () => {
		const error = await failingItem('piapi', { imageSource: 'binary' }, await apng());
		expect(error.message).toBe('PiAPI does not accept animated images [item 0]');
		expect(error.description).toBe('Use a still PNG, JPG or WebP image.');
		sentNothing('piapi');
	});

	it('piapi: refuses an empty file', async () => {
		const error = await failingItem('piapi', { imageSource: 'binary' }, Buffer.alloc(0));
		expect(error.message).toBe('The image file is empty [item 0]');
		expect(error.description).toBe('Check the step that produced the file.');
		sentNothing('piapi');
	});

	it('piapi: refuses a GIF', async () => {
		const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
			.gif()
			.toBuffer();
		const error = await failingItem('piapi', { imageSource: 'binary' }, gif);
		expect(error.message).toBe('PiAPI does not accept GIF images [item 0]');
		expect(error.description).toMatch(/Convert the image to PNG or JPG/);
		sentNothing('piapi');
	});

	it('piapi: a 4097 px image fails at PiAPI with its code and message (no local size rule for PiAPI)', async () => {
		const wide = await sharp({
			create: { width: 4097, height: 16, channels: 3, background: '#888' },
		})
			.png()
			.toBuffer();
		const error = await failingItem('piapi', { imageSource: 'binary' }, wide);
		expect(error.message).toMatch(
			/^PiAPI could not segment the image \(task [0-9a-f-]{36}\): image too large: max 3072 px per side \[item 0\]$/,
		);
		expect(error.code).toBe('10002');
		expect(vendors.piApi.counters.creates).toBe(1);
	});

	it('piapi: names the missing binary field and the ones the item has', async () => {
		const photo = writeTempFile(
			'photo.png',
			await makeProductPhoto({ width: 32, height: 32, seed: 1 }),
		);
		const output = (
			await segment(
				vendors,
				'piapi',
				{ imageSource: 'binary', binaryPropertyName: 'image' },
				{ items: [{ files: { photo: { path: photo } } }], continueOnFail: true },
			)
		).output(NODE_UNDER_TEST);
		const error = itemError(output[0]);
		expect(error.message).toBe('The item has no binary field "image" [item 0]');
		expect(error.description).toBe(
			"Set Input Binary Field to one of the item's binary fields: photo.",
		);
		sentNothing('piapi');
	});
});

describe('bad image URLs', () => {
	it.each([
		['an invalid URL', 'not a url', '"not a url" is not a valid image URL [item 0]', /full URL/],
		[
			'a non-http URL',
			'file:///etc/passwd',
			'The image URL must start with http:// or https:// (got file:) [item 0]',
			/public http\(s\) URL/,
		],
	])('sellerpic: refuses %s', async (_name, imageUrl, message, hint) => {
		const error = await failingItem('sellerpic', { imageSource: 'url', imageUrl });
		expect(error.message).toBe(message);
		expect(error.description).toMatch(hint);
		sentNothing('sellerpic');
	});

	it('sellerpic: says an unreachable image URL could not be fetched, and why', async () => {
		const imageUrl = `${await refusingUrl()}/photo.png`;
		const error = await failingItem('sellerpic', { imageSource: 'url', imageUrl });
		expect(error.message).toBe(
			`Could not fetch the image from ${imageUrl} (ECONNREFUSED) [item 0]`,
		);
		expect(error.description).toBe('Check that the URL is reachable from n8n.');
		sentNothing('sellerpic');
	});

	it('sellerpic: says an image URL that answers 404 points to no image', async () => {
		const imageUrl = `${vendors.imageHost.url}/missing.png`;
		vendors.imageHost.statuses.push(404);
		const error = await failingItem('sellerpic', { imageSource: 'url', imageUrl });
		expect(error.message).toBe(`Could not fetch the image from ${imageUrl} (HTTP 404) [item 0]`);
		expect(error.description).toBe('Check that the URL points to a public image.');
		sentNothing('sellerpic');
	});

	it('piapi: an unreachable image URL fails at PiAPI with its code and message', async () => {
		const imageUrl = `${await refusingUrl()}/photo.png`;
		const error = await failingItem('piapi', { imageSource: 'url', imageUrl });
		expect(error.message).toMatch(
			/^PiAPI could not segment the image \(task [0-9a-f-]{36}\): failed to get input image \[item 0\]$/,
		);
		expect(error.code).toBe('10001');
		expect(error.description).toBe(
			'Check that the image URL is public and the prompt names something in the image.',
		);
		expect(vendors.piApi.counters.creates).toBe(1);
	});
});

describe('bad parameters', () => {
	it.each([
		['an empty prompt', { prompt: ' ' }, 'Prompt is empty [item 0]', /for example "sofa"/],
		[
			'an empty segment type',
			{ mode: 'type', segmentType: '={{ "" }}' },
			'Segment Type is empty [item 0]',
			/kind of object/,
		],
		[
			'a non-integer Expand Pixels',
			{ mode: 'type', segmentType: 'product', expandPixels: 2.5 },
			'Expand Pixels must be a whole number (got 2.5) [item 0]',
			/whole number of pixels/,
		],
	])('sellerpic: refuses %s before sending anything', async (_name, parameters, message, hint) => {
		const error = await failingItem('sellerpic', parameters);
		expect(error.message).toBe(message);
		expect(error.description).toMatch(hint);
		sentNothing('sellerpic');
	});

	it('check: a SellerPic result id given as task id gets SellerPic\'s "not found" and the advice to use the task id', async () => {
		const done = (await segment(vendors, 'sellerpic', { options: { downloadMask: false } })).output(
			NODE_UNDER_TEST,
		)[0];
		const [resultId] = done.json.resultIds as string[];
		const output = (
			await runVendorNode(
				vendors,
				'sellerpic',
				'checkSegmentationTask',
				{ taskId: resultId },
				{ continueOnFail: true },
			)
		).output(NODE_UNDER_TEST);
		const error = itemError(output[0]);
		expect(error.message).toBe('SellerPic error 40006: task not found [item 0]');
		expect(error.description).toMatch(
			/Use the taskId SellerPic Segment returned \(not a result ID\)/,
		);
	});
});
