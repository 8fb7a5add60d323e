/*
 * Inputs far over a vendor's byte limit are refused before n8n holds them: an image URL is read
 * as a stream and given up at the limit (at once when its Content-Length says so), a binary
 * input is measured from n8n's metadata before its bytes are loaded. The item gets the size
 * error; the other items go on.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { storedSize } from '../../nodes/shared/image/stored-size';
import {
	startBigFileServer,
	writeBigPng,
	type BigFileServer,
} from '../../tools/local-n8n/services/big-file-server';
import { getEngine, runWorkflow } from '../harness/engine';
import { productPhotoFile, writeTempFile } from '../support/images';
import { workflowFor } from '../support/workflows';
import {
	credentials,
	itemError,
	NODE_UNDER_TEST,
	segment,
	useVendors,
	type Vendor,
} from './support';

const MB = 1024 * 1024;
/** Far more than any vendor takes, small enough that the old code's full read stays quick. */
const HUGE = 120 * MB;
const SIZE_HINT = 'Compress or scale the image down first (for example with the Edit Image node).';
const NAMES: Record<Vendor, string> = { sellerpic: 'SellerPic', piapi: 'PiAPI' };

const vendors = useVendors();
let host: BigFileServer;

beforeAll(async () => {
	host = await startBigFileServer();
});

afterAll(async () => {
	await host?.close();
});

/** SellerPic Segment on two items by URL: the one under test, then the suite's photo. */
async function sellerPicByUrl(bigUrl: string) {
	const run = await segment(
		vendors,
		'sellerpic',
		{ imageSource: 'url', imageUrl: '={{ $json.url }}' },
		{
			items: [{ json: { url: bigUrl } }, { json: { url: vendors.imageUrl } }],
			continueOnFail: true,
		},
	);
	const output = run.output(NODE_UNDER_TEST);
	expect(output).toHaveLength(2);
	expect(output[0].pairedItem).toEqual({ item: 0 });
	expect(output[1].pairedItem).toEqual({ item: 1 });
	expect(output[1].json).toMatchObject({ status: 'succeeded' });
	expect(vendors.sellerPic.counters.uploads).toBe(1);
	return itemError(output[0]);
}

describe('an image URL over the limit', () => {
	it('sellerpic: a Content-Length over the limit is refused before any of the body is read', async () => {
		// The host waits before the body: a client that reads it gets every byte.
		const url = host.fileUrl(HUGE, { delayMs: 500 });
		const error = await sellerPicByUrl(url);
		expect(error.message).toBe('The image is 120.0 MB; SellerPic accepts at most 10 MB [item 0]');
		expect(error.description).toBe(SIZE_HINT);
		const request = host.requests.find((entry) => url.includes(entry.path))!;
		await waitFor(() => request.closed);
		expect(request.sent).toBe(0);
	});

	it('sellerpic: a body without Content-Length is cut off soon after the limit', async () => {
		const url = host.fileUrl(HUGE, { contentLength: false });
		const error = await sellerPicByUrl(url);
		expect(error.message).toBe(
			'The image is larger than 10 MB; SellerPic accepts at most 10 MB [item 0]',
		);
		expect(error.description).toBe(SIZE_HINT);
		const request = host.requests.find((entry) => url.includes(entry.path))!;
		await waitFor(() => request.closed);
		expect(request.complete).toBe(false);
		// The limit, plus what the sockets' buffers took in before the connection was closed.
		expect(request.sent).toBeGreaterThan(10 * MB);
		expect(request.sent).toBeLessThan(30 * MB);
	});

	it('sellerpic: an image just under the limit without Content-Length is read whole and sent', async () => {
		const run = await segment(vendors, 'sellerpic', {
			imageSource: 'url',
			imageUrl: host.fileUrl(10 * MB, { contentLength: false }),
			mode: 'type',
			segmentType: 'product',
		});
		// The host's PNG is 4000 px wide: read whole, it meets the checks that need every byte.
		expect(() => run.output(NODE_UNDER_TEST)).toThrow(
			'The image is 4000×3000 px; SellerPic accepts at most 2000 px on the longest side here',
		);
	});

	it('sellerpic: cancelling the execution while the image arrives closes the connection', async () => {
		// Headers at once, the body only after far longer than the test runs.
		const url = host.fileUrl(HUGE, { contentLength: false, delayMs: 60_000 });
		const path = new URL(url).pathname;
		const run = await runWorkflow(
			workflowFor(
				'sellerPicSegment',
				{ mode: 'prompt', prompt: 'product', imageSource: 'url', imageUrl: url },
				[{ json: {} }],
				{ credentials: ['sellerPicApi'] },
			),
			{
				credentials: credentials(vendors, 'sellerpic'),
				onStarted: (cancel) =>
					void waitFor(() => host.requests.some((entry) => entry.path === path)).then(cancel),
			},
		);
		expect(run.status).toBe('canceled');
		const request = host.requests.find((entry) => entry.path === path)!;
		await waitFor(() => request.closed);
		expect(request.sent).toBe(0);
		expect(vendors.sellerPic.counters.uploads).toBe(0);
	});
});

describe('a binary input over the limit', () => {
	let bigFile: string;

	beforeAll(async () => {
		bigFile = writeTempFile('big-input.png', Buffer.alloc(0));
		await writeBigPng(bigFile, 40 * MB);
	});

	it.each(['sellerpic', 'piapi'] as const)(
		'%s: refused by n8n’s metadata, its bytes never loaded; the next item goes on',
		async (vendor) => {
			const { binaryData } = await getEngine();
			const loads = [jest.spyOn(binaryData, 'getAsBuffer'), jest.spyOn(binaryData, 'getAsStream')];
			const photo = (await productPhotoFile('small.png', 64, 48)).path;
			try {
				const run = await segment(
					vendors,
					vendor,
					{ imageSource: 'binary' },
					{
						items: [{ files: { data: { path: bigFile } } }, { files: { data: { path: photo } } }],
						continueOnFail: true,
					},
				);
				const output = run.output(NODE_UNDER_TEST);
				expect(output).toHaveLength(2);
				expect(output[0].pairedItem).toEqual({ item: 0 });
				const error = itemError(output[0]);
				expect(error.message).toBe(
					`The image is 40.0 MB; ${NAMES[vendor]} accepts at most 10 MB [item 0]`,
				);
				expect(error.description).toBe(SIZE_HINT);
				expect(output[1].json).toMatchObject({ status: 'succeeded' });
				// Only the small photo was loaded.
				expect(loads[0].mock.calls.length + loads[1].mock.calls.length).toBe(1);
			} finally {
				for (const spy of loads) spy.mockRestore();
			}
		},
	);
});

describe('storedSize: what n8n says of a binary without loading it', () => {
	const context = (fileSize?: number | Error) =>
		({
			helpers: {
				getBinaryMetadata: async () => {
					if (fileSize instanceof Error) throw fileSize;
					return { fileSize };
				},
			},
		}) as unknown as IExecuteFunctions;
	const entry = (fields: Partial<IBinaryData>) => ({ mimeType: 'image/png', data: '', ...fields });

	it('takes `bytes` (n8n 2.x) first', async () => {
		expect(await storedSize(context(1), entry({ id: 'filesystem-v2:x', bytes: 123 }))).toBe(123);
	});

	it('asks the binary data service for a stored file (n8n 1.x)', async () => {
		expect(await storedSize(context(11 * MB), entry({ id: 'filesystem:x' }))).toBe(11 * MB);
	});

	it('says nothing when the storage keeps no size', async () => {
		expect(await storedSize(context(new Error('no')), entry({ id: 's3:x' }))).toBeUndefined();
		expect(await storedSize(context(), entry({ id: 's3:x' }))).toBeUndefined();
	});

	it('counts in-memory base64 without decoding it', async () => {
		for (const size of [0, 1, 2, 3, 10 * MB + 1]) {
			const data = Buffer.alloc(size, 7).toString('base64');
			expect(await storedSize(context(), entry({ data }))).toBe(size);
		}
		expect(await storedSize(context(), entry({ data: 'AAAA\nAAAA' }))).toBeUndefined();
	});
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000) {
	const start = Date.now();
	while (!condition()) {
		if (Date.now() - start > timeoutMs) throw new Error('Timed out waiting for the host');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}
