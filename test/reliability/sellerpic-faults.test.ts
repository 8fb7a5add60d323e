/*
 * SellerPic under faults, through n8n's engine against the fake SellerPic: each fault either
 * recovers by retry or becomes a clean per-item error with SellerPic's code and message; every
 * item comes out; no task is created twice (the fake counts creates and create calls).
 * Every run also checks that the API key (sk-SECRET-...) shows in no item, error or log line and
 * that no file host got it (see support.ts). An unhandled rejection fails the test it happens
 * in (jest-circus listens for them).
 */
// Before anything loads n8n's logger: log everything, so the key check reads n8n's log lines too.
process.env.N8N_LOG_LEVEL = 'debug';

import type { FaultSpec } from '../fake';
import { testCredential } from '../harness/credential-test';
import { productPhotoFile } from '../support/images';
import {
	itemError,
	items,
	NODE_UNDER_TEST,
	nodeError,
	proxyOpeningLater,
	refusingUrl,
	runVendorNode,
	segment,
	useVendors,
} from './support';

const vendors = useVendors();
const fake = () => vendors.sellerPic;
const run = async (parameters: Record<string, unknown> = {}, options: Parameters<typeof segment>[3] = {}) =>
	await segment(vendors, 'sellerpic', parameters, { continueOnFail: true, ...options });

afterEach(() => jest.restoreAllMocks());

/** Times (ms) between consecutive calls of one endpoint. */
function gaps(endpoint: string) {
	const times = fake()
		.requests.filter((request) => request.endpoint === endpoint)
		.map((request) => request.at);
	return times.slice(1).map((at, index) => at - times[index]);
}

describe('SellerPic: faults that retries recover from', () => {
	const binary = async () => ({ imageSource: 'binary', items: [{ files: { data: { path: (await productPhotoFile('retry.png', 96, 64)).path } } }] });

	it.each<[string, FaultSpec[], { binary?: boolean; createCalls?: number }]>([
		['HTTP 500 on the status check', [{ endpoint: 'taskStatus', kind: 'http500' }], {}],
		['HTTP 502 on the status check', [{ endpoint: 'taskStatus', kind: 'http502' }], {}],
		['a connection reset on the status check', [{ endpoint: 'taskStatus', kind: 'reset' }], {}],
		['a status reply slower than the request timeout', [{ endpoint: 'taskStatus', kind: 'slow', delayMs: 1_600 }], {}],
		['malformed JSON from the status check', [{ endpoint: 'taskStatus', kind: 'malformed' }], {}],
		['a connection reset on the download URL', [{ endpoint: 'downloadUrl', kind: 'reset' }], {}],
		['a connection reset by the file host', [{ endpoint: 'storageGet', kind: 'reset' }], {}],
		['HTTP 429 on the upload', [{ endpoint: 'upload', kind: 'http429', retryAfterSeconds: 0 }], { binary: true }],
		['a connection reset on the upload', [{ endpoint: 'upload', kind: 'reset' }], { binary: true }],
		['HTTP 429 on the create (nothing created)', [{ endpoint: 'promptSegmentation', kind: 'http429', retryAfterSeconds: 0 }], { createCalls: 2 }],
		[
			'the concurrency cap (30003) on the create (nothing created)',
			[{ endpoint: 'promptSegmentation', kind: 'envelopeError', code: 30003, msg: 'concurrency limit reached' }],
			{ createCalls: 2 },
		],
	])('%s', async (_name, faults, { binary: withBinary = false, createCalls = 1 }) => {
		for (const fault of faults) fake().injectFault(fault);
		const input = withBinary ? await binary() : undefined;
		const result = await run(input ? { imageSource: input.imageSource } : {}, { items: input?.items, continueOnFail: false });
		expect(result.status).toBe('success');
		const [item, ...rest] = result.output(NODE_UNDER_TEST);
		expect(rest).toHaveLength(0);
		expect(item.json).toMatchObject({ status: 'succeeded', done: true });
		expect(item.binary?.mask).toBeDefined();
		expect(fake().counters.creates).toBe(1);
		expect(fake().counters.calls.promptSegmentation).toBe(createCalls);
		if (withBinary) expect(fake().counters.uploads).toBe(1);
		expect(fake().counters.calls[faults[0].endpoint]).toBeGreaterThan(1);
	});

	it('HTTP 429 on the status check: waits at least as long as Retry-After says, then succeeds', async () => {
		fake().injectFault({ endpoint: 'taskStatus', kind: 'http429', retryAfterSeconds: 1 });
		const result = await run({}, { continueOnFail: false });
		expect(result.output(NODE_UNDER_TEST)[0].json).toMatchObject({ status: 'succeeded' });
		expect(gaps('taskStatus')[0]).toBeGreaterThanOrEqual(990);
		expect(fake().counters.creates).toBe(1);
	});

	it('refreshes a download link that has expired (HTTP 403 from the file host)', async () => {
		fake().injectFault({ endpoint: 'storageGet', kind: 'http403' });
		const result = await run();
		expect(result.output(NODE_UNDER_TEST)[0].binary?.mask).toBeDefined();
		expect(fake().counters.downloadUrls).toBe(2);
		expect(fake().counters.fileDownloads).toBe(1);
	});

	it('sends the create again when the connection was refused before it was sent', async () => {
		const proxy = await proxyOpeningLater(fake().baseUrl, 200);
		try {
			const result = await run({}, { credentials: { baseUrl: proxy.url }, continueOnFail: false });
			expect(result.output(NODE_UNDER_TEST)[0].json).toMatchObject({ status: 'succeeded' });
			// Refused attempts never reached SellerPic: one create arrived and one task exists.
			expect(fake().counters.calls.promptSegmentation).toBe(1);
			expect(fake().counters.creates).toBe(1);
		} finally {
			await proxy.close();
		}
	});

	it('backs off exponentially with jitter and stops after 4 tries of a status check', async () => {
		// 500 ms doubling, each wait jittered over its upper half: with the jitter at its middle, 375, 750, 1500 ms.
		const planned = [375, 750, 1_500];
		jest.spyOn(Math, 'random').mockReturnValue(0.5);
		fake().injectFault({ endpoint: 'taskStatus', kind: 'http500', times: Infinity });
		const result = await run();
		const error = itemError(result.output(NODE_UNDER_TEST)[0]);
		expect(error.message).toBe('SellerPic answered HTTP 500: injected HTTP 500 [item 0]');
		expect(error).toMatchObject({ httpStatus: 500, code: '500', taskId: expect.stringMatching(/^\d+$/) });
		expect(error.description).toContain(`Task id: ${error.taskId}.`);
		expect(fake().counters.calls.taskStatus).toBe(4);
		const waits = gaps('taskStatus');
		// Measured on the fake's clock against the waits the node drew (the test draws its jitter: 0.5 of the upper half).
		expect(waits.map((wait, index) => wait >= planned[index] - 2)).toEqual([true, true, true]);
	});

	it('gives up at once when Retry-After asks for more than a minute', async () => {
		fake().injectFault({ endpoint: 'taskStatus', kind: 'http429', retryAfterSeconds: 120 });
		const started = Date.now();
		const error = itemError((await run()).output(NODE_UNDER_TEST)[0]);
		expect(Date.now() - started).toBeLessThan(5_000);
		expect(error).toMatchObject({ httpStatus: 429 });
		expect(error.description).toMatch(/^SellerPic asked to wait 120 s before trying again: run the item again after that\./);
		expect(fake().counters.calls.taskStatus).toBe(1);
	});
});

describe('SellerPic: faults that become a clean per-item error', () => {
	it.each<[string, FaultSpec, { message: string | RegExp; code?: string; hint: RegExp; creates: number; mayExist?: boolean }]>([
		[
			'HTTP 401 on the create',
			{ endpoint: 'promptSegmentation', kind: 'http401', msg: 'invalid api key' },
			{ message: 'SellerPic refused the request (HTTP 401): invalid api key [item 0]', code: '401', hint: /Check the API key/, creates: 0 },
		],
		[
			'HTTP 403 on the create',
			{ endpoint: 'promptSegmentation', kind: 'http403', msg: 'key disabled' },
			{ message: 'SellerPic refused the request (HTTP 403): key disabled [item 0]', code: '403', hint: /Check the API key/, creates: 0 },
		],
		[
			'HTTP 404 on the create',
			{ endpoint: 'promptSegmentation', kind: 'http404' },
			{ message: 'SellerPic answered HTTP 404: injected HTTP 404 [item 0]', code: '404', hint: /check the base URL/, creates: 0 },
		],
		[
			'HTTP 200 with an error envelope on the create',
			{ endpoint: 'promptSegmentation', kind: 'envelopeError', code: 40001, msg: 'prompt is not supported' },
			{ message: 'SellerPic error 40001: prompt is not supported [item 0]', code: '40001', hint: /^Trace id/, creates: 0 },
		],
		[
			'HTTP 500 on the create (not repeated: SellerPic may have made the task)',
			{ endpoint: 'promptSegmentation', kind: 'http500', msg: 'internal error' },
			{ message: 'SellerPic answered HTTP 500: internal error [item 0]', code: '500', hint: /may have created the task/, creates: 0, mayExist: true },
		],
		[
			'HTTP 502 on the create',
			{ endpoint: 'promptSegmentation', kind: 'http502' },
			{ message: 'SellerPic answered HTTP 502: injected HTTP 502 [item 0]', code: '502', hint: /may have created the task/, creates: 0, mayExist: true },
		],
		[
			'a connection reset on the create',
			{ endpoint: 'promptSegmentation', kind: 'reset' },
			{
				message: 'Could not reach SellerPic: the connection was closed before the answer came (ECONNRESET) [item 0]',
				code: 'ECONNRESET',
				hint: /may have created the task/,
				creates: 0,
				mayExist: true,
			},
		],
		[
			'malformed JSON from the create',
			{ endpoint: 'promptSegmentation', kind: 'malformed' },
			{ message: 'SellerPic sent a reply that is not valid JSON [item 0]', code: 'MALFORMED_REPLY', hint: /may have created the task/, creates: 0, mayExist: true },
		],
		[
			'HTTP 401 on the status check',
			{ endpoint: 'taskStatus', kind: 'http401' },
			{ message: 'SellerPic refused the request (HTTP 401): injected HTTP 401 [item 0]', code: '401', hint: /Check the API key/, creates: 1 },
		],
		[
			'HTTP 404 on the status check',
			{ endpoint: 'taskStatus', kind: 'http404', msg: 'task not found' },
			{ message: 'SellerPic answered HTTP 404: task not found [item 0]', code: '404', hint: /SellerPic does not know it/, creates: 1 },
		],
		[
			'HTTP 200 with an error envelope on the status check',
			{ endpoint: 'taskStatus', kind: 'envelopeError', code: 40006, msg: 'task not found' },
			{ message: 'SellerPic error 40006: task not found [item 0]', code: '40006', hint: /Task id: \d+\./, creates: 1 },
		],
	])('%s', async (_name, fault, expected) => {
		fake().injectFault(fault);
		const result = await run();
		expect(result.status).toBe('success');
		const output = result.output(NODE_UNDER_TEST);
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		const error = itemError(output[0]);
		expect(error.message).toEqual(expected.message);
		expect(error.code).toBe(expected.code);
		expect(error.vendor).toBe('SellerPic');
		expect(error.description).toMatch(expected.hint);
		expect(Boolean(error.taskMayExist)).toBe(expected.mayExist ?? false);
		// The create is never sent twice after these faults.
		expect(fake().counters.calls.promptSegmentation).toBe(1);
		expect(fake().counters.creates).toBe(expected.creates);
	});

	it('does not send the create again after a timeout (SellerPic may have made the task)', async () => {
		fake().injectFault({ endpoint: 'promptSegmentation', kind: 'slow', delayMs: 1_300 });
		const error = itemError((await run()).output(NODE_UNDER_TEST)[0]);
		expect(error.message).toBe('SellerPic did not answer within 1 s [item 0]');
		expect(error).toMatchObject({ code: 'ECONNABORTED', taskMayExist: true });
		expect(error.description).toMatch(/may have created the task.*raise Request Timeout in the credential/);
		expect(fake().counters.calls.promptSegmentation).toBe(1);
		expect(fake().counters.creates).toBeLessThanOrEqual(1);
	});

	it('reports a FAILED task with its code and message', async () => {
		fake().configure({ taskOutcome: () => 'failed' });
		const error = itemError((await run()).output(NODE_UNDER_TEST)[0]);
		expect(error.message).toMatch(/^SellerPic could not segment the image \(task \d+\): segmentation failed: no object matched the prompt \[item 0\]$/);
		expect(error.code).toBe('50001');
		expect(fake().counters.creates).toBe(1);
	});

	it('stops at Max Wait on a task that never finishes, with its task id', async () => {
		fake().configure({ taskOutcome: () => 'never' });
		const error = itemError((await run({ maxWait: 1 })).output(NODE_UNDER_TEST)[0]);
		const [taskId] = [...fake().tasks.keys()];
		expect(error.message).toBe(`SellerPic task ${taskId} was not done after 1 s (status: running) [item 0]`);
		expect(error.code).toBe('MAX_WAIT_EXCEEDED');
		expect(error.description).toContain(`Check Segmentation Task (task id ${taskId})`);
	});

	it('gives up waiting for a free slot (30003) at Max Wait, having created nothing', async () => {
		fake().injectFault({
			endpoint: 'promptSegmentation',
			kind: 'envelopeError',
			code: 30003,
			msg: 'The number of running tasks has reached the concurrency limit (5) of your account',
			times: Infinity,
		});
		const error = itemError((await run({ maxWait: 1 })).output(NODE_UNDER_TEST)[0]);
		expect(error.message).toBe('SellerPic error 30003: The number of running tasks has reached the concurrency limit (5) of your account [item 0]');
		expect(error.code).toBe('30003');
		expect(error.description).toMatch(/lower Max Concurrent Tasks.*Gave up after waiting \d+(\.\d)? s/);
		expect(fake().counters.calls.promptSegmentation).toBeGreaterThan(1);
		expect(fake().counters.creates).toBe(0);
	});

	it('fails fast when nothing listens at the base URL', async () => {
		const started = Date.now();
		const error = itemError((await run({}, { credentials: { baseUrl: await refusingUrl() } })).output(NODE_UNDER_TEST)[0]);
		expect(error.message).toBe('Could not reach SellerPic: the connection was refused (ECONNREFUSED) [item 0]');
		expect(error.description).toMatch(/Check the base URL in the credential/);
		expect(Date.now() - started).toBeLessThan(5_000);
	});

	it('without Continue On Fail, stops with a NodeApiError that names the item and carries the code', async () => {
		fake().injectFault({ endpoint: 'promptSegmentation', kind: 'envelopeError', code: 40001, msg: 'prompt is not supported' });
		const result = await run({}, { continueOnFail: false });
		expect(result.status).toBe('error');
		expect(nodeError(result)).toMatchObject({
			name: 'NodeApiError',
			message: 'SellerPic error 40001: prompt is not supported [item 0]',
			vendorCode: '40001',
			itemIndex: 0,
		});
	});
});

describe('SellerPic: faults in the middle of a 50-item batch', () => {
	it('retries status checks that fail mid-batch: 50 items in, 50 masks out, 50 tasks', async () => {
		fake().injectFault({ endpoint: 'taskStatus', kind: 'http500', afterCalls: 20, times: 3 });
		const result = await run({}, { items: items(50), continueOnFail: false });
		const output = result.output(NODE_UNDER_TEST);
		expect(output).toHaveLength(50);
		expect(output.map((item) => item.pairedItem)).toEqual(items(50).map((_, item) => ({ item })));
		expect(output.every((item) => item.json.status === 'succeeded' && item.binary?.mask)).toBe(true);
		expect(fake().counters.creates).toBe(50);
		expect(fake().counters.calls.promptSegmentation).toBe(50);
		expect(new Set(output.map((item) => item.json.taskId)).size).toBe(50);
	});

	it('with Continue On Fail, gives the 3 items whose create failed their error and finishes the other 47', async () => {
		fake().injectFault({ endpoint: 'promptSegmentation', kind: 'http500', afterCalls: 20, times: 3 });
		const result = await run({}, { items: items(50) });
		const output = result.output(NODE_UNDER_TEST);
		expect(output).toHaveLength(50);
		expect(output.map((item) => item.pairedItem)).toEqual(items(50).map((_, item) => ({ item })));
		const failed = output.filter((item) => item.json.error);
		expect(failed).toHaveLength(3);
		for (const item of failed) {
			const { item: index } = item.pairedItem as { item: number };
			expect(itemError(item)).toMatchObject({ message: `SellerPic answered HTTP 500: injected HTTP 500 [item ${index}]`, taskMayExist: true });
		}
		expect(output.filter((item) => item.json.status === 'succeeded')).toHaveLength(47);
		expect(fake().counters.calls.promptSegmentation).toBe(50);
		expect(fake().counters.creates).toBe(47);
	});

	it('without Continue On Fail, stops naming the failed item, creating no task twice', async () => {
		fake().injectFault({ endpoint: 'promptSegmentation', kind: 'reset', afterCalls: 20, times: 3 });
		const result = await run({}, { items: items(50), continueOnFail: false });
		expect(result.status).toBe('error');
		const error = nodeError(result);
		expect(error.message).toMatch(/^Could not reach SellerPic: the connection was closed before the answer came \(ECONNRESET\) \[item (\d+)\]$/);
		expect(error.itemIndex).toBeGreaterThanOrEqual(20);
		// Every create call but the reset ones made exactly one task.
		const { calls, creates } = fake().counters;
		expect(calls.promptSegmentation - creates).toBeGreaterThanOrEqual(1);
		expect(calls.promptSegmentation - creates).toBeLessThanOrEqual(3);
	});

	it('waits out the concurrency cap (30003) when Max Concurrent Tasks is above it: 50 out, 50 tasks', async () => {
		fake().configure({ taskLatencyMs: 100 });
		const result = await run({ options: { maxConcurrentTasks: 8 } }, { items: items(50), continueOnFail: false });
		const output = result.output(NODE_UNDER_TEST);
		expect(output).toHaveLength(50);
		expect(output.every((item) => item.json.status === 'succeeded')).toBe(true);
		expect(fake().counters.creates).toBe(50);
		expect(fake().counters.calls.promptSegmentation).toBeGreaterThan(50);
		expect(fake().counters.peakInFlight).toBeLessThanOrEqual(5);
	});
});

describe('SellerPic: the other nodes and the credential', () => {
	it('Check Segmentation Task retries a status check that failed with HTTP 502', async () => {
		const first = (await run({ waitForCompletion: false }, { continueOnFail: false })).output(NODE_UNDER_TEST)[0];
		fake().injectFault({ endpoint: 'taskStatus', kind: 'http502' });
		const result = await runVendorNode(vendors, 'sellerpic', 'checkSegmentationTask', { taskId: first.json.taskId });
		expect(result.output(NODE_UNDER_TEST)[0].json).toMatchObject({ taskId: first.json.taskId });
		expect(fake().counters.calls.taskStatus).toBe(2);
	});

	it('Get Segmentation Download URL retries a reset download URL request and file download', async () => {
		const first = (await run({}, { continueOnFail: false })).output(NODE_UNDER_TEST)[0];
		fake().injectFault({ endpoint: 'downloadUrl', kind: 'reset' });
		fake().injectFault({ endpoint: 'storageGet', kind: 'reset' });
		const result = await runVendorNode(vendors, 'sellerpic', 'getSegmentationDownloadUrl', {
			idType: 'resultId',
			id: (first.json.resultIds as string[])[0],
			download: true,
		});
		expect(result.output(NODE_UNDER_TEST)[0].binary?.mask).toBeDefined();
	});

	it('the credential test is not retried by n8n: an HTTP 500 fails it, the next click passes', async () => {
		const data = { apiKey: vendors.keys.sellerpic, baseUrl: fake().baseUrl };
		fake().injectFault({ endpoint: 'usage', kind: 'http500' });
		const failed = await testCredential('sellerPicApi', data);
		expect(failed.status).toBe('Error');
		expect(failed.message).not.toContain(vendors.keys.sellerpic);
		expect(await testCredential('sellerPicApi', data)).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(fake().counters.calls.usage).toBe(2);
	});
});
