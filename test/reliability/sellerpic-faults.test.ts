/*
 * SellerPic under faults, through n8n's engine against the fake SellerPic: each fault either
 * recovers by retry or becomes a clean per-item error with SellerPic's code and message; every
 * item comes out; no task is created twice (the fake counts creates and create calls).
 * The rows PiAPI mirrors are in shared-faults.ts, run here with SellerPic's endpoints and words;
 * the rows only SellerPic has are here.
 * Every run also checks that the API key (sk-SECRET-...) shows in no item, error or log line and
 * that no file host got it (see support.ts). An unhandled rejection fails the test it happens
 * in (jest-circus listens for them).
 */
// Before anything loads n8n's logger: log everything, so the key check reads n8n's log lines too.
process.env.N8N_LOG_LEVEL = 'debug';

import { NODE_UNDER_TEST } from './support';
import * as shared from './shared-faults';

const SELLERPIC: shared.FaultVendor = {
	vendor: 'sellerpic',
	name: 'SellerPic',
	fake: (vendors) => vendors.sellerPic,
	credentialType: 'sellerPicApi',
	endpoints: {
		create: 'promptSegmentation',
		status: 'taskStatus',
		fileHost: 'storageGet',
		upload: 'upload',
		credentialTest: 'usage',
	},
	statusCheck: 'status check',
	taskIdPattern: '\\d+',
	refusals: {
		http401: 'refused the request (HTTP 401)',
		http403: 'refused the request (HTTP 403)',
		http403Hint: /Check the API key/,
		http404Hint: /check the base URL/,
	},
	envelopeErrors: {
		create: { code: 40001, msg: 'prompt is not supported', hint: /^Trace id/ },
		status: { code: 40006, msg: 'task not found' },
	},
	timeoutHint: /may have created the task.*raise Request Timeout in the credential/,
	failedTask: { reason: 'segmentation failed: no object matched the prompt', code: '50001' },
	capacity: {
		name: 'a free slot (30003)',
		fault: {
			kind: 'envelopeError',
			code: 30003,
			msg: 'The number of running tasks has reached the concurrency limit (5) of your account',
		},
		message:
			'SellerPic error 30003: The number of running tasks has reached the concurrency limit (5) of your account [item 0]',
		code: '30003',
		hint: /^Every task place of this SellerPic account was taken\. Gave up after waiting \d+(\.\d)? s for SellerPic to accept the task: .*\. Raise Max Wait, so that items wait longer for a place\./,
	},
	stopsWith: {
		fault: { kind: 'envelopeError', code: 40001, msg: 'prompt is not supported' },
		message: 'SellerPic error 40001: prompt is not supported [item 0]',
		vendorCode: '40001',
	},
	statusFault: 'http500',
	batchCreateFaults: { continueOnFail: 'http500', stop: 'reset' },
	limit: {
		name: 'the concurrency cap (30003)',
		configure: (vendors) => vendors.sellerPic.configure({ taskLatencyMs: 100 }),
		parameters: { options: { maxConcurrentTasks: 8 } },
		cap: 5,
	},
	downloadRetry: {
		name: 'a reset download URL request and file download',
		endpoints: ['downloadUrl', 'storageGet'],
		parameters: (item) => ({ idType: 'resultId', id: (item.json.resultIds as string[])[0] }),
	},
};

const suite = shared.faultSuite(SELLERPIC);
const { fake, run } = suite;

describe('SellerPic: faults that retries recover from', () => {
	shared.itRecovers(suite, [
		...shared.recoveryRows(SELLERPIC),
		['a connection reset on the download URL', [{ endpoint: 'downloadUrl', kind: 'reset' }], {}],
		[
			'the concurrency cap (30003) on the create (nothing created)',
			[
				{
					endpoint: 'promptSegmentation',
					kind: 'envelopeError',
					code: 30003,
					msg: 'concurrency limit reached',
				},
			],
			{ createCalls: 2 },
		],
	]);

	shared.recoveryTests(suite);

	it('refreshes a download link that has expired (HTTP 403 from the file host)', async () => {
		fake().injectFault({ endpoint: 'storageGet', kind: 'http403' });
		const result = await run();
		expect(result.output(NODE_UNDER_TEST)[0].binary?.mask).toBeDefined();
		expect(fake().counters.downloadUrls).toBe(2);
		expect(fake().counters.fileDownloads).toBe(1);
	});
});

describe('SellerPic: faults that become a clean per-item error', () => {
	shared.itFailsCleanly(suite, shared.cleanErrorRows(SELLERPIC));
	shared.cleanErrorTests(suite);
});

describe('SellerPic: faults in the middle of a 50-item batch', () => shared.batchTests(suite));

describe('SellerPic: the other nodes and the credential', () => shared.otherNodeTests(suite));
