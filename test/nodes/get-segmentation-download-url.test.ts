import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';

import { call, maskValueAt } from '../fake/test-client';
import type { TestItem } from '../harness/core-node-stand-ins';
import {
	createPiApiTask,
	createSellerPicTask,
	requestCount,
	runOnFakes,
	useFakeVendors,
	type TaskState,
	type Vendor,
} from '../support/vendor-fakes';
import { NODE_UNDER_TEST } from '../support/workflows';

const UNKNOWN_UUID = '0b7e2a54-6f3d-4c1a-9e8b-2d4f6a8c0e13';

/** Tasks take the task helpers' 10 s unless told, so a test finds them in the state it set. */
const vendors = useFakeVendors({
	keys: { sellerpic: 'sp-live-URL-3141592653-secret', piapi: 'pi-live-URL-2718281828-secret' },
	photo: { width: 240, height: 180, seed: 9 },
});

/** Runs Get Segmentation Download URL and checks neither API key shows up anywhere in the run's data or errors. */
async function getUrl(
	vendor: Vendor,
	parameters: INodeParameters,
	{
		items,
		continueOnFail = false,
		baseUrl,
		typeVersion,
	}: { items?: TestItem[]; continueOnFail?: boolean; baseUrl?: string; typeVersion?: number } = {},
) {
	return await runOnFakes(vendors, 'getSegmentationDownloadUrl', vendor, parameters, {
		items,
		continueOnFail,
		typeVersion,
		credentials: baseUrl ? { baseUrl } : {},
	});
}

const sellerPicTask = async (state: TaskState = 'succeeded') =>
	await createSellerPicTask(vendors.sellerPic, vendors.keys.sellerpic, state);

const piApiTask = async (state: TaskState = 'succeeded') =>
	await createPiApiTask(
		vendors.piApi,
		vendors.keys.piapi,
		vendors.imageUrl,
		state,
		undefined,
		true,
	);

async function imageSize(data: Buffer) {
	const meta = await sharp(data).metadata();
	return [meta.format, meta.width, meta.height];
}

interface Stub {
	url: string;
	fileRequestsWithKey: number;
	close(): Promise<void>;
}

const STUB_SELLERPIC_TASK = '777000000000000001';
const STUB_PIAPI_TASK = '5a1f0c3e-2b4d-4e6f-8a9b-0c1d2e3f4a5b';

/**
 * A vendor stand-in for what the fakes do not produce: a SellerPic task with several results
 * (two SUCCESS, one FAILED) and a PiAPI task with several output URLs.
 */
async function startMultiResultStub(): Promise<Stub> {
	const png = async (width: number, height: number) =>
		await sharp({ create: { width, height, channels: 3, background: '#fff' } })
			.png()
			.toBuffer();
	const files: Record<string, Buffer> = {
		'9001.png': await png(30, 20),
		'9003.png': await png(40, 10),
		'a.png': await png(11, 12),
		'b.png': await png(13, 14),
	};
	const stub: Stub = { url: '', fileRequestsWithKey: 0, close: async () => {} };
	const json = (res: http.ServerResponse, body: unknown) =>
		res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', stub.url);
		const sellerPicOk = (data: unknown) =>
			json(res, { code: 0, success: true, msg: 'success', traceId: 'stub', data });
		if (url.pathname === '/v1/api/generate' && url.searchParams.get('id') === STUB_SELLERPIC_TASK) {
			return sellerPicOk({
				resultList: [
					{ id: '9001', fileUrl: '', status: 'SUCCESS', errorCode: 0, errorMsg: '' },
					{ id: '9002', fileUrl: '', status: 'FAILED', errorCode: 50001, errorMsg: 'no object' },
					{ id: 9003, fileUrl: '', status: 'SUCCESS', errorCode: 0, errorMsg: '' },
				],
			});
		}
		if (url.pathname === '/v1/api/download') {
			const id = url.searchParams.get('id');
			const name = id === '9001' ? 'front_mask.png' : '';
			return sellerPicOk({
				name,
				status: 'SUCCESS',
				fileUrl: `${stub.url}/files/${id}.png`,
				errorMsg: '',
			});
		}
		if (url.pathname === `/api/v1/task/${STUB_PIAPI_TASK}`) {
			return json(res, {
				code: 200,
				message: 'success',
				data: {
					task_id: STUB_PIAPI_TASK,
					status: 'completed',
					output: { image_urls: [`${stub.url}/files/a.png`, `${stub.url}/files/b.png`] },
					error: { code: 0, message: '', raw_message: '' },
				},
			});
		}
		const file = url.pathname.startsWith('/files/')
			? files[url.pathname.slice('/files/'.length)]
			: undefined;
		if (file) {
			if (req.headers.authorization || req.headers['x-api-key']) stub.fileRequestsWithKey++;
			return res.writeHead(200, { 'content-type': 'image/png' }).end(file);
		}
		return res.writeHead(404).end();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	stub.close = async () => await new Promise<void>((resolve) => server.close(() => resolve()));
	return stub;
}

describe('Get Segmentation Download URL: SellerPic', () => {
	it('returns the URL of a result id', async () => {
		const task = await sellerPicTask();
		const run = await getUrl('sellerpic', { idType: 'resultId', id: task.resultId });
		expect(run.status).toBe('success');
		const [item] = run.output(NODE_UNDER_TEST);
		const url = expect.stringContaining(`${vendors.sellerPic.storageBaseUrl}/download/`);
		expect(item.json).toEqual({
			vendor: 'sellerpic',
			id: task.resultId,
			idType: 'resultId',
			format: 'png',
			uhd: false,
			url,
			files: [{ resultId: task.resultId, url, fileName: `${task.maskHex}_mask_output.png` }],
		});
		expect(item.binary).toBeUndefined();
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(vendors.sellerPic.counters.downloadUrls).toBe(1);
		expect(vendors.sellerPic.counters.fileDownloads).toBe(0);
		// The URL works, without the API key.
		expect((await call(String(item.json.url))).status).toBe(200);
	});

	it('resolves a task id to its result', async () => {
		const task = await sellerPicTask();
		const [item] = (await getUrl('sellerpic', { idType: 'taskId', id: task.id })).output(
			NODE_UNDER_TEST,
		);
		expect(item.json).toMatchObject({
			id: task.id,
			idType: 'taskId',
			files: [{ resultId: task.resultId }],
		});
		expect(item.json.url).toEqual((item.json.files as Array<{ url: string }>)[0].url);
		expect(vendors.sellerPic.counters.polls).toBe(1);
	});

	it('resolves every succeeded result of a task, downloading them as mask, mask_2', async () => {
		const stub = await startMultiResultStub();
		try {
			const run = await getUrl(
				'sellerpic',
				{ idType: 'taskId', id: STUB_SELLERPIC_TASK, download: true },
				{ baseUrl: stub.url },
			);
			const [item] = run.output(NODE_UNDER_TEST);
			expect(item.json).toMatchObject({
				url: `${stub.url}/files/9001.png`,
				files: [
					{ resultId: '9001', url: `${stub.url}/files/9001.png`, fileName: 'front_mask.png' },
					{ resultId: '9003', url: `${stub.url}/files/9003.png`, fileName: '9003.png' },
				],
			});
			expect(Object.keys(item.binary ?? {})).toEqual(['mask', 'mask_2']);
			expect(item.binary?.mask_2.fileName).toBe('9003.png');
			expect(await imageSize(await run.binary(item, 'mask'))).toEqual(['png', 30, 20]);
			expect(await imageSize(await run.binary(item, 'mask_2'))).toEqual(['png', 40, 10]);
			expect(stub.fileRequestsWithKey).toBe(0);
		} finally {
			await stub.close();
		}
	});

	it('says a task that is not done has nothing to download yet, and what to do', async () => {
		const task = await sellerPicTask('running');
		const run = await getUrl('sellerpic', { idType: 'taskId', id: task.id });
		const error = run.nodeError(NODE_UNDER_TEST);
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe(
			`SellerPic task ${task.id} is not done yet (status: running), so it has no result to download [item 0]`,
		);
		expect(error?.description).toMatch(/Check Segmentation Task with Wait for Completion/);
		expect(vendors.sellerPic.counters.downloadUrls).toBe(0);
	});

	it('fails a failed task with the vendor code', async () => {
		const task = await sellerPicTask('failed');
		const run = await getUrl('sellerpic', { idType: 'taskId', id: task.id });
		const error = run.nodeError(NODE_UNDER_TEST) as unknown as {
			name: string;
			message: string;
			errorResponse: Record<string, unknown>;
		};
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toMatch(
			/task \d+ failed, so it has no result to download: segmentation failed/,
		);
		expect(error.errorResponse.vendorCode).toBe('50001');
	});

	it('suggests ID Type "Task ID" when a task id is given as result id', async () => {
		const task = await sellerPicTask();
		const run = await getUrl('sellerpic', { idType: 'resultId', id: task.id });
		const error = run.nodeError(NODE_UNDER_TEST) as unknown as {
			name: string;
			message: string;
			description: string;
			errorResponse: Record<string, unknown>;
		};
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toMatch(/SellerPic error 40007: result not found.*\[item 0\]/);
		expect(error.description).toContain(`If ${task.id} is a task ID, set ID Type to Task ID.`);
		expect(error.errorResponse.vendorCode).toBe('40007');
	});

	it.each([
		['png', 'png', 'image/png'],
		['jpg', 'jpeg', 'image/jpeg'],
		['webp', 'webp', 'image/webp'],
	])('downloads the result as %s', async (format, sharpFormat, mimeType) => {
		const task = await sellerPicTask();
		const run = await getUrl('sellerpic', {
			idType: 'resultId',
			id: task.resultId,
			format,
			download: true,
		});
		const [item] = run.output(NODE_UNDER_TEST);
		expect(item.json).toMatchObject({
			format,
			url: expect.stringContaining(`_mask_output.${format}`),
		});
		expect(item.binary?.mask).toMatchObject({
			mimeType,
			fileName: `${task.maskHex}_mask_output.${format}`,
		});
		expect(await imageSize(await run.binary(item, 'mask'))).toEqual([sharpFormat, 512, 512]);
		const request = vendors.sellerPic.requests.find((entry) => entry.endpoint === 'downloadUrl');
		expect(request?.path).toContain(`downloadFormat=${format}`);
	});

	it('version 1.1: Download Mask into Mask Binary Field, the names the Segment nodes use', async () => {
		const task = await sellerPicTask();
		const parameters = {
			operation: 'get',
			idType: 'taskId',
			id: task.id,
			downloadMask: true,
			maskBinaryField: 'cutout',
		};
		const run = await getUrl('sellerpic', parameters, { typeVersion: 1.1 });
		const [item] = run.output(NODE_UNDER_TEST);
		expect(Object.keys(item.binary ?? {})).toEqual(['cutout']);
		expect(await imageSize(await run.binary(item, 'cutout'))).toEqual(['png', 512, 512]);
		// A version 1.1 node ignores version 1's names: without Download Mask it only gives the URL.
		const urlOnly = await getUrl(
			'sellerpic',
			{ idType: 'taskId', id: task.id, download: true },
			{ typeVersion: 1.1 },
		);
		expect(urlOnly.output(NODE_UNDER_TEST)[0].binary).toBeUndefined();
	});

	it('downloads the PNG mask into the named field, without sending the API key to the file host', async () => {
		const task = await sellerPicTask();
		const run = await getUrl('sellerpic', {
			idType: 'taskId',
			id: task.id,
			download: true,
			binaryPropertyName: 'cutout',
		});
		const [item] = run.output(NODE_UNDER_TEST);
		expect(Object.keys(item.binary ?? {})).toEqual(['cutout']);
		const mask = await run.binary(item, 'cutout');
		expect(await imageSize(mask)).toEqual(['png', 512, 512]);
		expect(await maskValueAt(mask, 0.5, 0.5)).toBe(255);
		expect(await maskValueAt(mask, 0.02, 0.02)).toBe(0);
		expect(vendors.sellerPic.counters.fileDownloads).toBe(1);
		expect(vendors.sellerPic.counters.storageRequestsWithApiKey).toBe(0);
	});

	it('asks for the UHD file when set', async () => {
		const task = await sellerPicTask();
		const [item] = (await getUrl('sellerpic', { id: task.resultId, uhd: true })).output(
			NODE_UNDER_TEST,
		);
		expect(item.json.uhd).toBe(true);
		expect(
			vendors.sellerPic.requests.find((entry) => entry.endpoint === 'downloadUrl')?.path,
		).toContain('uhd=true');
	});

	it('refreshes a link that expired before the download (HTTP 403) by asking the download endpoint again', async () => {
		const task = await sellerPicTask();
		vendors.sellerPic.injectFault({ endpoint: 'storageGet', kind: 'http403' });
		const run = await getUrl('sellerpic', { id: task.resultId, download: true });
		expect(run.status).toBe('success');
		const [item] = run.output(NODE_UNDER_TEST);
		expect(await imageSize(await run.binary(item, 'mask'))).toEqual(['png', 512, 512]);
		expect(vendors.sellerPic.counters.downloadUrls).toBe(2);
		expect(vendors.sellerPic.counters.calls.storageGet).toBe(2);
		expect(vendors.sellerPic.counters.fileDownloads).toBe(1);
	});

	it('gives a fresh link once the earlier one has expired', async () => {
		const task = await sellerPicTask();
		const first = (await getUrl('sellerpic', { id: task.resultId })).output(NODE_UNDER_TEST)[0].json
			.url as string;
		vendors.sellerPic.expireDownloadUrls();
		expect((await call(first)).status).toBe(403);

		const run = await getUrl('sellerpic', { id: task.resultId, download: true });
		const [item] = run.output(NODE_UNDER_TEST);
		expect(item.json.url).not.toBe(first);
		expect(await imageSize(await run.binary(item, 'mask'))).toEqual(['png', 512, 512]);
		expect(vendors.sellerPic.counters.downloadUrls).toBe(2);
	});

	it('refuses a PiAPI task id before sending anything', async () => {
		const run = await getUrl('sellerpic', { idType: 'taskId', id: UNKNOWN_UUID });
		expect(run.nodeError(NODE_UNDER_TEST)?.message).toBe(
			`Task ID "${UNKNOWN_UUID}" looks like a PiAPI task ID; set Vendor to PiAPI [item 0]`,
		);
		expect(requestCount(vendors)).toBe(0);
	});

	it('fails with NodeApiError and a hint for a task id SellerPic does not know', async () => {
		const run = await getUrl('sellerpic', { idType: 'taskId', id: '1946000000000000001' });
		const error = run.nodeError(NODE_UNDER_TEST) as unknown as {
			name: string;
			description: string;
			errorResponse: Record<string, unknown>;
		};
		expect(error.name).toBe('NodeApiError');
		expect(error.errorResponse.vendorCode).toBe('40006');
		expect(error.description).toMatch(
			/If 1946000000000000001 is a result ID, set ID Type to Result ID/,
		);
	});
});

describe('Get Segmentation Download URL: PiAPI', () => {
	it.each(['image_url', 'image_urls'] as const)(
		'returns the output URL of a task (%s)',
		async (outputShape) => {
			const task = await piApiTask();
			vendors.piApi.configure({ outputShape });
			const run = await getUrl('piapi', { id: task.id });
			const [item] = run.output(NODE_UNDER_TEST);
			const url = `${vendors.piApi.fileBaseUrl}/${task.id}.png`;
			expect(item.json).toEqual({
				vendor: 'piapi',
				id: task.id,
				idType: 'taskId',
				url,
				files: [{ url, fileName: `${task.id}.png` }],
			});
			expect(item.binary).toBeUndefined();
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(vendors.piApi.counters.fileDownloads).toBe(0);
		},
	);

	it('downloads the mask as a PNG of the input size, without the API key', async () => {
		const task = await piApiTask();
		const run = await getUrl('piapi', { id: task.id, download: true });
		const [item] = run.output(NODE_UNDER_TEST);
		expect(item.binary?.mask).toMatchObject({ mimeType: 'image/png', fileName: `${task.id}.png` });
		const mask = await run.binary(item, 'mask');
		expect(await imageSize(mask)).toEqual(['png', 240, 180]);
		expect(await maskValueAt(mask, 0.5, 0.5)).toBe(255);
		expect(vendors.piApi.counters.storageRequestsWithApiKey).toBe(0);
	});

	it('returns every output URL and downloads them as mask, mask_2', async () => {
		const stub = await startMultiResultStub();
		try {
			const run = await getUrl(
				'piapi',
				{ id: STUB_PIAPI_TASK, download: true },
				{ baseUrl: stub.url },
			);
			const [item] = run.output(NODE_UNDER_TEST);
			expect(item.json.files).toEqual([
				{ url: `${stub.url}/files/a.png`, fileName: 'a.png' },
				{ url: `${stub.url}/files/b.png`, fileName: 'b.png' },
			]);
			expect(await imageSize(await run.binary(item, 'mask'))).toEqual(['png', 11, 12]);
			expect(await imageSize(await run.binary(item, 'mask_2'))).toEqual(['png', 13, 14]);
			expect(stub.fileRequestsWithKey).toBe(0);
		} finally {
			await stub.close();
		}
	});

	it('says a task that is not completed has nothing to download yet', async () => {
		const task = await piApiTask('running');
		vendors.piApi.configure({ capitalisedStatus: true });
		const error = (await getUrl('piapi', { id: task.id })).nodeError(NODE_UNDER_TEST);
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe(
			`PiAPI task ${task.id} is not done yet (status: running), so it has no result to download [item 0]`,
		);
		expect(error?.description).toMatch(/Check Segmentation Task/);
	});

	it('fails a failed task with the vendor code and message', async () => {
		const task = await piApiTask('failed');
		const error = (await getUrl('piapi', { id: task.id })).nodeError(
			NODE_UNDER_TEST,
		) as unknown as {
			name: string;
			message: string;
			errorResponse: Record<string, unknown>;
		};
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toContain('failed, so it has no result to download: segmentation failed');
		expect(error.errorResponse.vendorCode).toBe('10000');
	});

	it('fails with NodeApiError for a task id PiAPI does not know', async () => {
		const error = (await getUrl('piapi', { id: UNKNOWN_UUID })).nodeError(
			NODE_UNDER_TEST,
		) as unknown as {
			name: string;
			description: string;
		};
		expect(error.name).toBe('NodeApiError');
		expect(error.description).toMatch(/PiAPI does not know it/);
	});

	it('refuses a SellerPic id before sending anything', async () => {
		const run = await getUrl('piapi', { id: '1946000000000000123' });
		expect(run.nodeError(NODE_UNDER_TEST)?.message).toBe(
			'Task ID "1946000000000000123" looks like a SellerPic task ID; set Vendor to SellerPic [item 0]',
		);
		expect(requestCount(vendors)).toBe(0);
	});
});

describe('Get Segmentation Download URL: items', () => {
	it('with Continue On Fail, gives bad items their errors and resolves the rest, in order', async () => {
		const [done, running] = [await sellerPicTask(), await sellerPicTask('running')];
		const items = [
			{ json: { id: done.id } },
			{ json: { id: UNKNOWN_UUID } },
			{ json: { id: running.id } },
			{ json: { id: '' } },
			{ json: { id: done.id } },
		];
		const run = await getUrl(
			'sellerpic',
			{ idType: 'taskId', id: '={{ $json.id }}', download: true },
			{ items, continueOnFail: true },
		);
		expect(run.status).toBe('success');
		const output = run.output(NODE_UNDER_TEST);
		expect(output.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3, 4].map((item) => ({ item })),
		);
		expect(output[0].json).toMatchObject({ id: done.id, files: [{ resultId: done.resultId }] });
		expect(output[0].binary?.mask).toBeDefined();
		expect(output[1].json.error).toMatch(/looks like a PiAPI task ID.*\[item 1\]/);
		expect(output[2].json.error).toMatch(/status: running.*\[item 2\]/);
		expect(output[3].json.error).toMatch(/Task ID is empty \[item 3\]/);
		expect(output[4].json).toMatchObject({ id: done.id });
	});

	it('resolves expressions in every parameter per item', async () => {
		const tasks = [await sellerPicTask(), await sellerPicTask()];
		const items = [
			{ json: { ref: { id: tasks[0].resultId }, fmt: 'webp', big: true, field: 'first' } },
			{ json: { ref: { id: tasks[1].resultId }, fmt: 'jpg', big: false, field: 'second' } },
		];
		const run = await getUrl(
			'sellerpic',
			{
				idType: '={{ "resultId" }}',
				id: '={{ $json.ref.id }}',
				format: '={{ $json.fmt }}',
				uhd: '={{ $json.big }}',
				download: '={{ true }}',
				binaryPropertyName: '={{ $json.field }}',
			},
			{ items },
		);
		const output = run.output(NODE_UNDER_TEST);
		expect(
			output.map((item) => [
				item.json.id,
				item.json.format,
				item.json.uhd,
				Object.keys(item.binary ?? {}),
			]),
		).toEqual([
			[tasks[0].resultId, 'webp', true, ['first']],
			[tasks[1].resultId, 'jpg', false, ['second']],
		]);
	});

	it('refuses an unknown format before sending anything', async () => {
		const task = await sellerPicTask();
		const before = requestCount(vendors);
		const run = await getUrl('sellerpic', { id: task.resultId, format: '={{ "gif" }}' });
		expect(run.nodeError(NODE_UNDER_TEST)?.message).toMatch(
			/Format must be png, jpg or webp \(got "gif"\)/,
		);
		expect(requestCount(vendors)).toBe(before);
	});
});
