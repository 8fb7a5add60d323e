/*
 * The API key in the cases the fault suites do not reach. Every run of the reliability suites
 * (here and in sellerpic-faults / piapi-faults, one per fault) already checks that a
 * recognisable key (sk-SECRET-...) shows in no output item, no error message or description,
 * nothing the run keeps, and no log line (n8n's logger at debug level, every console call and
 * every stdout/stderr write), and that no file host got it: see runNode in support.ts.
 */
// Before anything loads n8n's logger: log everything, so the key check reads n8n's log lines too.
process.env.N8N_LOG_LEVEL = 'debug';

import {
	itemError,
	NODE_UNDER_TEST,
	runVendorNode,
	secretKey,
	segment,
	startStub,
	useVendors,
} from './support';

const vendors = useVendors();

describe('a wrong key, and keys vendors echo back', () => {
	it.each([
		[
			'sellerpic',
			/^SellerPic refused the request \(HTTP 401\): Unauthorized: invalid or missing API key \[item 0\]$/,
		],
		['piapi', /^PiAPI refused the API key \(HTTP 401\): Invalid API key \[item 0\]$/],
	] as const)('%s: a wrong key is not shown either', async (vendor, message) => {
		const wrong = secretKey(`${vendor}-wrong`);
		const result = await segment(
			vendors,
			vendor,
			{},
			{ continueOnFail: true, credentials: { apiKey: wrong } },
		);
		expect(itemError(result.output(NODE_UNDER_TEST)[0]).message).toMatch(message);
	});

	it('sellerpic: scrubs the key when SellerPic echoes it in an error message', async () => {
		const key = vendors.keys.sellerpic;
		vendors.sellerPic.injectFault({
			endpoint: 'promptSegmentation',
			kind: 'envelopeError',
			code: 10401,
			msg: `api key ${key} is not allowed here`,
		});
		const result = await segment(vendors, 'sellerpic', {}, { continueOnFail: true });
		expect(itemError(result.output(NODE_UNDER_TEST)[0]).message).toBe(
			'SellerPic error 10401: api key [redacted] is not allowed here [item 0]',
		);
	});

	it('piapi: scrubs the key when PiAPI echoes it in an error message', async () => {
		vendors.piApi.injectFault({
			endpoint: 'getTask',
			kind: 'envelopeError',
			code: 400,
			msg: `bad key ${vendors.keys.piapi}`,
		});
		const result = await segment(vendors, 'piapi', {}, { continueOnFail: true });
		expect(itemError(result.output(NODE_UNDER_TEST)[0]).message).toBe(
			'PiAPI error 400: bad key [redacted] [item 0]',
		);
	});
});

describe('the key and other hosts', () => {
	const TASK_ID = '5a1f0c3e-2b4d-4e6f-8a9b-0c1d2e3f4a5b';

	it('scrubs the key from a task PiAPI returns (Check Segmentation Task shows the raw reply)', async () => {
		const api = await startStub((req, res) => {
			const echoed = String(req.headers['x-api-key']);
			res.writeHead(200, { 'content-type': 'application/json' }).end(
				JSON.stringify({
					code: 200,
					message: 'success',
					data: {
						task_id: TASK_ID,
						status: 'processing',
						input: { note: `called with ${echoed}` },
						output: null,
					},
				}),
			);
		});
		try {
			const result = await runVendorNode(
				vendors,
				'piapi',
				'checkSegmentationTask',
				{ taskId: TASK_ID },
				{ credentials: { baseUrl: api.url } },
			);
			expect(api.requests[0].headers['x-api-key']).toBe(vendors.keys.piapi);
			expect(
				(result.output(NODE_UNDER_TEST)[0].json.raw as { input: { note: string } }).input.note,
			).toBe('called with [redacted]');
		} finally {
			await api.close();
		}
	});

	it.each([
		['piapi', 'x-api-key', `/api/v1/task/${TASK_ID}`],
		['sellerpic', 'authorization', '/v1/api/generate?id=1946000000000000123'],
	] as const)(
		'%s: does not follow an API redirect to another host, so the key does not go there',
		async (vendor, header, path) => {
			const elsewhere = await startStub((_req, res) =>
				res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
			);
			const api = await startStub((_req, res) =>
				res.writeHead(302, { location: `${elsewhere.url}${path}` }).end(),
			);
			try {
				const taskId = vendor === 'piapi' ? TASK_ID : '1946000000000000123';
				const result = await runVendorNode(
					vendors,
					vendor,
					'checkSegmentationTask',
					{ taskId },
					{ continueOnFail: true, credentials: { baseUrl: api.url } },
				);
				const error = itemError(result.output(NODE_UNDER_TEST)[0]);
				expect(error.message).toBe(
					`${vendor === 'piapi' ? 'PiAPI' : 'SellerPic'} answered with a redirect (HTTP 302) to ${elsewhere.url}, which was not followed [item 0]`,
				);
				expect(error.description).toMatch(/so that the API key is not sent to another address/);
				expect(api.requests[0].headers[header]).toBeDefined();
				expect(elsewhere.requests).toHaveLength(0);
			} finally {
				await Promise.all([api.close(), elsewhere.close()]);
			}
		},
	);

	it('fetches result files without the key, from a file host that is not the API host', async () => {
		const files = await startStub((_req, res) =>
			res
				.writeHead(200, { 'content-type': 'image/png' })
				.end(Buffer.from('89504e470d0a1a0a', 'hex')),
		);
		const api = await startStub((_req, res) =>
			res.writeHead(200, { 'content-type': 'application/json' }).end(
				JSON.stringify({
					code: 200,
					message: 'success',
					data: {
						task_id: TASK_ID,
						status: 'completed',
						output: { image_url: `${files.url}/mask.png` },
					},
				}),
			),
		);
		try {
			const result = await runVendorNode(
				vendors,
				'piapi',
				'getSegmentationDownloadUrl',
				{ id: TASK_ID, download: true },
				{ credentials: { baseUrl: api.url } },
			);
			expect(result.output(NODE_UNDER_TEST)[0].binary?.mask).toBeDefined();
			expect(api.requests[0].headers['x-api-key']).toBe(vendors.keys.piapi);
			expect(files.requests).toHaveLength(1);
			expect(files.requests[0].headers['x-api-key']).toBeUndefined();
			expect(files.requests[0].headers.authorization).toBeUndefined();
		} finally {
			await Promise.all([api.close(), files.close()]);
		}
	});
});
