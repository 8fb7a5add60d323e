/* Shared by the reliability suites: fakes with a recognisable key, workflows, error and log helpers. */
import { randomBytes } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { format } from 'node:util';

import type { ICredentialDataDecryptedObject, INodeExecutionData } from 'n8n-workflow';

import { SELLERPIC_SAMPLE_KEY } from '../fake';
import type { TestItem } from '../harness/core-node-stand-ins';
import { runWorkflow, type WorkflowRun } from '../harness/engine';
import { dumpRun, expectKeysNowhere } from '../support/secrets';
import {
	CREDENTIAL_TYPES,
	fakeVendorCredentials,
	useFakeVendors,
	type FakeVendors,
	type Vendor,
} from '../support/vendor-fakes';
import { NODE_UNDER_TEST, workflowFor } from '../support/workflows';

export { dumpRun, expectKeysNowhere, NODE_UNDER_TEST, SELLERPIC_SAMPLE_KEY, type Vendor };

/** A key no test output could contain by chance. */
export const secretKey = (vendor: string) =>
	`sk-SECRET-${vendor}-${randomBytes(12).toString('hex')}`;

/** Short enough for tests, long enough for the fakes' replies: slow faults wait longer than this. */
export const REQUEST_TIMEOUT_SECONDS = 1;

/** Fast polling; Max Wait long enough that only the faults under test end a wait. */
export const FAST_WAIT = { pollInterval: 0.05, maxWait: 20 };

/** The fakes' task duration; tests that need tasks to overlap set a longer one. */
export const TASK_LATENCY_MS = 30;

export type Vendors = FakeVendors;

/** Both fakes (recognisable keys, the suites' task duration) and an image host, for the suite that calls it (see useFakeVendors). */
export function useVendors(): Vendors {
	return useFakeVendors({
		keys: { sellerpic: secretKey('sp'), piapi: secretKey('pi') },
		photo: { width: 160, height: 120, seed: 4 },
		taskLatencyMs: TASK_LATENCY_MS,
	});
}

export interface CredentialOverrides {
	baseUrl?: string;
	uploadBaseUrl?: string;
	apiKey?: string;
	requestTimeout?: number;
}

export function credentials(
	vendors: Vendors,
	vendor: Vendor,
	overrides: CredentialOverrides = {},
): Record<string, ICredentialDataDecryptedObject> {
	return fakeVendorCredentials(vendors, vendor, {
		requestTimeout: REQUEST_TIMEOUT_SECONDS,
		...overrides,
	});
}

export interface RunOptions {
	items?: TestItem[];
	continueOnFail?: boolean;
	credentials?: CredentialOverrides;
}

const NODE_TYPES = { sellerpic: 'sellerPicSegment', piapi: 'piApiSegment' } as const;

/** SellerPic Segment (prompt mode, the sample file key unless told) or PiAPI Segment (image URL unless told). */
export async function segment(
	vendors: Vendors,
	vendor: Vendor,
	parameters: Record<string, unknown> = {},
	options: RunOptions = {},
) {
	const defaults =
		vendor === 'sellerpic'
			? { mode: 'prompt', prompt: 'product', imageSource: 'fileKey', fileKey: SELLERPIC_SAMPLE_KEY }
			: { imageSource: 'url', imageUrl: vendors.imageUrl, prompt: 'product' };
	return await runNode(
		vendors,
		vendor,
		NODE_TYPES[vendor],
		{ ...defaults, ...FAST_WAIT, ...parameters },
		options,
	);
}

/** Check Segmentation Task or Get Segmentation Download URL for one vendor. */
export async function runVendorNode(
	vendors: Vendors,
	vendor: Vendor,
	nodeType: 'checkSegmentationTask' | 'getSegmentationDownloadUrl',
	parameters: Record<string, unknown>,
	options: RunOptions = {},
) {
	return await runNode(vendors, vendor, nodeType, { vendor, ...parameters }, options);
}

/**
 * Runs the node with every log line captured, then checks that neither API key (nor the key
 * the run used) shows in anything the run kept or logged, and that no file host got a key.
 */
async function runNode(
	vendors: Vendors,
	vendor: Vendor,
	nodeType: string,
	parameters: Record<string, unknown>,
	options: RunOptions,
) {
	const workflow = workflowFor(nodeType, parameters as never, options.items ?? [{ json: {} }], {
		continueOnFail: options.continueOnFail,
		credentials: [CREDENTIAL_TYPES[vendor]],
	});
	const logs = captureLogs();
	let run: WorkflowRun;
	try {
		run = await runWorkflow(workflow, {
			credentials: credentials(vendors, vendor, options.credentials),
		});
	} finally {
		logs.stop();
	}
	const keys = [vendors.keys.sellerpic, vendors.keys.piapi, options.credentials?.apiKey].filter(
		(key): key is string => Boolean(key),
	);
	expectKeysNowhere(run, keys, logs.lines);
	for (const fake of [vendors.sellerPic, vendors.piApi]) {
		expect(fake.counters.storageRequestsWithApiKey).toBe(0);
		for (const request of fake.requests)
			if (STORAGE_ENDPOINTS.has(request.endpoint)) expect(request.hadApiKey).toBe(false);
	}
	if (process.env.N8N_LOG_LEVEL === 'debug') {
		// The capture works: n8n's own debug lines are in it.
		expect(logs.lines.some((line) => line.includes('Workflow execution started'))).toBe(true);
	}
	return run;
}

const STORAGE_ENDPOINTS = new Set(['storageGet', 'storagePut', 'file', 'uploadedFile']);

export function items(count: number): TestItem[] {
	return Array.from({ length: count }, (_, index) => ({ json: { index } }));
}

/** The node's error with the fields n8n keeps on it. */
export function nodeError(run: WorkflowRun) {
	const error = run.nodeError(NODE_UNDER_TEST) as
		| (Error & {
				description?: string;
				errorResponse?: Record<string, unknown>;
				context?: { itemIndex?: number };
		  })
		| undefined;
	if (!error) throw new Error(`The node did not fail (run status ${run.status})`);
	return {
		name: error.name,
		message: error.message,
		description: error.description ?? '',
		vendorCode: error.errorResponse?.vendorCode as string | null | undefined,
		httpStatus: error.errorResponse?.httpStatus as number | null | undefined,
		itemIndex: error.context?.itemIndex,
	};
}

/** The error item a failing item became under Continue On Fail. */
export function itemError(item: INodeExecutionData) {
	const json = item.json as {
		error?: string;
		errorDescription?: string;
		errorDetails?: {
			vendor?: string;
			httpStatus?: number;
			code?: string;
			traceId?: string;
			taskId?: string;
			taskMayExist?: boolean;
		};
	};
	if (!json.error) throw new Error(`The item did not fail: ${JSON.stringify(json).slice(0, 300)}`);
	return { message: json.error, description: json.errorDescription ?? '', ...json.errorDetails };
}

/**
 * Records every console call and every write to stdout/stderr (and to the console's own
 * streams) until stopped, keeping it off the test output. n8n's logger writes through these.
 */
export function captureLogs() {
	const lines: string[] = [];
	const restore: Array<() => void> = [];
	for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
		const original = console[method];
		console[method] = (...args: unknown[]) => {
			lines.push(format(...args));
		};
		restore.push(() => (console[method] = original));
	}
	// n8n's logger (winston) writes to console._stdout when there is one: under Jest workers that
	// is the buffered console's own stream, not process.stdout.
	const consoleStreams = console as unknown as {
		_stdout?: NodeJS.WritableStream;
		_stderr?: NodeJS.WritableStream;
	};
	const streams = new Set([
		process.stdout,
		process.stderr,
		consoleStreams._stdout,
		consoleStreams._stderr,
	]);
	for (const stream of streams) {
		if (!stream) continue;
		const original = stream.write;
		stream.write = ((chunk: unknown, ...rest: unknown[]) => {
			lines.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
			const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
			done?.();
			return true;
		}) as typeof stream.write;
		restore.push(() => (stream.write = original));
	}
	return {
		lines,
		stop: () => {
			for (const undo of restore.reverse()) undo();
		},
	};
}

/** A loopback URL where nothing listens: connections are refused. */
export async function refusingUrl(): Promise<string> {
	const port = await freePort();
	return `http://127.0.0.1:${port}`;
}

/**
 * Counts the connections this process tries to open to `url`'s port that are refused, until
 * stopped: every TCP client socket Node creates is announced on its 'net.client.socket' channel.
 */
export function countRefusedConnections(url: string) {
	const port = Number(new URL(url).port);
	let refused = 0;
	const onSocket = (message: unknown) => {
		(message as { socket: net.Socket }).socket.once(
			'error',
			(error: NodeJS.ErrnoException & { port?: number }) => {
				if (error.code === 'ECONNREFUSED' && error.port === port) refused++;
			},
		);
	};
	diagnosticsChannel.subscribe('net.client.socket', onSocket);
	return {
		get refused() {
			return refused;
		},
		stop: () => diagnosticsChannel.unsubscribe('net.client.socket', onSocket),
	};
}

async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

/**
 * A TCP proxy to `target` that refuses connections until `openAfterMs` has passed (a service
 * coming back up): requests before then fail with ECONNREFUSED, having never been sent.
 */
export async function proxyOpeningLater(target: string, openAfterMs: number) {
	const port = await freePort();
	const { hostname, port: targetPort } = new URL(target);
	const sockets = new Set<net.Socket>();
	const server = net.createServer((client) => {
		const upstream = net.connect(Number(targetPort), hostname);
		for (const socket of [client, upstream]) {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
			socket.on('error', () => socket.destroy());
		}
		client.pipe(upstream).pipe(client);
	});
	const opened = new Promise<void>((resolve) =>
		setTimeout(() => server.listen(port, '127.0.0.1', resolve), openAfterMs),
	);
	return {
		url: `http://127.0.0.1:${port}`,
		close: async () => {
			await opened;
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** An HTTP server answering every request with `handle`; records what it received. */
export async function startStub(
	handle: (req: http.IncomingMessage, res: http.ServerResponse) => void,
) {
	const requests: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders }> = [];
	const server = http.createServer((req, res) => {
		requests.push({ method: req.method, url: req.url, headers: req.headers });
		handle(req, res);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

export const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
