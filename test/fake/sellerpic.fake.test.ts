import sharp from 'sharp';
import { makeProductPhoto, sniffImage } from './images';
import {
	SELLERPIC_CODES,
	SELLERPIC_SAMPLE_KEY,
	startSellerPicFake,
	type SellerPicFake,
} from './sellerpic.fake';
import { call, FormData, maskValueAt, sleep, type CallOptions } from './test-client';

let fake: SellerPicFake;
let photo: Buffer;
const auth = { authorization: 'Bearer sp-test-key' };

beforeAll(async () => {
	fake = await startSellerPicFake();
	photo = await makeProductPhoto({ width: 320, height: 240, seed: 3 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const api = (path: string, options: CallOptions = {}) =>
	call(`${fake.baseUrl}${path}`, { ...options, headers: { ...auth, ...options.headers } });

async function upload(bytes: Buffer, name = 'photo.png') {
	const form = new FormData();
	form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), name);
	return api('/v1/api/upload', { method: 'POST', body: form });
}

async function createTask(imageKey: string, prompt = 'product') {
	return api('/v1/api/generate/promptSegmentation', { method: 'POST', json: { imageKey, prompt } });
}

async function waitForStatus(taskId: string, wanted: string) {
	for (let i = 0; i < 100; i++) {
		const result = (await api(`/v1/api/generate?id=${taskId}`)).json.data.resultList[0];
		if (result.status === wanted) return result;
		await sleep(25);
	}
	throw new Error(`task ${taskId} never reached ${wanted}`);
}

async function successfulResult() {
	const { fileKey } = (await upload(photo)).json.data;
	const taskId = (await createTask(fileKey)).json.data.id;
	return waitForStatus(taskId, 'SUCCESS');
}

describe('SellerPic fake: auth and envelopes', () => {
	it('answers a missing or wrong key with HTTP 401 and an error envelope', async () => {
		for (const authorization of [undefined, 'Bearer wrong', 'sp-test-key']) {
			const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
			const res = await call(`${fake.baseUrl}/v1/api/usage`, { headers });
			expect(res.status).toBe(401);
			expect(res.json).toMatchObject({ code: 401, success: false, data: null });
			expect(res.json.msg).toMatch(/Unauthorized/);
			expect(typeof res.json.traceId).toBe('string');
		}
	});

	it('wraps usage in the success envelope', async () => {
		const res = await api('/v1/api/usage');
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({
			code: 0,
			success: true,
			msg: 'success',
			data: { remaining: 1000, total: 1000, usage: 0 },
		});
		expect(res.json.traceId).toMatch(/^[0-9a-f]{32}$/);
	});

	it('logs header names but never the key', async () => {
		await api('/v1/api/usage');
		expect(fake.requests[0]).toMatchObject({
			method: 'GET',
			path: '/v1/api/usage',
			endpoint: 'usage',
			hadApiKey: true,
		});
		expect(fake.requests[0].headers).toContain('authorization');
		expect(JSON.stringify(fake.requests)).not.toContain('sp-test-key');
		expect(fake.counters.calls.usage).toBe(1);
	});
});

describe('SellerPic fake: upload', () => {
	it('stores a multipart file and returns a fileKey', async () => {
		const res = await upload(photo);
		expect(res.json).toMatchObject({ code: 0, success: true });
		expect(res.json.data.fileKey).toMatch(
			/^UPLOAD\/1910256820110163968\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{32}\.png$/,
		);
		expect(fake.images.get(res.json.data.fileKey)?.bytes.equals(photo)).toBe(true);
		expect(fake.counters.uploads).toBe(1);
	});

	it('rejects non-images, GIFs, missing fields and oversize files', async () => {
		expect((await upload(Buffer.from('not an image'))).json).toMatchObject({
			success: false,
			code: SELLERPIC_CODES.unsupportedFormat,
		});
		const gif = await sharp(await makeProductPhoto({ width: 20, height: 20, seed: 1 }))
			.gif()
			.toBuffer();
		expect((await upload(gif)).json.code).toBe(SELLERPIC_CODES.unsupportedFormat);
		const empty = await api('/v1/api/upload', { method: 'POST', body: new FormData() });
		expect(empty.json.code).toBe(SELLERPIC_CODES.badRequest);
		fake.configure({ maxUploadBytes: 1000 });
		expect((await upload(photo)).json).toMatchObject({
			success: false,
			code: SELLERPIC_CODES.fileTooLarge,
			data: null,
		});
		expect(fake.counters.uploads).toBe(0);
	});

	it('supports the older pre-signed PUT flow, without auth, expiring with 403', async () => {
		const { fileKey, imageUrl } = (await api('/v1/api/upload/url?format=png')).json.data;
		expect(fileKey).toMatch(/\.png$/);
		const put = await call(imageUrl, {
			method: 'PUT',
			body: photo,
			headers: { 'content-type': 'application/octet-stream' },
		});
		expect(put.status).toBe(200);
		expect((await createTask(fileKey)).json.success).toBe(true);
		fake.expireUploadUrls();
		expect((await call(imageUrl, { method: 'PUT', body: photo })).status).toBe(403);
		expect(fake.counters.storageRequestsWithApiKey).toBe(0);
	});
});

describe('SellerPic fake: tasks', () => {
	it('moves CREATED → RUNNING → SUCCESS by the clock, with an empty fileUrl', async () => {
		const { fileKey } = (await upload(photo)).json.data;
		const created = await createTask(fileKey);
		expect(created.json).toMatchObject({
			code: 0,
			success: true,
			data: { id: expect.stringMatching(/^\d{19}$/) },
		});
		const taskId = created.json.data.id;
		const first = (await api(`/v1/api/generate?id=${taskId}`)).json.data.resultList;
		expect(first).toEqual([
			{
				id: expect.stringMatching(/^\d+$/),
				fileUrl: '',
				status: 'CREATED',
				errorCode: 0,
				errorMsg: '',
			},
		]);
		expect(first[0].id).not.toBe(taskId);
		await sleep(150);
		expect((await api(`/v1/api/generate?id=${taskId}`)).json.data.resultList[0].status).toBe(
			'RUNNING',
		);
		await sleep(200);
		expect((await api(`/v1/api/generate?id=${taskId}`)).json.data.resultList[0]).toMatchObject({
			status: 'SUCCESS',
			fileUrl: '',
		});
		expect(fake.counters).toMatchObject({ creates: 1, polls: 3 });
	});

	it('validates the create body', async () => {
		const { fileKey } = (await upload(photo)).json.data;
		const create = (json: unknown, path = 'promptSegmentation') =>
			api(`/v1/api/generate/${path}`, { method: 'POST', json });
		expect((await create({ imageKey: fileKey, prompt: '' })).json.code).toBe(
			SELLERPIC_CODES.badRequest,
		);
		expect((await create({ prompt: 'x' })).json.code).toBe(SELLERPIC_CODES.badRequest);
		expect((await create({ imageKey: 'UPLOAD/nope.png', prompt: 'x' })).json).toMatchObject({
			code: SELLERPIC_CODES.imageKeyNotFound,
			success: false,
			data: null,
		});
		expect(
			(await create({ imageKey: fileKey, type: 'product', expandPixels: 1.5 }, 'segmentImage'))
				.json,
		).toMatchObject({
			code: SELLERPIC_CODES.badRequest,
			msg: 'expandPixels must be an integer',
		});
		// The documented body of Segment Image By Type has expandPixels: a request without it is not one SellerPic takes.
		expect(
			(await create({ imageKey: fileKey, type: 'product' }, 'segmentImage')).json,
		).toMatchObject({
			code: SELLERPIC_CODES.badRequest,
			msg: 'expandPixels is required',
		});
		expect(fake.counters.creates).toBe(0);
		const wide = (await upload(await makeProductPhoto({ width: 2001, height: 8, seed: 2 }))).json
			.data.fileKey;
		expect(
			(await create({ imageKey: wide, type: 'product', expandPixels: 0 }, 'segmentImage')).json
				.code,
		).toBe(SELLERPIC_CODES.resolutionTooHigh);
		expect((await create({ imageKey: wide, prompt: 'x' })).json.success).toBe(true);
		const frames = [photo, await makeProductPhoto({ width: 320, height: 240, seed: 4 })];
		const animatedWebp = await sharp(frames, { join: { animated: true } })
			.webp()
			.toBuffer();
		const animatedKey = (await upload(animatedWebp, 'anim.webp')).json.data.fileKey;
		expect(animatedKey).toMatch(/\.webp$/);
		expect((await create({ imageKey: animatedKey, prompt: 'x' })).json.code).toBe(
			SELLERPIC_CODES.unsupportedFormat,
		);
		fake.configure({ maxTaskImageBytes: 100 });
		expect((await create({ imageKey: fileKey, prompt: 'x' })).json.code).toBe(
			SELLERPIC_CODES.fileTooLarge,
		);
		expect(fake.counters.creates).toBe(1);
	});

	it('accepts the documented sample key', async () => {
		expect((await createTask(SELLERPIC_SAMPLE_KEY)).json.success).toBe(true);
	});

	it('rejects the 6th concurrent task with 30003 and frees slots on completion', async () => {
		fake.configure({ taskLatencyMs: 400 });
		const { fileKey } = (await upload(photo)).json.data;
		for (let i = 0; i < 5; i++) expect((await createTask(fileKey)).json.success).toBe(true);
		const over = await createTask(fileKey);
		expect(over.status).toBe(200);
		expect(over.json).toMatchObject({ code: 30003, success: false, data: null });
		expect(over.json.msg).toMatch(/concurrency limit/);
		expect(fake.counters).toMatchObject({ creates: 5, peakInFlight: 5 });
		expect(fake.tasks.size).toBe(5);
		const byType = await api('/v1/api/generate/segmentImage', {
			method: 'POST',
			json: { imageKey: fileKey, type: 'product', expandPixels: 0 },
		});
		expect(byType.json.success).toBe(true);
		await sleep(420);
		expect((await createTask(fileKey)).json.success).toBe(true);
		expect(fake.counters.peakInFlight).toBe(6);
	});

	it('reports FAILED results and tasks that never finish', async () => {
		const { fileKey } = (await upload(photo)).json.data;
		fake.configure({
			taskLatencyMs: 40,
			taskOutcome: (task) =>
				task.imageKey === fileKey && task.prompt === 'fail' ? 'failed' : 'never',
		});
		const failedId = (await createTask(fileKey, 'fail')).json.data.id;
		const neverId = (await createTask(fileKey, 'other')).json.data.id;
		const failed = await waitForStatus(failedId, 'FAILED');
		expect(failed).toMatchObject({ errorCode: SELLERPIC_CODES.taskFailed, fileUrl: '' });
		expect(failed.errorMsg).not.toBe('');
		const download = await api(`/v1/api/download?downloadFormat=png&id=${failed.id}&uhd=false`);
		expect(download.json).toMatchObject({ code: 0, data: { status: 'FAILED', fileUrl: '' } });
		fake.configure({ downloadNotReadyAs: 'envelope' });
		expect((await api(`/v1/api/download?downloadFormat=png&id=${failed.id}`)).json.code).toBe(
			SELLERPIC_CODES.resultNotReady,
		);
		await sleep(100);
		expect((await api(`/v1/api/generate?id=${neverId}`)).json.data.resultList[0].status).toBe(
			'RUNNING',
		);
	});

	it('answers unknown task ids with an envelope, switchable to HTTP 404', async () => {
		const res = await api('/v1/api/generate?id=123');
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({
			code: SELLERPIC_CODES.taskNotFound,
			success: false,
			msg: 'task not found',
			data: null,
		});
		fake.configure({ taskNotFoundAs: 'http404' });
		const notFound = await api('/v1/api/generate?id=123');
		expect(notFound.status).toBe(404);
		expect(notFound.json).toMatchObject({ code: 404, success: false });
	});

	it('counts polls closer than minPollIntervalMs, and can reject them with 429', async () => {
		const taskId = (await createTask(SELLERPIC_SAMPLE_KEY)).json.data.id;
		fake.configure({ minPollIntervalMs: 60_000 });
		await api(`/v1/api/generate?id=${taskId}`);
		expect((await api(`/v1/api/generate?id=${taskId}`)).status).toBe(200);
		expect(fake.counters.tooFastPolls).toBe(1);
		fake.configure({ rejectTooFastPolls: true });
		const rejected = await api(`/v1/api/generate?id=${taskId}`);
		expect(rejected.status).toBe(429);
		expect(rejected.headers['retry-after']).toBe('60');
		expect(fake.counters.tooFastPolls).toBe(2);
	});
});

describe('SellerPic fake: download', () => {
	it('hands out a stable storage URL that serves the mask without auth', async () => {
		const result = await successfulResult();
		const res = await api(`/v1/api/download?downloadFormat=png&id=${result.id}&uhd=false`);
		expect(res.json).toMatchObject({
			code: 0,
			success: true,
			data: { status: 'SUCCESS', errorMsg: '' },
		});
		expect(res.json.data.name).toMatch(/^[0-9a-f]{32}_mask_output\.png$/);
		expect(res.json.data.fileUrl.startsWith(fake.storageBaseUrl)).toBe(true);
		const again = await api(`/v1/api/download?downloadFormat=png&id=${result.id}&uhd=false`);
		expect(again.json.data.fileUrl).toBe(res.json.data.fileUrl);

		const file = await call(res.json.data.fileUrl);
		expect(file.status).toBe(200);
		expect(file.headers['content-type']).toBe('image/png');
		expect(await sniffImage(file.bytes)).toMatchObject({ format: 'png', width: 320, height: 240 });
		expect(await maskValueAt(file.bytes, 0.5, 0.5)).toBe(255);
		expect(await maskValueAt(file.bytes, 0.02, 0.02)).toBe(0);
		expect(fake.counters).toMatchObject({
			downloadUrls: 2,
			fileDownloads: 1,
			storageRequestsWithApiKey: 0,
		});
	});

	it('converts to jpg and webp', async () => {
		const result = await successfulResult();
		for (const [format, mime, sniffed] of [
			['jpg', 'image/jpeg', 'jpeg'],
			['webp', 'image/webp', 'webp'],
		]) {
			const { fileUrl, name } = (
				await api(`/v1/api/download?downloadFormat=${format}&id=${result.id}`)
			).json.data;
			expect(name.endsWith(`.${format}`)).toBe(true);
			const file = await call(fileUrl);
			expect(file.headers['content-type']).toBe(mime);
			expect((await sniffImage(file.bytes)).format).toBe(sniffed);
		}
	});

	it('expires URLs with 403 and issues a fresh one afterwards', async () => {
		const result = await successfulResult();
		const first = (await api(`/v1/api/download?downloadFormat=png&id=${result.id}`)).json.data
			.fileUrl;
		fake.expireDownloadUrls();
		const expired = await call(first);
		expect(expired.status).toBe(403);
		expect(expired.text).toContain('AccessDenied');
		const fresh = (await api(`/v1/api/download?downloadFormat=png&id=${result.id}`)).json.data
			.fileUrl;
		expect(fresh).not.toBe(first);
		expect((await call(fresh)).status).toBe(200);
	});

	it('rejects task ids, unknown ids and bad formats with error envelopes', async () => {
		const { fileKey } = (await upload(photo)).json.data;
		const taskId = (await createTask(fileKey)).json.data.id;
		await waitForStatus(taskId, 'SUCCESS');
		const byTaskId = await api(`/v1/api/download?downloadFormat=png&id=${taskId}`);
		expect(byTaskId.status).toBe(200);
		expect(byTaskId.json).toMatchObject({
			code: SELLERPIC_CODES.resultNotFound,
			success: false,
			data: null,
		});
		expect((await api('/v1/api/download?downloadFormat=png&id=42')).json.code).toBe(
			SELLERPIC_CODES.resultNotFound,
		);
		expect((await api(`/v1/api/download?downloadFormat=gif&id=${taskId}`)).json.code).toBe(
			SELLERPIC_CODES.badRequest,
		);
	});

	it('counts storage requests that carry an API key', async () => {
		const result = await successfulResult();
		const { fileUrl } = (await api(`/v1/api/download?downloadFormat=png&id=${result.id}`)).json
			.data;
		expect((await call(fileUrl, { headers: auth })).status).toBe(200);
		expect(fake.counters.storageRequestsWithApiKey).toBe(1);
	});

	it('can fill resultList[].fileUrl on SUCCESS', async () => {
		fake.configure({ fileUrlOnSuccess: true });
		const result = await successfulResult();
		expect(result.fileUrl.startsWith(fake.storageBaseUrl)).toBe(true);
		expect((await call(result.fileUrl)).headers['content-type']).toBe('image/png');
	});

	it('grows the mask by expandPixels for segmentImage', async () => {
		const { fileKey } = (await upload(photo)).json.data;
		const masks: Buffer[] = [];
		for (const expandPixels of [0, 30]) {
			const taskId = (
				await api('/v1/api/generate/segmentImage', {
					method: 'POST',
					json: { imageKey: fileKey, type: 'product', expandPixels },
				})
			).json.data.id;
			const result = await waitForStatus(taskId, 'SUCCESS');
			const { fileUrl } = (await api(`/v1/api/download?downloadFormat=png&id=${result.id}`)).json
				.data;
			masks.push((await call(fileUrl)).bytes);
		}
		// Just outside the ellipse's right edge (radius ≤ 30% of the width): black, then white after growing.
		expect(await maskValueAt(masks[0], 0.83, 0.5)).toBe(0);
		expect(await maskValueAt(masks[1], 0.83, 0.5)).toBe(255);
	});
});

describe('SellerPic fake: reply shapes of public clients (switches)', () => {
	it('sends the 30003 refusal with the HTTP status it is told, the same envelope', async () => {
		fake.configure({ concurrencyCap: 1, taskLatencyMs: 5_000, capacityRefusalStatus: 400 });
		expect((await createTask(SELLERPIC_SAMPLE_KEY)).status).toBe(200);
		const over = await createTask(SELLERPIC_SAMPLE_KEY);
		expect(over.status).toBe(400);
		expect(over.json).toMatchObject({ code: 30003, success: false, data: null });
		expect(fake.requests.at(-1)).toMatchObject({ status: 400, code: 30003 });
	});

	it('sends task and result ids as bare 19-digit JSON numbers', async () => {
		fake.configure({ idsAsNumbers: true, taskLatencyMs: 0 });
		const created = await createTask(SELLERPIC_SAMPLE_KEY);
		const [task] = fake.tasks.values();
		expect(created.text).toContain(`"data":{"id":${task.id}}`);
		expect(task.id).toMatch(/^\d{19}$/);
		const status = await api(`/v1/api/generate?id=${task.id}`);
		expect(status.text).toContain(`"id":${task.resultId},`);
		// The exact id still finds the result.
		const link = await api(`/v1/api/download?downloadFormat=png&id=${task.resultId}`);
		expect(link.json.data.status).toBe('SUCCESS');
	});

	it('answers the upload with msg "SUCCESS" and a request_id', async () => {
		fake.configure({ uploadReplyWithRequestId: true });
		const res = await upload(photo);
		expect(res.json).toMatchObject({ code: 0, success: true, msg: 'SUCCESS' });
		expect(res.json.request_id).toMatch(/^[0-9a-f]{32}$/);
		expect(res.json.data.fileKey).toMatch(/^UPLOAD\//);
	});

	it('refuses an upload whose extension or part type does not match the bytes', async () => {
		fake.configure({ uploadNameMustMatchBytes: true });
		const send = async (name: string, type: string) => {
			const form = new FormData();
			form.append('file', new Blob([new Uint8Array(photo)], { type }), name);
			return (await api('/v1/api/upload', { method: 'POST', body: form })).json;
		};
		expect((await send('photo.png', 'image/png')).success).toBe(true);
		for (const [name, type] of [
			['photo.jpg', 'image/png'],
			['photo', 'image/png'],
			['PHOTO.PNG', 'image/png'],
			['photo.png', 'image/jpeg'],
		]) {
			expect([name, type, await send(name, type)]).toEqual([
				name,
				type,
				expect.objectContaining({ code: SELLERPIC_CODES.unsupportedFormat, success: false }),
			]);
		}
		expect(fake.counters.uploads).toBe(1);
	});

	it('gives a task several results, each with its own id, outcome, link and mask', async () => {
		fake.configure({
			resultsPerTask: 3,
			taskLatencyMs: 0,
			resultOutcome: (_task, index) => (index === 1 ? 'failed' : 'success'),
		});
		const { fileKey } = (await upload(photo)).json.data;
		const taskId = (await createTask(fileKey)).json.data.id;
		const { resultList } = (await api(`/v1/api/generate?id=${taskId}`)).json.data;
		expect(resultList.map((result: { status: string }) => result.status)).toEqual([
			'SUCCESS',
			'FAILED',
			'SUCCESS',
		]);
		expect(new Set(resultList.map((result: { id: string }) => result.id)).size).toBe(3);
		const failed = await api(`/v1/api/download?downloadFormat=png&id=${resultList[1].id}`);
		expect(failed.json.data).toMatchObject({ status: 'FAILED', fileUrl: '' });
		const masks = [];
		for (const result of [resultList[0], resultList[2]]) {
			const link = await api(`/v1/api/download?downloadFormat=png&id=${result.id}`);
			masks.push((await call(link.json.data.fileUrl)).bytes);
		}
		expect(masks[0].equals(masks[1])).toBe(false);
		expect(fake.inFlight()).toBe(0);
	});
});

describe('SellerPic fake: faults', () => {
	const usage = () => api('/v1/api/usage');

	it.each([
		['http401', 401],
		['http403', 403],
		['http404', 404],
		['http500', 500],
		['http502', 502],
	] as const)('%s answers HTTP %d with the envelope, once', async (kind, status) => {
		fake.injectFault({ endpoint: 'usage', kind });
		const res = await usage();
		expect(res.status).toBe(status);
		expect(res.json).toMatchObject({ code: status, success: false, data: null });
		expect((await usage()).status).toBe(200);
	});

	it('http429 sends Retry-After', async () => {
		fake.injectFault({ endpoint: 'usage', kind: 'http429', retryAfterSeconds: 7 });
		const res = await usage();
		expect(res.status).toBe(429);
		expect(res.headers['retry-after']).toBe('7');
	});

	it('reset destroys the socket', async () => {
		fake.injectFault({ endpoint: 'usage', kind: 'reset' });
		await expect(usage()).rejects.toThrow();
		expect((await usage()).status).toBe(200);
	});

	it('slow delays the normal reply', async () => {
		fake.injectFault({ endpoint: 'usage', kind: 'slow', delayMs: 250 });
		const started = Date.now();
		const res = await usage();
		expect(Date.now() - started).toBeGreaterThanOrEqual(240);
		expect(res.json.success).toBe(true);
	});

	it('malformed answers 200 with invalid JSON', async () => {
		fake.injectFault({ endpoint: 'usage', kind: 'malformed' });
		const res = await usage();
		expect(res.status).toBe(200);
		expect(res.json).toBeUndefined();
	});

	it('envelopeError answers 200 with the given code and msg', async () => {
		fake.injectFault({
			endpoint: 'promptSegmentation',
			kind: 'envelopeError',
			code: 30003,
			msg: 'busy',
		});
		const res = await createTask(SELLERPIC_SAMPLE_KEY);
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({ code: 30003, success: false, msg: 'busy', data: null });
		expect(fake.counters.creates).toBe(0);
	});

	it('honours times, afterCalls, the * endpoint and clearFaults', async () => {
		fake.injectFault({ endpoint: 'usage', kind: 'http500', afterCalls: 1, times: 2 });
		expect(
			(
				await Promise.all([usage(), usage(), usage(), usage()].map((p) => p.then((r) => r.status)))
			).sort(),
		).toEqual([200, 200, 500, 500]);
		fake.injectFault({ endpoint: '*', kind: 'http502', times: Infinity });
		expect((await usage()).status).toBe(502);
		expect((await call(`${fake.baseUrl}/storage/download/x/y`)).status).toBe(502);
		fake.clearFaults();
		expect((await usage()).status).toBe(200);
	});

	it('checks the key and the request before a fault answers: a fault only fails a request SellerPic would take', async () => {
		fake.injectFault({ endpoint: 'promptSegmentation', kind: 'http500', times: Infinity });
		const noKey = await call(`${fake.baseUrl}/v1/api/generate/promptSegmentation`, {
			method: 'POST',
			json: { imageKey: SELLERPIC_SAMPLE_KEY, prompt: 'x' },
		});
		expect(noKey.status).toBe(401);
		const noPrompt = await api('/v1/api/generate/promptSegmentation', {
			method: 'POST',
			json: { imageKey: SELLERPIC_SAMPLE_KEY },
		});
		expect([noPrompt.status, noPrompt.json.msg]).toEqual([200, 'prompt is required']);
		expect((await createTask(SELLERPIC_SAMPLE_KEY)).status).toBe(500);
		fake.injectFault({ endpoint: 'taskStatus', kind: 'reset' });
		expect((await api('/v1/api/generate')).json.msg).toBe('id is required');
		await expect(api('/v1/api/generate?id=1')).rejects.toThrow();
	});

	it('reset() restores counters, tasks, faults and config', async () => {
		fake.configure({ concurrencyCap: 1 });
		fake.injectFault({ endpoint: 'usage', kind: 'http500', times: Infinity });
		await createTask(SELLERPIC_SAMPLE_KEY);
		fake.reset();
		expect(fake.config.concurrencyCap).toBe(5);
		expect(fake.tasks.size).toBe(0);
		expect(fake.counters).toMatchObject({ creates: 0, calls: {} });
		expect(fake.requests).toHaveLength(0);
		expect((await usage()).status).toBe(200);
	});
});
