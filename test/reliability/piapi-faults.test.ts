/*
 * PiAPI under faults, through n8n's engine against the fake PiAPI: each fault either recovers
 * by retry or becomes a clean per-item error with PiAPI's code and message; every item comes
 * out; no task is created twice (the fake counts creates and create calls).
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
	runVendorNode,
	segment,
	useVendors,
} from './support';

const vendors = useVendors();
const fake = () => vendors.piApi;
const run = async (parameters: Record<string, unknown> = {}, options: Parameters<typeof segment>[3] = {}) =>
	await segment(vendors, 'piapi', parameters, { continueOnFail: true, ...options });

afterEach(() => jest.restoreAllMocks());

function gaps(endpoint: string) {
	const times = fake()
		.requests.filter((request) => request.endpoint === endpoint)
		.map((request) => request.at);
	return times.slice(1).map((at, index) => at - times[index]);
}

describe('PiAPI: faults that retries recover from', () => {
	it.each<[string, FaultSpec, { binary?: boolean; createCalls?: number }]>([
		['HTTP 500 on the task check', { endpoint: 'getTask', kind: 'http500' }, {}],
		['HTTP 502 on the task check', { endpoint: 'getTask', kind: 'http502' }, {}],
		['a connection reset on the task check', { endpoint: 'getTask', kind: 'reset' }, {}],
		['a task check slower than the request timeout', { endpoint: 'getTask', kind: 'slow', delayMs: 1_600 }, {}],
		['malformed JSON from the task check', { endpoint: 'getTask', kind: 'malformed' }, {}],
		['code 500 in an HTTP 200 reply to the task check', { endpoint: 'getTask', kind: 'envelopeError', code: 500, msg: 'internal error' }, {}],
		['a connection reset by the file host', { endpoint: 'file', kind: 'reset' }, {}],
		['HTTP 429 on the file upload', { endpoint: 'upload', kind: 'http429', retryAfterSeconds: 0 }, { binary: true }],
		['a connection reset on the file upload', { endpoint: 'upload', kind: 'reset' }, { binary: true }],
		['HTTP 429 on the create (nothing created)', { endpoint: 'createTask', kind: 'http429', retryAfterSeconds: 0 }, { createCalls: 2 }],
	])('%s', async (_name, fault, { binary = false, createCalls = 1 }) => {
		fake().injectFault(fault);
		const photo = binary ? await productPhotoFile('retry.png', 96, 64) : undefined;
		const result = await run(photo ? { imageSource: 'binary' } : {}, {
			items: photo ? [{ files: { data: { path: photo.path } } }] : undefined,
			continueOnFail: false,
		});
		expect(result.status).toBe('success');
		const [item, ...rest] = result.output(NODE_UNDER_TEST);
		expect(rest).toHaveLength(0);
		expect(item.json).toMatchObject({ status: 'succeeded', done: true });
		expect(item.binary?.mask).toBeDefined();
		expect(fake().counters.creates).toBe(1);
		expect(fake().counters.calls.createTask).toBe(createCalls);
		if (binary) expect(fake().counters.uploads).toBe(1);
		expect(fake().counters.calls[fault.endpoint]).toBeGreaterThan(1);
	});

	it('HTTP 429 on the task check: waits at least as long as Retry-After says, then succeeds', async () => {
		fake().injectFault({ endpoint: 'getTask', kind: 'http429', retryAfterSeconds: 1 });
		const result = await run({}, { continueOnFail: false });
		expect(result.output(NODE_UNDER_TEST)[0].json).toMatchObject({ status: 'succeeded' });
		expect(gaps('getTask')[0]).toBeGreaterThanOrEqual(990);
		expect(fake().counters.creates).toBe(1);
	});

	it('sends the create again when the connection was refused before it was sent', async () => {
		const proxy = await proxyOpeningLater(fake().baseUrl, 200);
		try {
			const result = await run({}, { credentials: { baseUrl: proxy.url }, continueOnFail: false });
			expect(result.output(NODE_UNDER_TEST)[0].json).toMatchObject({ status: 'succeeded' });
			expect(fake().counters.calls.createTask).toBe(1);
			expect(fake().counters.creates).toBe(1);
		} finally {
			await proxy.close();
		}
	});

	it('backs off exponentially with jitter and stops after 4 tries of a task check', async () => {
		// 500 ms doubling, each wait jittered over its upper half: with the jitter at its middle, 375, 750, 1500 ms.
		const planned = [375, 750, 1_500];
		jest.spyOn(Math, 'random').mockReturnValue(0.5);
		fake().injectFault({ endpoint: 'getTask', kind: 'http502', times: Infinity });
		const error = itemError((await run()).output(NODE_UNDER_TEST)[0]);
		const [taskId] = [...fake().tasks.keys()];
		expect(error.message).toBe('PiAPI answered HTTP 502: injected HTTP 502 [item 0]');
		expect(error).toMatchObject({ httpStatus: 502, code: '502', taskId });
		expect(error.description).toContain(`Task id: ${taskId}.`);
		expect(fake().counters.calls.getTask).toBe(4);
		const waits = gaps('getTask');
		// Measured on the fake's clock against the waits the node drew (the test draws its jitter: 0.5 of the upper half).
		expect(waits.map((wait, index) => wait >= planned[index] - 2)).toEqual([true, true, true]);
	});
});

describe('PiAPI: faults that become a clean per-item error', () => {
	it.each<[string, FaultSpec, { message: string; code?: string; hint: RegExp; creates: number; mayExist?: boolean }]>([
		[
			'HTTP 401 on the create',
			{ endpoint: 'createTask', kind: 'http401', msg: 'Invalid API key' },
			{ message: 'PiAPI refused the API key (HTTP 401): Invalid API key [item 0]', code: '401', hint: /Check the API key/, creates: 0 },
		],
		[
			'HTTP 403 on the create',
			{ endpoint: 'createTask', kind: 'http403', msg: 'forbidden' },
			{ message: 'PiAPI answered HTTP 403: forbidden [item 0]', code: '403', hint: /Check the API key .* plan/, creates: 0 },
		],
		[
			'HTTP 404 on the create',
			{ endpoint: 'createTask', kind: 'http404' },
			{ message: 'PiAPI answered HTTP 404: injected HTTP 404 [item 0]', code: '404', hint: /check the base URLs/, creates: 0 },
		],
		[
			'an error code in an HTTP 200 reply to the create',
			{ endpoint: 'createTask', kind: 'envelopeError', code: 400, msg: 'input.prompt is invalid' },
			{ message: 'PiAPI error 400: input.prompt is invalid [item 0]', code: '400', hint: /^$/, creates: 0 },
		],
		[
			'code 500 in an HTTP 200 reply to the create',
			{ endpoint: 'createTask', kind: 'envelopeError', code: 500, msg: 'internal error' },
			{ message: 'PiAPI error 500: internal error [item 0]', code: '500', hint: /may have created the task/, creates: 0, mayExist: true },
		],
		[
			'HTTP 500 on the create (not repeated: PiAPI may have made the task)',
			{ endpoint: 'createTask', kind: 'http500', msg: 'internal error' },
			{ message: 'PiAPI answered HTTP 500: internal error [item 0]', code: '500', hint: /may have created the task/, creates: 0, mayExist: true },
		],
		[
			'HTTP 502 on the create',
			{ endpoint: 'createTask', kind: 'http502' },
			{ message: 'PiAPI answered HTTP 502: injected HTTP 502 [item 0]', code: '502', hint: /may have created the task/, creates: 0, mayExist: true },
		],
		[
			'a connection reset on the create',
			{ endpoint: 'createTask', kind: 'reset' },
			{
				message: 'Could not reach PiAPI: the connection was closed before the answer came (ECONNRESET) [item 0]',
				code: 'ECONNRESET',
				hint: /may have created the task/,
				creates: 0,
				mayExist: true,
			},
		],
		[
			'malformed JSON from the create',
			{ endpoint: 'createTask', kind: 'malformed' },
			{ message: 'PiAPI sent a reply that is not valid JSON [item 0]', code: 'MALFORMED_REPLY', hint: /may have created the task/, creates: 0, mayExist: true },
		],
		[
			'HTTP 401 on the task check',
			{ endpoint: 'getTask', kind: 'http401' },
			{ message: 'PiAPI refused the API key (HTTP 401): injected HTTP 401 [item 0]', code: '401', hint: /Check the API key/, creates: 1 },
		],
		[
			'HTTP 404 on the task check',
			{ endpoint: 'getTask', kind: 'http404', msg: 'task not found' },
			{ message: 'PiAPI answered HTTP 404: task not found [item 0]', code: '404', hint: /PiAPI does not know it/, creates: 1 },
		],
		[
			'an error code in an HTTP 200 reply to the task check',
			{ endpoint: 'getTask', kind: 'envelopeError', code: 400, msg: 'invalid task id' },
			{ message: 'PiAPI error 400: invalid task id [item 0]', code: '400', hint: /Task id: [0-9a-f-]{36}\./, creates: 1 },
		],
		[
			'an expired result link (HTTP 403 from the file host)',
			{ endpoint: 'file', kind: 'http403' },
			{ message: "PiAPI's result link has expired (HTTP 403) [item 0]", hint: /PiAPI keeps tasks and results about 3 days/, creates: 1 },
		],
		[
			'a result file the host does not have (HTTP 404)',
			{ endpoint: 'file', kind: 'http404' },
			{ message: 'Could not download the result file from PiAPI (HTTP 404) [item 0]', hint: /does not have this file/, creates: 1 },
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
		expect(error.vendor).toBe('PiAPI');
		expect(error.description).toMatch(expected.hint);
		expect(Boolean(error.taskMayExist)).toBe(expected.mayExist ?? false);
		expect(fake().counters.calls.createTask).toBe(1);
		expect(fake().counters.creates).toBe(expected.creates);
	});

	it('does not send the create again after a timeout (PiAPI may have made the task)', async () => {
		fake().injectFault({ endpoint: 'createTask', kind: 'slow', delayMs: 1_300 });
		const error = itemError((await run()).output(NODE_UNDER_TEST)[0]);
		expect(error.message).toBe('PiAPI did not answer within 1 s [item 0]');
		expect(error).toMatchObject({ code: 'ECONNABORTED', taskMayExist: true });
		expect(error.description).toMatch(/task list in your PiAPI workspace.*raise Request Timeout in the credential/);
		expect(fake().counters.calls.createTask).toBe(1);
	});

	it('reports a failed task with its code and message', async () => {
		fake().configure({ taskOutcome: () => 'failed' });
		const error = itemError((await run()).output(NODE_UNDER_TEST)[0]);
		expect(error.message).toMatch(/^PiAPI could not segment the image \(task [0-9a-f-]{36}\): segmentation failed \[item 0\]$/);
		expect(error.code).toBe('10000');
		expect(fake().counters.creates).toBe(1);
	});

	it('stops at Max Wait on a task that never finishes, with its task id', async () => {
		fake().configure({ taskOutcome: () => 'never' });
		const error = itemError((await run({ maxWait: 1 })).output(NODE_UNDER_TEST)[0]);
		const [taskId] = [...fake().tasks.keys()];
		expect(error.message).toBe(`PiAPI task ${taskId} was not done after 1 s (status: running) [item 0]`);
		expect(error.code).toBe('MAX_WAIT_EXCEEDED');
		expect(error.description).toContain(`Check Segmentation Task (task id ${taskId})`);
	});

	it('gives up waiting for capacity (HTTP 429) at Max Wait, having created nothing', async () => {
		fake().injectFault({ endpoint: 'createTask', kind: 'http429', retryAfterSeconds: 0, msg: 'concurrency limit of 1 tasks reached for your plan', times: Infinity });
		const error = itemError((await run({ maxWait: 1 })).output(NODE_UNDER_TEST)[0]);
		expect(error.message).toBe('PiAPI answered HTTP 429: concurrency limit of 1 tasks reached for your plan [item 0]');
		expect(error.code).toBe('429');
		expect(error.description).toMatch(/Gave up after waiting \d+(\.\d)? s/);
		expect(fake().counters.calls.createTask).toBeGreaterThan(1);
		expect(fake().counters.creates).toBe(0);
	});

	it('without Continue On Fail, stops with a NodeApiError that names the item and carries the code', async () => {
		fake().injectFault({ endpoint: 'createTask', kind: 'http403', msg: 'forbidden' });
		const result = await run({}, { continueOnFail: false });
		expect(result.status).toBe('error');
		expect(nodeError(result)).toMatchObject({ name: 'NodeApiError', message: 'PiAPI answered HTTP 403: forbidden [item 0]', vendorCode: '403', itemIndex: 0 });
	});
});

describe('PiAPI: faults in the middle of a 50-item batch', () => {
	it('retries task checks that fail mid-batch: 50 items in, 50 masks out, 50 tasks', async () => {
		fake().injectFault({ endpoint: 'getTask', kind: 'http502', afterCalls: 20, times: 3 });
		const output = (await run({}, { items: items(50), continueOnFail: false })).output(NODE_UNDER_TEST);
		expect(output).toHaveLength(50);
		expect(output.map((item) => item.pairedItem)).toEqual(items(50).map((_, item) => ({ item })));
		expect(output.every((item) => item.json.status === 'succeeded' && item.binary?.mask)).toBe(true);
		expect(fake().counters.creates).toBe(50);
		expect(fake().counters.calls.createTask).toBe(50);
	});

	it('with Continue On Fail, gives the 3 items whose create was reset their error and finishes the other 47', async () => {
		fake().injectFault({ endpoint: 'createTask', kind: 'reset', afterCalls: 20, times: 3 });
		const output = (await run({}, { items: items(50) })).output(NODE_UNDER_TEST);
		expect(output).toHaveLength(50);
		expect(output.map((item) => item.pairedItem)).toEqual(items(50).map((_, item) => ({ item })));
		const failed = output.filter((item) => item.json.error);
		expect(failed).toHaveLength(3);
		for (const item of failed) expect(itemError(item)).toMatchObject({ code: 'ECONNRESET', taskMayExist: true });
		expect(output.filter((item) => item.json.status === 'succeeded')).toHaveLength(47);
		expect(fake().counters.calls.createTask).toBe(50);
		expect(fake().counters.creates).toBe(47);
	});

	it('without Continue On Fail, stops naming the failed item, creating no task twice', async () => {
		fake().injectFault({ endpoint: 'createTask', kind: 'http500', afterCalls: 20, times: 3 });
		const result = await run({}, { items: items(50), continueOnFail: false });
		expect(result.status).toBe('error');
		const error = nodeError(result);
		expect(error.message).toMatch(/^PiAPI answered HTTP 500: injected HTTP 500 \[item \d+\]$/);
		expect(error.itemIndex).toBeGreaterThanOrEqual(20);
		const { calls, creates } = fake().counters;
		expect(calls.createTask - creates).toBeGreaterThanOrEqual(1);
		expect(calls.createTask - creates).toBeLessThanOrEqual(3);
	});

	it('waits out the plan limit (HTTP 429 + Retry-After) when Max Concurrent Tasks is above it: 50 out, 50 tasks', async () => {
		fake().configure({ taskLatencyMs: 50, concurrencyCap: 3, retryAfterSeconds: 0 });
		const output = (await run({}, { items: items(50), continueOnFail: false })).output(NODE_UNDER_TEST);
		expect(output).toHaveLength(50);
		expect(output.every((item) => item.json.status === 'succeeded')).toBe(true);
		expect(fake().counters.creates).toBe(50);
		expect(fake().counters.calls.createTask).toBeGreaterThan(50);
		expect(fake().counters.peakInFlight).toBeLessThanOrEqual(3);
	});
});

describe('PiAPI: the other nodes and the credential', () => {
	it('Check Segmentation Task retries a task check that failed with HTTP 502', async () => {
		const first = (await run({ waitForCompletion: false }, { continueOnFail: false })).output(NODE_UNDER_TEST)[0];
		fake().injectFault({ endpoint: 'getTask', kind: 'http502' });
		const result = await runVendorNode(vendors, 'piapi', 'checkSegmentationTask', { taskId: first.json.taskId });
		expect(result.output(NODE_UNDER_TEST)[0].json).toMatchObject({ taskId: first.json.taskId });
		expect(fake().counters.calls.getTask).toBe(2);
	});

	it('Get Segmentation Download URL retries a task check and a file download that were reset', async () => {
		const first = (await run({}, { continueOnFail: false })).output(NODE_UNDER_TEST)[0];
		fake().injectFault({ endpoint: 'getTask', kind: 'reset' });
		fake().injectFault({ endpoint: 'file', kind: 'reset' });
		const result = await runVendorNode(vendors, 'piapi', 'getSegmentationDownloadUrl', { id: first.json.taskId, download: true });
		expect(result.output(NODE_UNDER_TEST)[0].binary?.mask).toBeDefined();
	});

	it('the credential test is not retried by n8n: an HTTP 500 fails it, the next click passes', async () => {
		const data = { apiKey: vendors.keys.piapi, baseUrl: fake().baseUrl };
		fake().injectFault({ endpoint: 'accountInfo', kind: 'http500' });
		const failed = await testCredential('piApiApi', data);
		expect(failed.status).toBe('Error');
		expect(failed.message).not.toContain(vendors.keys.piapi);
		expect(await testCredential('piApiApi', data)).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(fake().counters.calls.accountInfo).toBe(2);
	});
});
