import { request } from 'undici';

import { inspectImage } from '../../nodes/shared/image/inspect';
import { parseLossless } from './json';

/** One request and the reply exactly as it came (the body as text, or a summary of binary bytes). */
export interface Exchange {
	request: string;
	status?: number;
	headers?: Record<string, string>;
	/** The body as text (cut at MAX_TEXT characters), when it is not an image. */
	body?: string;
	/** A binary body: its size and what its bytes are. */
	file?: { bytes: number; format?: string; width?: number; height?: number };
	/** No reply at all: why. */
	error?: string;
	ms: number;
}

/** An exchange and what a check reads from it. */
export interface Reply {
	exchange: Exchange;
	status: number;
	/** Undefined when there was no reply. */
	ok: boolean;
	text: string;
	bytes: Buffer;
	/** The body as JSON with every digit kept (see parseLossless), undefined when it is not JSON. */
	json: unknown;
	header(name: string): string | undefined;
}

export interface Call {
	method?: 'GET' | 'POST' | 'DELETE';
	url: string;
	headers?: Record<string, string>;
	body?: string | Buffer;
	timeoutMs?: number;
}

const MAX_TEXT = 8_000;
const KEPT_HEADERS =
	/^(content-type|content-length|retry-after|x-ratelimit-.*|ratelimit.*|x-request-id|x-trace-id|traceid|date|expires|cache-control)$/i;

/** Sends one request with undici and reads the whole reply; a failed connection is a reply with status 0, never a throw. */
export async function send(call: Call): Promise<Reply> {
	const started = Date.now();
	const method = call.method ?? 'GET';
	const exchange: Exchange = { request: `${method} ${call.url}`, ms: 0 };
	try {
		const response = await request(call.url, {
			method,
			headers: call.headers,
			body: call.body,
			signal: AbortSignal.timeout(call.timeoutMs ?? 60_000),
		});
		const bytes = Buffer.from(await response.body.arrayBuffer());
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(response.headers))
			if (KEPT_HEADERS.test(name) && value !== undefined)
				headers[name] = Array.isArray(value) ? value.join(', ') : value;
		const image = inspectImage(bytes);
		const text = image ? '' : bytes.toString('utf8');
		Object.assign(exchange, {
			status: response.statusCode,
			headers,
			ms: Date.now() - started,
			...(image
				? {
						file: {
							bytes: bytes.length,
							format: image.format,
							width: image.width,
							height: image.height,
						},
					}
				: { body: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text }),
		});
		return {
			exchange,
			status: response.statusCode,
			ok: true,
			text,
			bytes,
			json: image ? undefined : parseLossless(text),
			header: (name) => headers[name.toLowerCase()],
		};
	} catch (error) {
		exchange.error = (error as Error).message;
		exchange.ms = Date.now() - started;
		return {
			exchange,
			status: 0,
			ok: false,
			text: '',
			bytes: Buffer.alloc(0),
			json: undefined,
			header: () => undefined,
		};
	}
}

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The envelope's `data` object, or undefined. */
export function dataOf(reply: Reply): Record<string, unknown> | undefined {
	return isObject(reply.json) && isObject(reply.json.data) ? reply.json.data : undefined;
}

/** The envelope's `code`, as text (vendors send it as a number or a string). */
export function envelopeCode(reply: Reply): string | undefined {
	return isObject(reply.json) && reply.json.code !== undefined
		? String(reply.json.code)
		: undefined;
}

/** A short form of the reply for a console line: "HTTP 401 {...}". */
export function brief(reply: Reply, max = 300): string {
	const { exchange } = reply;
	if (exchange.error) return `no reply (${exchange.error})`;
	const body = exchange.file
		? `${exchange.file.format} ${exchange.file.width}x${exchange.file.height}, ${exchange.file.bytes} bytes`
		: (exchange.body ?? '').replace(/\s+/g, ' ');
	const line = `HTTP ${exchange.status}${body ? ` ${body}` : ''}`;
	return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** The reply in a few words: "HTTP 200, code 0", or why there was none. */
export function headline(reply: Reply): string {
	if (reply.exchange.error) return `no reply (${reply.exchange.error})`;
	const code = envelopeCode(reply);
	return `HTTP ${reply.status}${code === undefined ? '' : `, code ${code}`}`;
}

/** The reply's status, code, message and top-level fields: "HTTP 401, code 401: "Unauthorized" (fields code, msg, data)". */
export function described(reply: Reply): string {
	if (!isObject(reply.json)) {
		const text = reply.text.replace(/\s+/g, ' ').trim();
		return `${headline(reply)}${text ? `, not JSON: ${text.length > 80 ? `${text.slice(0, 80)}…` : text}` : ''}`;
	}
	const message = reply.json.msg ?? reply.json.message;
	const said = typeof message === 'string' && message ? `: ${JSON.stringify(message)}` : '';
	return `${headline(reply)}${said} (fields ${Object.keys(reply.json).join(', ')})`;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
