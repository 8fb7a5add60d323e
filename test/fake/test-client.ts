/* Tiny undici helpers shared by the fake servers' own tests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FormData, request } from 'undici';

export { FormData };
import sharp from 'sharp';

export interface CallResult {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	bytes: Buffer;
	json: any;
}

export interface CallOptions {
	method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
	headers?: Record<string, string>;
	body?: string | Buffer | FormData;
	json?: unknown;
}

export async function call(url: string, options: CallOptions = {}): Promise<CallResult> {
	const headers = { ...options.headers };
	let body = options.body;
	if (options.json !== undefined) {
		headers['content-type'] = 'application/json';
		body = JSON.stringify(options.json);
	}
	const response = await request(url, { method: options.method ?? 'GET', headers, body });
	const bytes = Buffer.from(await response.body.arrayBuffer());
	const text = bytes.toString('utf8');
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.statusCode, headers: response.headers, text, bytes, json };
}

export const sleep = (ms: number): Promise<void> =>
	new Promise((resolve) => setTimeout(resolve, ms));

/** Mask value (0..255) at a fraction of the width/height. */
export async function maskValueAt(mask: Buffer, fx: number, fy: number): Promise<number> {
	const { data, info } = await sharp(mask).greyscale().raw().toBuffer({ resolveWithObject: true });
	const x = Math.min(info.width - 1, Math.floor(info.width * fx));
	const y = Math.min(info.height - 1, Math.floor(info.height * fy));
	return data[(y * info.width + x) * info.channels];
}

export interface Receiver {
	url: string;
	received: { headers: http.IncomingHttpHeaders; body: any; at: number }[];
	/** Status codes to answer in order; 200 once exhausted. */
	statuses: number[];
	close(): Promise<void>;
}

/** A local HTTP endpoint that records POSTs (webhooks) and can serve one file at /image.png. */
export async function startReceiver(file?: Buffer): Promise<Receiver> {
	const received: Receiver['received'] = [];
	const statuses: number[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			if (req.method === 'GET' && file && req.url === '/image.png') {
				res.writeHead(200, { 'content-type': 'image/png' }).end(file);
				return;
			}
			received.push({
				headers: req.headers,
				body: JSON.parse(Buffer.concat(chunks).toString() || 'null'),
				at: Date.now(),
			});
			res.writeHead(statuses.shift() ?? 200).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		received,
		statuses,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
