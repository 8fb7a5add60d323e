/*
 * The fault table SellerPic and PiAPI share: the same fault on the same kind of endpoint (the
 * create, the status check, the file host, the upload), with the same expectation, run by
 * sellerpic-faults.test.ts and piapi-faults.test.ts for their vendor. Each vendor gives its fake,
 * its endpoint names and the words its errors use (FaultVendor); the rows only one vendor has
 * stay in that vendor's file, passed to the same runners.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { FaultSpec, PiApiFake, SellerPicFake } from '../fake';
import { testCredential } from '../harness/credential-test';
import { productPhotoFile } from '../support/images';
import {
	countRefusedConnections,
	itemError,
	items,
	NODE_UNDER_TEST,
	nodeError,
	proxyOpeningLater,
	refusingUrl,
	runVendorNode,
	segment,
	useVendors,
	type RunOptions,
	type Vendor,
	type Vendors,
} from './support';

/** What differs between the vendors where their fault tests mirror each other. */
export interface FaultVendor {
	vendor: Vendor;
	/** The vendor as the node's messages name it. */
	name: 'SellerPic' | 'PiAPI';
	fake(vendors: Vendors): SellerPicFake | PiApiFake;
	credentialType: 'sellerPicApi' | 'piApiApi';
	/** The fake's endpoint names: the create, the status check, the file host's result download, the upload, the credential test's call. */
	endpoints: {
		create: string;
		status: string;
		fileHost: string;
		upload: string;
		credentialTest: string;
	};
	/** What the test names call a status request ('status check', 'task check'). */
	statusCheck: string;
	/** A task id in a message (a RegExp source). */
	taskIdPattern: string;
	/** The vendor's words for: HTTP 401 and 403 on the create ('refused the request (HTTP 401)'), and the hint of HTTP 404 on the create. */
	refusals: { http401: string; http403: string; http403Hint: RegExp; http404Hint: RegExp };
	/** Its error code in an HTTP 200 reply: to the create (with the hint that goes with it) and to the status check. */
	envelopeErrors: {
		create: { code: number; msg: string; hint: RegExp };
		status: { code: number; msg: string };
	};
	/** The hint of a create that timed out. */
	timeoutHint: RegExp;
	/** Asks the account (at the base URL) once before the run's first create: PiAPI's GET /account/info. */
	asksAccountFirst?: boolean;
	/** A task the vendor failed: the reason in the message and the error code. */
	failedTask: { reason: string; code: string };
	/** The vendor saying it is at capacity on every create, until Max Wait. */
	capacity: {
		name: string;
		fault: Omit<FaultSpec, 'endpoint' | 'times'>;
		message: string;
		code: string;
		hint: RegExp;
	};
	/** The error without Continue On Fail: the create's fault, the message and the code. */
	stopsWith: { fault: Omit<FaultSpec, 'endpoint'>; message: string; vendorCode: string };
	/** The HTTP 5xx of the status check's backoff test and of the mid-batch status checks. */
	statusFault: 'http500' | 'http502';
	/** The create's fault mid-batch: with Continue On Fail (error items), and without it (the node stops). */
	batchCreateFaults: { continueOnFail: 'http500' | 'reset'; stop: 'http500' | 'reset' };
	/** The vendor's own limit on tasks at once, waited out mid-batch: set on the fake, the node's parameters, and the most in flight. */
	limit: {
		name: string;
		configure(vendors: Vendors): void;
		parameters: Record<string, unknown>;
		cap: number;
	};
	/** Get Segmentation Download URL after a finished run: what it retries, and its parameters for the run's item. */
	downloadRetry: {
		name: string;
		endpoints: string[];
		parameters(item: INodeExecutionData): Record<string, unknown>;
	};
}

export type FaultSuite = ReturnType<typeof faultSuite>;

/** The suite's fakes (see useVendors), the vendor's fake, and Segment runs with Continue On Fail unless told. */
export function faultSuite(v: FaultVendor) {
	const vendors = useVendors();
	afterEach(() => jest.restoreAllMocks());
	const fake = () => v.fake(vendors);
	const run = async (parameters: Record<string, unknown> = {}, options: RunOptions = {}) =>
		await segment(vendors, v.vendor, parameters, { continueOnFail: true, ...options });
	/** Times (ms, on the fake's clock) between consecutive calls of one endpoint. */
	const gaps = (endpoint: string) => {
		const times = fake()
			.requests.filter((request) => request.endpoint === endpoint)
			.map((request) => request.at);
		return times.slice(1).map((at, index) => at - times[index]);
	};
	const onlyTaskId = () => {
		const ids = [...fake().tasks.keys()];
		expect(ids).toHaveLength(1);
		return ids[0];
	};
	return { v, vendors, fake, run, gaps, onlyTaskId };
}

/** The message of a create that failed with `kind`, for item `index`, and its code. */
function createFailure(v: FaultVendor, kind: 'http500' | 'reset', index: number) {
	return kind === 'http500'
		? { message: `${v.name} answered HTTP 500: injected HTTP 500 [item ${index}]`, code: '500' }
		: {
				message: `Could not reach ${v.name}: the connection was closed before the answer came (ECONNRESET) [item ${index}]`,
				code: 'ECONNRESET',
			};
}

export type RecoveryRow = [
	name: string,
	faults: FaultSpec[],
	options: { binary?: boolean; createCalls?: number },
];

/** Faults a retry recovers from, on both vendors. */
export function recoveryRows(v: FaultVendor): RecoveryRow[] {
	const { create, status, fileHost, upload } = v.endpoints;
	return [
		[`HTTP 500 on the ${v.statusCheck}`, [{ endpoint: status, kind: 'http500' }], {}],
		[`HTTP 502 on the ${v.statusCheck}`, [{ endpoint: status, kind: 'http502' }], {}],
		[`a connection reset on the ${v.statusCheck}`, [{ endpoint: status, kind: 'reset' }], {}],
		[
			`a ${v.statusCheck} reply slower than the request timeout`,
			[{ endpoint: status, kind: 'slow', delayMs: 1_600 }],
			{},
		],
		[`malformed JSON from the ${v.statusCheck}`, [{ endpoint: status, kind: 'malformed' }], {}],
		['a connection reset by the file host', [{ endpoint: fileHost, kind: 'reset' }], {}],
		[
			'HTTP 429 on the upload',
			[{ endpoint: upload, kind: 'http429', retryAfterSeconds: 0 }],
			{ binary: true },
		],
		['a connection reset on the upload', [{ endpoint: upload, kind: 'reset' }], { binary: true }],
		[
			'HTTP 429 on the create (nothing created)',
			[{ endpoint: create, kind: 'http429', retryAfterSeconds: 0 }],
			{ createCalls: 2 },
		],
	];
}

/** Each row: the item succeeds with its mask, one task made (the create sent `createCalls` times), the faulty endpoint called again. */
export function itRecovers({ v, fake, run }: FaultSuite, rows: RecoveryRow[]) {
	it.each(rows)('%s', async (_name, faults, { binary = false, createCalls = 1 }) => {
		for (const fault of faults) fake().injectFault(fault);
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
		expect(fake().counters.calls[v.endpoints.create]).toBe(createCalls);
		if (binary) expect(fake().counters.uploads).toBe(1);
		expect(fake().counters.calls[faults[0].endpoint]).toBeGreaterThan(1);
	});
}

/** Retry-After, a connection refused before the create was sent, the status check's backoff. */
export function recoveryTests({ v, fake, run, gaps, onlyTaskId }: FaultSuite) {
	const { create, status } = v.endpoints;

	it(`HTTP 429 on the ${v.statusCheck}: waits at least as long as Retry-After says, then succeeds`, async () => {
		fake().injectFault({ endpoint: status, kind: 'http429', retryAfterSeconds: 1 });
		const result = await run({}, { continueOnFail: false });
		expect(result.output(NODE_UNDER_TEST)[0].json).toMatchObject({ status: 'succeeded' });
		expect(gaps(status)[0]).toBeGreaterThanOrEqual(990);
		expect(fake().counters.creates).toBe(1);
	});

	it('sends the create again when the connection was refused before it was sent', async () => {
		const proxy = await proxyOpeningLater(fake().baseUrl, 200);
		try {
			const result = await run({}, { credentials: { baseUrl: proxy.url }, continueOnFail: false });
			expect(result.output(NODE_UNDER_TEST)[0].json).toMatchObject({ status: 'succeeded' });
			// Refused attempts never reached the vendor: one create arrived and one task exists.
			expect(fake().counters.calls[create]).toBe(1);
			expect(fake().counters.creates).toBe(1);
		} finally {
			await proxy.close();
		}
	});

	it(`backs off exponentially with jitter and stops after 4 tries of a ${v.statusCheck}`, async () => {
		// 500 ms doubling, each wait jittered over its upper half: with the jitter at its middle, 375, 750, 1500 ms.
		const planned = [375, 750, 1_500];
		const httpStatus = Number(v.statusFault.slice(4));
		jest.spyOn(Math, 'random').mockReturnValue(0.5);
		// The node waits with setTimeout (through n8n's sleep): watched, to read the waits it drew.
		const timers = jest.spyOn(global, 'setTimeout');
		fake().injectFault({ endpoint: status, kind: v.statusFault, times: Infinity });
		const error = itemError((await run()).output(NODE_UNDER_TEST)[0]);
		const taskId = onlyTaskId();
		expect(error.message).toBe(
			`${v.name} answered HTTP ${httpStatus}: injected HTTP ${httpStatus} [item 0]`,
		);
		expect(error).toMatchObject({ httpStatus, code: String(httpStatus), taskId });
		expect(error.description).toContain(`Task id: ${taskId}.`);
		expect(fake().counters.calls[status]).toBe(4);
		// The waits the node drew, in order, among its other timers (request timeouts): each backoff
		// step once, doubling (constant or unbounded waits fail here).
		const drawn = timers.mock.calls.map(([, ms]) => ms ?? 0);
		expect(drawn.filter((ms) => planned.includes(ms))).toEqual(planned);
		// And kept: measured on the fake's clock, no check came sooner than its wait.
		expect(gaps(status).map((wait, index) => wait >= planned[index] - 2)).toEqual([
			true,
			true,
			true,
		]);
	});

	it('gives up at once when Retry-After asks for more than a minute', async () => {
		// The node waits with setTimeout (through n8n's sleep): watched, to see that no wait of Retry-After's length is set.
		const timers = jest.spyOn(global, 'setTimeout');
		fake().injectFault({ endpoint: status, kind: 'http429', retryAfterSeconds: 120 });
		const error = itemError((await run()).output(NODE_UNDER_TEST)[0]);
		expect(error).toMatchObject({ httpStatus: 429 });
		expect(error.description).toMatch(
			new RegExp(
				`^${v.name} asked to wait 120 s before trying again: run the item again after that\\.`,
			),
		);
		// Gave up on the answer to the one status check: no second check, nothing sent after it, no wait set for it.
		expect(fake().counters.calls[status]).toBe(1);
		expect(fake().requests.at(-1)?.endpoint).toBe(status);
		expect(timers.mock.calls.filter(([, ms]) => (ms ?? 0) >= 60_000)).toEqual([]);
	});
}

export type CleanErrorRow = [
	name: string,
	fault: FaultSpec,
	expected: { message: string; code?: string; hint: RegExp; creates: number; mayExist?: boolean },
];

/** Faults that become a clean per-item error, on both vendors. */
export function cleanErrorRows(v: FaultVendor): CleanErrorRow[] {
	const { create, status } = v.endpoints;
	const { http401, http403, http403Hint, http404Hint } = v.refusals;
	const envelope = v.envelopeErrors;
	const mayHaveCreated = { hint: /may have created the task/, creates: 0, mayExist: true };
	return [
		[
			'HTTP 401 on the create',
			{ endpoint: create, kind: 'http401', msg: 'Invalid API key' },
			{
				message: `${v.name} ${http401}: Invalid API key [item 0]`,
				code: '401',
				hint: /Check the API key/,
				creates: 0,
			},
		],
		[
			'HTTP 403 on the create',
			{ endpoint: create, kind: 'http403', msg: 'forbidden' },
			{
				message: `${v.name} ${http403}: forbidden [item 0]`,
				code: '403',
				hint: http403Hint,
				creates: 0,
			},
		],
		[
			'HTTP 404 on the create',
			{ endpoint: create, kind: 'http404' },
			{
				message: `${v.name} answered HTTP 404: injected HTTP 404 [item 0]`,
				code: '404',
				hint: http404Hint,
				creates: 0,
			},
		],
		[
			'an error code in an HTTP 200 reply to the create',
			{
				endpoint: create,
				kind: 'envelopeError',
				code: envelope.create.code,
				msg: envelope.create.msg,
			},
			{
				message: `${v.name} error ${envelope.create.code}: ${envelope.create.msg} [item 0]`,
				code: String(envelope.create.code),
				hint: envelope.create.hint,
				creates: 0,
			},
		],
		[
			`HTTP 500 on the create (not repeated: ${v.name} may have made the task)`,
			{ endpoint: create, kind: 'http500', msg: 'internal error' },
			{
				message: `${v.name} answered HTTP 500: internal error [item 0]`,
				code: '500',
				...mayHaveCreated,
			},
		],
		[
			'HTTP 502 on the create',
			{ endpoint: create, kind: 'http502' },
			{
				message: `${v.name} answered HTTP 502: injected HTTP 502 [item 0]`,
				code: '502',
				...mayHaveCreated,
			},
		],
		[
			'a connection reset on the create',
			{ endpoint: create, kind: 'reset' },
			{ ...createFailure(v, 'reset', 0), ...mayHaveCreated },
		],
		[
			'malformed JSON from the create',
			{ endpoint: create, kind: 'malformed' },
			{
				message: `${v.name} sent a reply that is not valid JSON [item 0]`,
				code: 'MALFORMED_REPLY',
				...mayHaveCreated,
			},
		],
		[
			`HTTP 401 on the ${v.statusCheck}`,
			{ endpoint: status, kind: 'http401' },
			{
				message: `${v.name} ${http401}: injected HTTP 401 [item 0]`,
				code: '401',
				hint: /Check the API key/,
				creates: 1,
			},
		],
		[
			`HTTP 404 on the ${v.statusCheck}`,
			{ endpoint: status, kind: 'http404', msg: 'task not found' },
			{
				message: `${v.name} answered HTTP 404: task not found [item 0]`,
				code: '404',
				hint: new RegExp(`${v.name} does not know it`),
				creates: 1,
			},
		],
		[
			`an error code in an HTTP 200 reply to the ${v.statusCheck}`,
			{
				endpoint: status,
				kind: 'envelopeError',
				code: envelope.status.code,
				msg: envelope.status.msg,
			},
			{
				message: `${v.name} error ${envelope.status.code}: ${envelope.status.msg} [item 0]`,
				code: String(envelope.status.code),
				hint: new RegExp(`Task id: ${v.taskIdPattern}\\.`),
				creates: 1,
			},
		],
	];
}

/** Each row: one error item for item 0 with the vendor, code, hint and whether the task may exist; the create sent once. */
export function itFailsCleanly({ v, fake, run }: FaultSuite, rows: CleanErrorRow[]) {
	it.each(rows)('%s', async (_name, fault, expected) => {
		fake().injectFault(fault);
		const result = await run();
		expect(result.status).toBe('success');
		const output = result.output(NODE_UNDER_TEST);
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		const error = itemError(output[0]);
		expect(error.message).toEqual(expected.message);
		expect(error.code).toBe(expected.code);
		expect(error.vendor).toBe(v.name);
		expect(error.description).toMatch(expected.hint);
		expect(Boolean(error.taskMayExist)).toBe(expected.mayExist ?? false);
		// The create is never sent twice after these faults.
		expect(fake().counters.calls[v.endpoints.create]).toBe(1);
		expect(fake().counters.creates).toBe(expected.creates);
	});
}

/** A create that timed out, a failed task, Max Wait, capacity until Max Wait, nothing listening, no Continue On Fail. */
export function cleanErrorTests({ v, fake, run, onlyTaskId }: FaultSuite) {
	const { create } = v.endpoints;

	it(`does not send the create again after a timeout (${v.name} may have made the task)`, async () => {
		fake().injectFault({ endpoint: create, kind: 'slow', delayMs: 1_300 });
		const error = itemError((await run()).output(NODE_UNDER_TEST)[0]);
		expect(error.message).toBe(`${v.name} did not answer within 1 s [item 0]`);
		expect(error).toMatchObject({ code: 'ECONNABORTED', taskMayExist: true });
		expect(error.description).toMatch(v.timeoutHint);
		expect(fake().counters.calls[create]).toBe(1);
		expect(fake().counters.creates).toBeLessThanOrEqual(1);
	});

	it('reports a failed task with its code and message', async () => {
		fake().configure({ taskOutcome: () => 'failed' });
		const error = itemError((await run()).output(NODE_UNDER_TEST)[0]);
		expect(error.message).toBe(
			`${v.name} could not segment the image (task ${onlyTaskId()}): ${v.failedTask.reason} [item 0]`,
		);
		expect(error.code).toBe(v.failedTask.code);
		expect(fake().counters.creates).toBe(1);
	});

	it('stops at Max Wait on a task that never finishes, with its task id', async () => {
		fake().configure({ taskOutcome: () => 'never' });
		const startedAt = Date.now();
		const error = itemError((await run({ maxWait: 1 })).output(NODE_UNDER_TEST)[0]);
		// Waited out to Max Wait (counted from the create), not given up at the last check before it.
		expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000);
		const taskId = onlyTaskId();
		expect(error.message).toBe(
			`${v.name} task ${taskId} was not done after 1 s (status: running) [item 0]`,
		);
		expect(error.code).toBe('MAX_WAIT_EXCEEDED');
		expect(error.description).toContain(`Check Segmentation Task (task id ${taskId})`);
	});

	it(`gives up waiting for ${v.capacity.name} at Max Wait (when no retry fits before it), having created nothing`, async () => {
		fake().injectFault({ endpoint: create, ...v.capacity.fault, times: Infinity });
		// 3 s: room for retries (about 1 s apart while the run has learned nothing, jittered from 0.5 to 1.5 s).
		const maxWaitMs = 3_000;
		const startedAt = Date.now();
		const error = itemError((await run({ maxWait: maxWaitMs / 1000 })).output(NODE_UNDER_TEST)[0]);
		const gaveUpAfter = Date.now() - startedAt;
		expect(error.message).toBe(v.capacity.message);
		expect(error.code).toBe(v.capacity.code);
		expect(error.description).toMatch(v.capacity.hint);
		expect(fake().counters.calls[create]).toBeGreaterThan(1);
		expect(fake().counters.creates).toBe(0);
		// Every try within Max Wait; the give-up no later than Max Wait and its last refusal, and
		// no sooner than the longest retry gap (1.5 s) before it: it tried for as long as a retry fitted.
		const tries = fake()
			.requests.filter((request) => request.endpoint === create)
			.map(({ at }) => at - startedAt);
		expect(tries.every((at) => at < maxWaitMs)).toBe(true);
		expect(gaveUpAfter).toBeGreaterThan(maxWaitMs - 1_500);
		expect(gaveUpAfter).toBeLessThan(maxWaitMs + 1_000);
	});

	it('fails fast when nothing listens at the base URL: 4 refused tries, not waited out to Max Wait', async () => {
		const baseUrl = await refusingUrl();
		const connections = countRefusedConnections(baseUrl);
		let error: ReturnType<typeof itemError>;
		try {
			error = itemError((await run({}, { credentials: { baseUrl } })).output(NODE_UNDER_TEST)[0]);
		} finally {
			connections.stop();
		}
		expect(error.message).toBe(
			`Could not reach ${v.name}: the connection was refused (ECONNREFUSED) [item 0]`,
		);
		expect(error.description).toMatch(/Check the base URL in the credential/);
		// Tried as often as a status check is (a request that never left is safe to send again), then
		// gave up with the refusal itself: not after waiting, as for a vendor at capacity, until Max Wait (20 s).
		expect(connections.refused).toBe(4 + (v.asksAccountFirst ? 1 : 0));
		expect(error.description).not.toMatch(/Gave up after waiting/);
	});

	it('without Continue On Fail, stops with a NodeApiError that names the item and carries the code', async () => {
		fake().injectFault({ endpoint: create, ...v.stopsWith.fault });
		const result = await run({}, { continueOnFail: false });
		expect(result.status).toBe('error');
		expect(nodeError(result)).toMatchObject({
			name: 'NodeApiError',
			message: v.stopsWith.message,
			vendorCode: v.stopsWith.vendorCode,
			itemIndex: 0,
		});
	});
}

/** Faults in the middle of a 50-item batch. */
export function batchTests({ v, vendors, fake, run }: FaultSuite) {
	const { create, status } = v.endpoints;
	const inOrder = items(50).map((_, item) => ({ item }));

	it(`retries ${v.statusCheck}s that fail mid-batch: 50 items in, 50 masks out, 50 tasks`, async () => {
		fake().injectFault({ endpoint: status, kind: v.statusFault, afterCalls: 20, times: 3 });
		const output = (await run({}, { items: items(50), continueOnFail: false })).output(
			NODE_UNDER_TEST,
		);
		expect(output).toHaveLength(50);
		expect(output.map((item) => item.pairedItem)).toEqual(inOrder);
		expect(output.every((item) => item.json.status === 'succeeded' && item.binary?.mask)).toBe(
			true,
		);
		expect(fake().counters.creates).toBe(50);
		expect(fake().counters.calls[create]).toBe(50);
		expect(new Set(output.map((item) => item.json.taskId)).size).toBe(50);
	});

	const { continueOnFail: kind, stop } = v.batchCreateFaults;
	it(`with Continue On Fail, gives the 3 items whose create ${kind === 'reset' ? 'was reset' : 'failed'} their error and finishes the other 47`, async () => {
		fake().injectFault({ endpoint: create, kind, afterCalls: 20, times: 3 });
		const output = (await run({}, { items: items(50) })).output(NODE_UNDER_TEST);
		expect(output).toHaveLength(50);
		expect(output.map((item) => item.pairedItem)).toEqual(inOrder);
		const failed = output.filter((item) => item.json.error);
		expect(failed).toHaveLength(3);
		for (const item of failed) {
			const { item: index } = item.pairedItem as { item: number };
			expect(itemError(item)).toMatchObject({
				...createFailure(v, kind, index),
				taskMayExist: true,
			});
		}
		expect(output.filter((item) => item.json.status === 'succeeded')).toHaveLength(47);
		expect(fake().counters.calls[create]).toBe(50);
		expect(fake().counters.creates).toBe(47);
	});

	it('without Continue On Fail, stops naming the failed item, creating no task twice', async () => {
		fake().injectFault({ endpoint: create, kind: stop, afterCalls: 20, times: 3 });
		const result = await run({}, { items: items(50), continueOnFail: false });
		expect(result.status).toBe('error');
		const error = nodeError(result);
		expect(error.itemIndex).toBeGreaterThanOrEqual(20);
		expect(error.message).toBe(createFailure(v, stop, error.itemIndex!).message);
		// Every create call but the failed ones made exactly one task.
		const { calls, creates } = fake().counters;
		expect(calls[create] - creates).toBeGreaterThanOrEqual(1);
		expect(calls[create] - creates).toBeLessThanOrEqual(3);
	});

	it(`waits out ${v.limit.name} when Max Concurrent Tasks is above it: 50 out, 50 tasks`, async () => {
		v.limit.configure(vendors);
		const output = (
			await run(v.limit.parameters, { items: items(50), continueOnFail: false })
		).output(NODE_UNDER_TEST);
		expect(output).toHaveLength(50);
		expect(output.every((item) => item.json.status === 'succeeded')).toBe(true);
		expect(fake().counters.creates).toBe(50);
		expect(fake().counters.calls[create]).toBeGreaterThan(50);
		expect(fake().counters.peakInFlight).toBeLessThanOrEqual(v.limit.cap);
	});
}

/** Check Segmentation Task, Get Segmentation Download URL and the credential test under faults. */
export function otherNodeTests({ v, vendors, fake, run }: FaultSuite) {
	it(`Check Segmentation Task retries a ${v.statusCheck} that failed with HTTP 502`, async () => {
		const first = (await run({ waitForCompletion: false }, { continueOnFail: false })).output(
			NODE_UNDER_TEST,
		)[0];
		fake().injectFault({ endpoint: v.endpoints.status, kind: 'http502' });
		const result = await runVendorNode(vendors, v.vendor, 'checkSegmentationTask', {
			taskId: first.json.taskId,
		});
		expect(result.output(NODE_UNDER_TEST)[0].json).toMatchObject({ taskId: first.json.taskId });
		expect(fake().counters.calls[v.endpoints.status]).toBe(2);
	});

	it(`Get Segmentation Download URL retries ${v.downloadRetry.name}`, async () => {
		const first = (await run({}, { continueOnFail: false })).output(NODE_UNDER_TEST)[0];
		for (const endpoint of v.downloadRetry.endpoints)
			fake().injectFault({ endpoint, kind: 'reset' });
		const sentBefore = fake().requests.length;
		const result = await runVendorNode(vendors, v.vendor, 'getSegmentationDownloadUrl', {
			...v.downloadRetry.parameters(first),
			download: true,
		});
		expect(result.status).toBe('success');
		expect(result.output(NODE_UNDER_TEST)[0].binary?.mask).toBeDefined();
		// The node needs one call of each: the first was reset (the fault fired), the second retried it.
		const sent = fake()
			.requests.slice(sentBefore)
			.map(({ endpoint }) => endpoint);
		expect(
			v.downloadRetry.endpoints.map((endpoint) => sent.filter((e) => e === endpoint).length),
		).toEqual(v.downloadRetry.endpoints.map(() => 2));
	});

	it('the credential test is not retried by n8n: an HTTP 500 fails it, the next click passes', async () => {
		const data = { apiKey: vendors.keys[v.vendor], baseUrl: fake().baseUrl };
		fake().injectFault({ endpoint: v.endpoints.credentialTest, kind: 'http500' });
		const failed = await testCredential(v.credentialType, data);
		expect(failed.status).toBe('Error');
		expect(failed.message).not.toContain(vendors.keys[v.vendor]);
		expect(await testCredential(v.credentialType, data)).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		expect(fake().counters.calls[v.endpoints.credentialTest]).toBe(2);
	});
}
