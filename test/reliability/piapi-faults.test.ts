/*
 * PiAPI under faults, through n8n's engine against the fake PiAPI: each fault either recovers
 * by retry or becomes a clean per-item error with PiAPI's code and message; every item comes
 * out; no task is created twice (the fake counts creates and create calls).
 * The rows SellerPic mirrors are in shared-faults.ts, run here with PiAPI's endpoints and words;
 * the rows only PiAPI has are here.
 * Every run also checks that the API key (sk-SECRET-...) shows in no item, error or log line and
 * that no file host got it (see support.ts). An unhandled rejection fails the test it happens
 * in (jest-circus listens for them).
 */
// Before anything loads n8n's logger: log everything, so the key check reads n8n's log lines too.
process.env.N8N_LOG_LEVEL = 'debug';

import * as shared from './shared-faults';

const PIAPI: shared.FaultVendor = {
	vendor: 'piapi',
	name: 'PiAPI',
	fake: (vendors) => vendors.piApi,
	credentialType: 'piApiApi',
	endpoints: {
		create: 'createTask',
		status: 'getTask',
		fileHost: 'file',
		upload: 'upload',
		credentialTest: 'accountInfo',
	},
	statusCheck: 'task check',
	taskIdPattern: '[0-9a-f-]{36}',
	refusals: {
		http401: 'refused the API key (HTTP 401)',
		http403: 'answered HTTP 403',
		http403Hint: /Check the API key .* plan/,
		http404Hint: /check the base URLs/,
	},
	envelopeErrors: {
		create: { code: 400, msg: 'input.prompt is invalid', hint: /^$/ },
		status: { code: 400, msg: 'invalid task id' },
	},
	asksAccountFirst: true,
	timeoutHint: /task list in your PiAPI workspace.*raise Request Timeout in the credential/,
	failedTask: { reason: 'segmentation failed', code: '10000' },
	capacity: {
		name: 'capacity (HTTP 429)',
		fault: {
			kind: 'http429',
			retryAfterSeconds: 0,
			msg: 'concurrency limit of 1 tasks reached for your plan',
		},
		message: 'PiAPI answered HTTP 429: concurrency limit of 1 tasks reached for your plan [item 0]',
		code: '429',
		hint: /^Gave up after waiting \d+(\.\d)? s for PiAPI to accept the task: .*\. Raise Max Wait, so that items wait longer for a place\.$/,
	},
	stopsWith: {
		fault: { kind: 'http403', msg: 'forbidden' },
		message: 'PiAPI answered HTTP 403: forbidden [item 0]',
		vendorCode: '403',
	},
	statusFault: 'http502',
	batchCreateFaults: { continueOnFail: 'reset', stop: 'http500' },
	limit: {
		name: 'the plan limit (HTTP 429 + Retry-After)',
		configure: (vendors) =>
			vendors.piApi.configure({ taskLatencyMs: 50, concurrencyCap: 3, retryAfterSeconds: 0 }),
		parameters: {},
		cap: 3,
	},
	downloadRetry: {
		name: 'a task check and a file download that were reset',
		endpoints: ['getTask', 'file'],
		parameters: (item) => ({ id: item.json.taskId }),
	},
};

const suite = shared.faultSuite(PIAPI);

describe('PiAPI: faults that retries recover from', () => {
	shared.itRecovers(suite, [
		...shared.recoveryRows(PIAPI),
		[
			'code 500 in an HTTP 200 reply to the task check',
			[{ endpoint: 'getTask', kind: 'envelopeError', code: 500, msg: 'internal error' }],
			{},
		],
	]);
	shared.recoveryTests(suite);
});

describe('PiAPI: faults that become a clean per-item error', () => {
	shared.itFailsCleanly(suite, [
		...shared.cleanErrorRows(PIAPI),
		[
			'code 500 in an HTTP 200 reply to the create',
			{ endpoint: 'createTask', kind: 'envelopeError', code: 500, msg: 'internal error' },
			{
				message: 'PiAPI error 500: internal error [item 0]',
				code: '500',
				hint: /may have created the task/,
				creates: 0,
				mayExist: true,
			},
		],
		[
			'an expired result link (HTTP 403 from the file host)',
			{ endpoint: 'file', kind: 'http403' },
			{
				message: "PiAPI's result link has expired (HTTP 403) [item 0]",
				hint: /PiAPI keeps tasks and results about 3 days/,
				creates: 1,
			},
		],
		[
			'a result file the host does not have (HTTP 404)',
			{ endpoint: 'file', kind: 'http404' },
			{
				message: 'Could not download the result file from PiAPI (HTTP 404) [item 0]',
				hint: /does not have this file/,
				creates: 1,
			},
		],
	]);
	shared.cleanErrorTests(suite);
});

describe('PiAPI: faults in the middle of a 50-item batch', () => shared.batchTests(suite));

describe('PiAPI: the other nodes and the credential', () => shared.otherNodeTests(suite));
