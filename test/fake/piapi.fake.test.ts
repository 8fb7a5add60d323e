import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { makeProductPhoto, sniffImage } from './images';
import { GO_ZERO_TIME, PIAPI_TASK_ERROR_CODES, startPiApiFake, type PiApiFake } from './piapi.fake';
import {
	call,
	maskValueAt,
	sleep,
	startReceiver,
	type CallOptions,
	type Receiver,
} from './test-client';
import { eventually } from '../../tools/local-n8n/system/wait';

let fake: PiApiFake;
let receiver: Receiver;
let photo: Buffer;
const key = { 'x-api-key': 'pi-test-key' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

beforeAll(async () => {
	fake = await startPiApiFake({ taskLatencyMs: 120 });
	photo = await makeProductPhoto({ width: 300, height: 200, seed: 5 });
	receiver = await startReceiver(photo);
});
afterAll(async () => {
	await fake.close();
	await receiver.close();
});
beforeEach(() => {
	fake.reset();
	receiver.received.length = 0;
	receiver.statuses.length = 0;
});

const api = (path: string, options: CallOptions = {}) =>
	call(`${fake.baseUrl}${path}`, { ...options, headers: { ...key, ...options.headers } });

const segmentBody = (
	image: string,
	extra: Record<string, unknown> = {},
	input: Record<string, unknown> = {},
) => ({
	model: 'Qubico/image-toolkit',
	task_type: 'segment',
	input: { image, prompt: 'product', negative_prompt: '', segment_factor: 0, ...input },
	...extra,
});

const createTask = (image = `${receiver.url}/image.png`, extra: Record<string, unknown> = {}) =>
	api('/api/v1/task', { method: 'POST', json: segmentBody(image, extra) });

async function waitForStatus(taskId: string, wanted: string) {
	for (let i = 0; i < 100; i++) {
		const data = (await api(`/api/v1/task/${taskId}`)).json.data;
		if (data.status.toLowerCase() === wanted) return data;
		await sleep(20);
	}
	throw new Error(`task ${taskId} never reached ${wanted}`);
}

describe('PiAPI fake: auth, account, envelopes', () => {
	it('answers a missing or wrong key with 401', async () => {
		const wrong: Record<string, string>[] = [
			{},
			{ 'x-api-key': 'nope' },
			{ authorization: 'Bearer pi-test-key' },
		];
		for (const headers of wrong) {
			const res = await call(`${fake.baseUrl}/account/info`, { headers });
			expect(res.status).toBe(401);
			expect(res.json).toEqual({ code: 401, message: 'Invalid API key', data: null });
		}
	});

	it('returns account info', async () => {
		const res = await api('/account/info');
		expect(res.json).toEqual({
			code: 200,
			data: {
				account_id: 'acc-fake-0001',
				account_name: 'fake-account',
				credits: 1000,
				equivalent_in_usd: 10,
			},
			message: 'success',
		});
	});

	it('answers create with the documented pending envelope', async () => {
		const res = await createTask();
		expect(res.status).toBe(200);
		expect(res.json).toEqual({
			code: 200,
			message: 'success',
			data: {
				task_id: expect.stringMatching(UUID),
				model: 'Qubico/image-toolkit',
				task_type: 'segment',
				status: 'pending',
				config: { service_mode: '', webhook_config: { endpoint: '', secret: '' } },
				input: {
					image: `${receiver.url}/image.png`,
					prompt: 'product',
					negative_prompt: '',
					segment_factor: 0,
				},
				output: null,
				meta: {
					created_at: expect.stringMatching(RFC3339),
					started_at: GO_ZERO_TIME,
					ended_at: GO_ZERO_TIME,
				},
				detail: null,
				logs: [],
				error: { code: 0, raw_message: '', message: '', detail: null },
			},
		});
		expect(fake.counters.creates).toBe(1);
	});

	it('validates the create body with 400', async () => {
		const url = 'http://127.0.0.1/x.png';
		const bad = [
			segmentBody(url, { model: 'Qubico/other' }),
			segmentBody(url, { task_type: 'upscale' }),
			segmentBody('ftp://127.0.0.1/x.png'),
			segmentBody('data:image/png;base64,AAAA'),
			segmentBody(url, {}, { segment_factor: 1.5 }),
			segmentBody(url, {}, { segment_factor: '5' }),
			segmentBody(url, {}, { negative_prompt: undefined }),
			segmentBody(url, {}, { prompt: '' }),
			segmentBody(url, { config: { webhook_config: { endpoint: 'not a url', secret: 's' } } }),
			segmentBody(url, { config: { service_mode: 'shared' } }),
		];
		for (const json of bad) {
			const res = await api('/api/v1/task', { method: 'POST', json });
			expect(res.status).toBe(400);
			expect(res.json).toMatchObject({ code: 400, data: null, message: expect.any(String) });
		}
		expect(fake.counters.creates).toBe(0);
	});
});

describe('PiAPI fake: lifecycle and output', () => {
	it('goes pending → processing → completed and serves the mask without auth', async () => {
		fake.configure({ taskLatencyMs: 400 });
		const taskId = (await createTask()).json.data.task_id;
		expect((await api(`/api/v1/task/${taskId}`)).json.data.status).toBe('pending');
		await sleep(200);
		const processing = (await api(`/api/v1/task/${taskId}`)).json.data;
		expect(processing).toMatchObject({
			status: 'processing',
			output: null,
			meta: { ended_at: GO_ZERO_TIME },
		});
		expect(processing.meta.started_at).toMatch(RFC3339);
		const done = await waitForStatus(taskId, 'completed');
		expect(done.output).toEqual({ image_url: `${fake.fileBaseUrl}/${taskId}.png` });
		expect(done.meta.ended_at).toMatch(RFC3339);
		expect(done.meta.ended_at).not.toBe(GO_ZERO_TIME);

		const file = await call(done.output.image_url);
		expect(file.headers['content-type']).toBe('image/png');
		expect(await sniffImage(file.bytes)).toMatchObject({ format: 'png', width: 300, height: 200 });
		expect(await maskValueAt(file.bytes, 0.5, 0.5)).toBe(255);
		expect(await maskValueAt(file.bytes, 0.05, 0.05)).toBe(0);
		expect(fake.counters).toMatchObject({ fileDownloads: 1, storageRequestsWithApiKey: 0 });
		expect(fake.counters.polls).toBeGreaterThanOrEqual(3);
	});

	it('can answer image_urls[] and capitalised statuses', async () => {
		fake.configure({ outputShape: 'image_urls', capitalisedStatus: true });
		const created = (await createTask()).json.data;
		expect(created.status).toBe('Pending');
		const done = await waitForStatus(created.task_id, 'completed');
		expect(done.status).toBe('Completed');
		expect(done.output).toEqual({ image_urls: [`${fake.fileBaseUrl}/${created.task_id}.png`] });
	});

	it('moves the mask edge by segment_factor', async () => {
		const values: number[] = [];
		for (const segment_factor of [0, 30, -30]) {
			const json = segmentBody(`${receiver.url}/image.png`, {}, { segment_factor });
			const taskId = (await api('/api/v1/task', { method: 'POST', json })).json.data.task_id;
			const done = await waitForStatus(taskId, 'completed');
			const mask = (await call(done.output.image_url)).bytes;
			values.push(await maskValueAt(mask, 0.83, 0.5), await maskValueAt(mask, 0.72, 0.5));
		}
		expect(values).toEqual([0, 255, 255, 255, 0, 0]);
	});

	it('fails the task when input.image cannot be fetched', async () => {
		const missing = (await createTask(`${receiver.url}/missing.png`)).json.data.task_id;
		const external = (await createTask('https://example.invalid/photo.jpg')).json.data.task_id;
		for (const taskId of [missing, external]) {
			const failed = await waitForStatus(taskId, 'failed');
			expect(failed.output).toBeNull();
			expect(failed.error).toMatchObject({
				code: PIAPI_TASK_ERROR_CODES.imageUnreachable,
				message: expect.any(String),
				detail: null,
			});
			expect(failed.error.raw_message).not.toBe('');
		}
	});

	it('follows taskOutcome: failed and never', async () => {
		fake.configure({ taskOutcome: (task) => (task.input.prompt === 'fail' ? 'failed' : 'never') });
		const json = segmentBody(`${receiver.url}/image.png`, {}, { prompt: 'fail' });
		const failedId = (await api('/api/v1/task', { method: 'POST', json })).json.data.task_id;
		const neverId = (await createTask()).json.data.task_id;
		expect((await waitForStatus(failedId, 'failed')).error.code).toBe(
			PIAPI_TASK_ERROR_CODES.failed,
		);
		await sleep(150);
		expect((await api(`/api/v1/task/${neverId}`)).json.data.status).toBe('processing');
	});

	it('answers unknown ids with 404, switchable to HTTP 200', async () => {
		const res = await api('/api/v1/task/00000000-0000-0000-0000-000000000000');
		expect(res.status).toBe(404);
		expect(res.json).toEqual({ code: 404, message: 'task not found', data: null });
		fake.configure({ taskNotFoundAs: 'envelope' });
		const envelope = await api('/api/v1/task/00000000-0000-0000-0000-000000000000');
		expect(envelope.status).toBe(200);
		expect(envelope.json.code).toBe(404);
	});

	it('cancels only pending tasks', async () => {
		fake.configure({ taskLatencyMs: 1000 });
		const taskId = (await createTask()).json.data.task_id;
		const cancelled = await api(`/api/v1/task/${taskId}`, { method: 'DELETE' });
		expect(cancelled.status).toBe(200);
		expect((await api(`/api/v1/task/${taskId}`)).json.data).toMatchObject({
			status: 'failed',
			error: { code: PIAPI_TASK_ERROR_CODES.cancelled },
		});
		const other = (await createTask()).json.data.task_id;
		await sleep(300);
		expect((await api(`/api/v1/task/${other}`, { method: 'DELETE' })).status).toBe(400);
	});

	it('answers 429 with Retry-After over the concurrency cap', async () => {
		fake.configure({ concurrencyCap: 2, retryAfterSeconds: 3 });
		expect((await createTask()).status).toBe(200);
		expect((await createTask()).status).toBe(200);
		const over = await createTask();
		expect(over.status).toBe(429);
		expect(over.headers['retry-after']).toBe('3');
		expect(over.json).toMatchObject({ code: 429, data: null, message: expect.any(String) });
		expect(fake.counters).toMatchObject({ creates: 2, peakInFlight: 2 });
	});

	it('counts too-fast polls and can reject them', async () => {
		fake.configure({ minPollIntervalMs: 5000 });
		const taskId = (await createTask()).json.data.task_id;
		await api(`/api/v1/task/${taskId}`);
		await api(`/api/v1/task/${taskId}`);
		expect(fake.counters.tooFastPolls).toBe(1);
		fake.configure({ rejectTooFastPolls: true });
		const rejected = await api(`/api/v1/task/${taskId}`);
		expect(rejected.status).toBe(429);
		expect(rejected.headers['retry-after']).toBe('5');
	});
});

describe('PiAPI fake: upload host', () => {
	it('stores base64 or a data URI under uploadBaseUrl and serves it without auth', async () => {
		for (const file_data of [
			photo.toString('base64'),
			`data:image/png;base64,${photo.toString('base64')}`,
		]) {
			const res = await call(`${fake.uploadBaseUrl}/api/ephemeral_resource`, {
				method: 'POST',
				headers: key,
				json: { file_name: 'product photo.png', file_data },
			});
			expect(res.json).toEqual({
				code: 200,
				data: { url: expect.any(String) },
				message: 'success',
			});
			expect(res.json.data.url.startsWith(`${fake.uploadBaseUrl}/ephemeral/`)).toBe(true);
			const served = await call(res.json.data.url);
			expect(served.headers['content-type']).toBe('image/png');
			expect(served.bytes.equals(photo)).toBe(true);
			expect(
				(await waitForStatus((await createTask(res.json.data.url)).json.data.task_id, 'completed'))
					.output.image_url,
			).toBeTruthy();
		}
		expect(fake.counters).toMatchObject({ uploads: 2, storageRequestsWithApiKey: 0 });
	});

	it('rejects bad names, oversize data, a missing key and a low plan', async () => {
		const upload = (json: unknown, headers: Record<string, string> = key) =>
			call(`${fake.uploadBaseUrl}/api/ephemeral_resource`, { method: 'POST', headers, json });
		const data = photo.toString('base64');
		expect((await upload({ file_name: 'noext', file_data: data })).status).toBe(400);
		expect((await upload({ file_name: `${'a'.repeat(126)}.png`, file_data: data })).status).toBe(
			400,
		);
		expect((await upload({ file_name: 'a.png', file_data: '!!!' })).status).toBe(400);
		fake.configure({ maxUploadBytes: 100 });
		expect((await upload({ file_name: 'a.png', file_data: data })).json).toMatchObject({
			code: 400,
			data: null,
		});
		expect((await upload({ file_name: 'a.png', file_data: data }, {})).status).toBe(401);
		fake.configure({ uploadAllowed: false });
		const forbidden = await upload({ file_name: 'a.png', file_data: data });
		expect(forbidden.status).toBe(403);
		expect(forbidden.json).toMatchObject({ code: 403, message: expect.stringMatching(/plan/) });
	});
});

describe('PiAPI fake: webhooks', () => {
	const withWebhook = (secret = 's3cret') => ({
		config: { webhook_config: { endpoint: `${receiver.url}/hook`, secret } },
	});

	it('POSTs {timestamp, data} with the secret verbatim when the task completes', async () => {
		const taskId = (await createTask(undefined, withWebhook())).json.data.task_id;
		await eventually(() => receiver.received.length === 1);
		const [hook] = receiver.received;
		expect(hook.headers['x-webhook-secret']).toBe('s3cret');
		expect(hook.headers['content-type']).toBe('application/json');
		expect(hook.body.timestamp).toEqual(expect.any(Number));
		expect(hook.body.data).toMatchObject({
			task_id: taskId,
			status: 'completed',
			output: { image_url: expect.any(String) },
		});
		expect(hook.body.data).toEqual((await api(`/api/v1/task/${taskId}`)).json.data);
		await sleep(100);
		expect(fake.counters.webhookDeliveries).toBe(1);
		expect(fake.webhookLog).toEqual([
			expect.objectContaining({ taskId, attempt: 1, status: 200, ok: true, duplicate: false }),
		]);
	});

	it('also reports failed tasks', async () => {
		fake.configure({ taskOutcome: () => 'failed' });
		await createTask(undefined, withWebhook());
		await eventually(() => receiver.received.length === 1);
		expect(receiver.received[0].body.data).toMatchObject({
			status: 'failed',
			error: { code: PIAPI_TASK_ERROR_CODES.failed },
		});
	});

	it('retries non-2xx up to 3 attempts, webhookRetryMs apart', async () => {
		fake.configure({ webhookRetryMs: 80 });
		receiver.statuses.push(500, 503, 500, 500);
		await createTask(undefined, withWebhook());
		await eventually(() => receiver.received.length === 3);
		await sleep(200);
		expect(receiver.received).toHaveLength(3);
		expect(receiver.received[1].at - receiver.received[0].at).toBeGreaterThanOrEqual(70);
		expect(fake.webhookLog.map((d) => [d.attempt, d.status, d.ok])).toEqual([
			[1, 500, false],
			[2, 503, false],
			[3, 500, false],
		]);
		expect(fake.counters.webhookDeliveries).toBe(3);
	});

	it('retries after a network error and stops at the first 2xx', async () => {
		fake.configure({ webhookRetryMs: 50 });
		const taskId = (
			await createTask(undefined, {
				config: { webhook_config: { endpoint: 'http://127.0.0.1:1/hook', secret: 'x' } },
			})
		).json.data.task_id;
		await eventually(() => fake.webhookLog.length === 3);
		expect(fake.webhookLog.every((d) => d.taskId === taskId && !d.ok && d.error)).toBe(true);
		receiver.statuses.push(500);
		await createTask(undefined, withWebhook());
		await eventually(() => receiver.received.length === 2);
		await sleep(150);
		expect(receiver.received).toHaveLength(2);
	});

	it('with completeOnCreate, answers create with the finished task and calls back at once', async () => {
		fake.configure({ completeOnCreate: true, taskLatencyMs: 5_000 });
		const created = (await createTask(undefined, withWebhook())).json.data;
		expect(created).toMatchObject({
			status: 'completed',
			output: { image_url: expect.any(String) },
		});
		expect(created.meta.ended_at).toMatch(RFC3339);
		await eventually(() => receiver.received.length === 1, 'the callback', 1_000);
		expect(receiver.received[0].body.data).toMatchObject({
			task_id: created.task_id,
			status: 'completed',
		});
		expect((await call(created.output.image_url)).status).toBe(200);
	});

	it('with webhookMaxAttempts 1, delivers each callback once even when it is refused', async () => {
		fake.configure({ webhookMaxAttempts: 1, webhookRetryMs: 10 });
		receiver.statuses.push(409);
		const taskId = (await createTask(undefined, withWebhook())).json.data.task_id;
		await eventually(() => fake.webhookLog.length === 1, 'the delivery');
		await sleep(150);
		expect(receiver.received).toHaveLength(1);
		expect(fake.webhookLog).toEqual([
			expect.objectContaining({ taskId, attempt: 1, status: 409, ok: false }),
		]);
	});

	it('gives up a callback that is not answered within webhookTimeoutMs, and logs how long each took', async () => {
		const silent = http.createServer(() => {});
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
		try {
			fake.configure({ webhookMaxAttempts: 1, webhookTimeoutMs: 150 });
			const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
			await createTask(undefined, { config: { webhook_config: { endpoint, secret: 'x' } } });
			await eventually(() => fake.webhookLog.length === 1, 'the delivery to give up', 5_000);
			const [entry] = fake.webhookLog;
			expect(entry).toMatchObject({
				status: null,
				ok: false,
				error: expect.stringMatching(/timeout/i),
			});
			expect(entry.durationMs).toBeGreaterThanOrEqual(140);
			expect(entry.durationMs).toBeLessThan(2_000);
		} finally {
			silent.closeAllConnections();
			await new Promise((resolve) => silent.close(resolve));
		}
	});

	it('can deliver twice, send a wrong secret or omit it', async () => {
		// Deliveries are matched by task id: a late delivery of an earlier task must not count.
		const deliveriesOf = (taskId: string) =>
			receiver.received.filter((delivery) => delivery.body?.data?.task_id === taskId);

		fake.configure({ webhookDuplicate: true });
		const twice = (await createTask(undefined, withWebhook())).json.data.task_id as string;
		await eventually(() => deliveriesOf(twice).length === 2);
		expect(deliveriesOf(twice)[0].body).toEqual(deliveriesOf(twice)[1].body);
		// The fake logs a delivery once it has read the answer, a moment after the receiver has it.
		await eventually(
			() => fake.webhookLog.some((entry) => entry.taskId === twice && entry.duplicate),
			'the duplicate in the delivery log',
		);

		fake.configure({ webhookDuplicate: false, webhookSecretOverride: 'wrong' });
		const wrong = (await createTask(undefined, withWebhook())).json.data.task_id as string;
		await eventually(() => deliveriesOf(wrong).length === 1);
		expect(deliveriesOf(wrong)[0].headers['x-webhook-secret']).toBe('wrong');

		fake.configure({ webhookSecretOverride: undefined, webhookOmitSecret: true });
		const omitted = (await createTask(undefined, withWebhook())).json.data.task_id as string;
		await eventually(() => deliveriesOf(omitted).length === 1);
		expect(deliveriesOf(omitted)[0].headers['x-webhook-secret']).toBeUndefined();
	});
});

describe('PiAPI fake: faults', () => {
	const info = () => api('/account/info');

	it.each([
		['http401', 401],
		['http403', 403],
		['http404', 404],
		['http429', 429],
		['http500', 500],
		['http502', 502],
	] as const)('%s answers HTTP %d with the PiAPI error body', async (kind, status) => {
		fake.injectFault({ endpoint: 'accountInfo', kind, retryAfterSeconds: 2 });
		const res = await info();
		expect(res.status).toBe(status);
		expect(res.json).toMatchObject({ code: status, data: null, message: expect.any(String) });
		if (status === 429) expect(res.headers['retry-after']).toBe('2');
		expect((await info()).status).toBe(200);
	});

	it('reset, slow, malformed and envelopeError', async () => {
		fake.injectFault({ endpoint: 'accountInfo', kind: 'reset' });
		await expect(info()).rejects.toThrow();
		fake.injectFault({ endpoint: 'accountInfo', kind: 'slow', delayMs: 200 });
		const started = Date.now();
		expect((await info()).json.code).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(190);
		fake.injectFault({ endpoint: 'getTask', kind: 'malformed' });
		const taskId = (await createTask()).json.data.task_id;
		const malformed = await api(`/api/v1/task/${taskId}`);
		expect(malformed.status).toBe(200);
		expect(malformed.json).toBeUndefined();
		fake.injectFault({ endpoint: 'createTask', kind: 'envelopeError', code: 500, msg: 'internal' });
		expect((await createTask()).json).toEqual({ code: 500, message: 'internal', data: null });
	});

	it('checks the key and the body before a fault answers: a fault only fails a request PiAPI would take', async () => {
		fake.injectFault({ endpoint: 'createTask', kind: 'http502', times: Infinity });
		expect(
			(
				await call(`${fake.baseUrl}/api/v1/task`, {
					method: 'POST',
					json: segmentBody(`${receiver.url}/image.png`),
				})
			).status,
		).toBe(401);
		const badBody = await api('/api/v1/task', {
			method: 'POST',
			json: segmentBody(`${receiver.url}/image.png`, {}, { segment_factor: 0.5 }),
		});
		expect([badBody.status, badBody.json.message]).toEqual([
			400,
			'input.segment_factor must be an integer',
		]);
		expect((await createTask()).status).toBe(502);
		expect(fake.counters.creates).toBe(0);
	});

	it('faults the file host too', async () => {
		const taskId = (await createTask()).json.data.task_id;
		const done = await waitForStatus(taskId, 'completed');
		fake.injectFault({ endpoint: 'file', kind: 'http403', afterCalls: 1 });
		expect((await call(done.output.image_url)).status).toBe(200);
		expect((await call(done.output.image_url)).status).toBe(403);
		expect((await call(done.output.image_url)).status).toBe(200);
	});
});

describe('PiAPI fake: reply shapes seen in public clients', () => {
	it('sends the status words and success code it is told', async () => {
		fake.configure({
			statusWords: { pending: '', processing: 'in_progress', completed: 'SUCCESS' },
			successCode: 0,
		});
		const created = (await createTask()).json;
		expect([created.code, created.data.status]).toEqual([0, '']);
		const done = await waitForStatus(created.data.task_id, 'success');
		expect(done.status).toBe('SUCCESS');
	});

	it('gives one mask per thing in the prompt, each served and different, in every output shape', async () => {
		fake.configure({ masksPerPromptThing: true });
		const json = segmentBody(`${receiver.url}/image.png`, {}, { prompt: 'clothes, shoes,,bag' });
		const taskId = (await api('/api/v1/task', { method: 'POST', json })).json.data.task_id;
		await waitForStatus(taskId, 'completed');
		const urls = ['', '_2', '_3'].map((suffix) => `${fake.fileBaseUrl}/${taskId}${suffix}.png`);
		const temporary = urls.map((url) => `${url}?temporary=1`);
		const outputs = {
			image_url: { image_url: urls[0] },
			image_urls: { image_urls: urls },
			'image_url+image_urls': { image_url: urls[0], image_urls: urls },
			'image_url+null': { image_url: urls[0], image_urls: null },
			temporary_image_urls: { temporary_image_urls: temporary },
			'image_url+temporary': { image_url: urls[0], temporary_image_urls: temporary },
		} as const;
		for (const [outputShape, output] of Object.entries(outputs)) {
			fake.configure({ outputShape: outputShape as keyof typeof outputs });
			expect((await api(`/api/v1/task/${taskId}`)).json.data.output).toEqual(output);
		}
		const masks = await Promise.all(urls.map(async (url) => (await call(url)).bytes));
		expect(new Set(masks.map((mask) => mask.toString('hex'))).size).toBe(3);
		expect((await call(temporary[2])).bytes.equals(masks[2])).toBe(true);
		expect((await call(`${fake.fileBaseUrl}/${taskId}_4.png`)).status).toBe(404);
	});

	it('can send a task error as a plain string', async () => {
		fake.configure({ taskErrorShape: 'string', taskOutcome: () => 'failed' });
		const taskId = (await createTask()).json.data.task_id;
		expect((await api(`/api/v1/task/${taskId}`)).json.data.error).toBe('');
		expect((await waitForStatus(taskId, 'failed')).error).toBe('segmentation failed');
	});

	const upload = (json: unknown) =>
		call(`${fake.uploadBaseUrl}/api/ephemeral_resource`, { method: 'POST', headers: key, json });

	it('can put the upload URL at the top level', async () => {
		fake.configure({ uploadUrlAt: 'top' });
		const res = await upload({ file_name: 'a.png', file_data: photo.toString('base64') });
		expect(res.json).toEqual({ url: expect.stringContaining(`${fake.uploadBaseUrl}/ephemeral/`) });
	});

	it("refuses a file_name whose extension does not match the data URI's type or the bytes, unless told not to", async () => {
		const base64 = photo.toString('base64');
		const refused = [
			{ file_name: 'a.jpg', file_data: base64 },
			{ file_name: 'a.gif', file_data: base64 },
			{ file_name: 'a.png', file_data: `data:image/jpeg;base64,${base64}` },
			{ file_name: 'a.jpg', file_data: `data:image/jpeg;base64,${base64}` },
		];
		for (const body of refused) {
			const res = await upload(body);
			expect([res.status, res.json.message]).toEqual([400, expect.stringMatching(/file_/)]);
		}
		expect((await upload({ file_name: 'A.PNG', file_data: base64 })).status).toBe(200);
		fake.configure({ uploadChecksFileType: false });
		for (const body of refused) expect((await upload(body)).status).toBe(200);
	});

	it('with webhookProgressCalls, calls on creation and on progress before the end, with the secret', async () => {
		fake.configure({ webhookProgressCalls: true, taskLatencyMs: 300 });
		const json = segmentBody(`${receiver.url}/image.png`, {
			config: { webhook_config: { endpoint: `${receiver.url}/hook`, secret: 's3cret' } },
		});
		const taskId = (await api('/api/v1/task', { method: 'POST', json })).json.data.task_id;
		// The fake logs a delivery once its answer has come back, after the receiver has seen it.
		await eventually(() => receiver.received.length === 3 && fake.webhookLog.length === 3);
		expect(
			receiver.received.map((hook) => [
				hook.headers['x-webhook-secret'],
				hook.body.data.task_id,
				hook.body.data.status,
			]),
		).toEqual([
			['s3cret', taskId, 'pending'],
			['s3cret', taskId, 'processing'],
			['s3cret', taskId, 'completed'],
		]);
		expect(fake.webhookLog.map((delivery) => delivery.taskStatus)).toEqual([
			'pending',
			'processing',
			'completed',
		]);
	});
});
