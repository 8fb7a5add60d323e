/*
 * A loopback host for files far larger than any vendor accepts, streamed as they are sent (a PNG
 * header, then filler) so the host itself never holds them. It counts the body bytes each
 * request was actually sent, to show how much of a file a client read before giving it up.
 * `GET /<name>.png?bytes=<size>` with `&length=0` to leave out Content-Length (chunked) and
 * `&delayMs=<ms>` to send the headers and wait that long before the body.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

export interface BigFileRequest {
	path: string;
	/** The size the request asked for. */
	bytes: number;
	/** Body bytes handed to the socket so far. */
	sent: number;
	/** True once the response ended or the client went away. */
	closed: boolean;
	/** True when the whole body was sent. */
	complete: boolean;
}

export interface BigFileServer {
	url: string;
	requests: BigFileRequest[];
	/** URL of a streamed PNG of `bytes` bytes. */
	fileUrl(bytes: number, options?: { contentLength?: boolean; delayMs?: number }): string;
	close(): Promise<void>;
}

const CHUNK = 64 * 1024;

/** A PNG signature and a valid IHDR (`width`×`height`, RGB): the start every image check reads. */
export function pngHeader(width = 4000, height = 3000): Buffer {
	const ihdr = Buffer.alloc(25);
	ihdr.writeUInt32BE(13, 0);
	ihdr.write('IHDR', 4, 'latin1');
	ihdr.writeUInt32BE(width, 8);
	ihdr.writeUInt32BE(height, 12);
	ihdr.set([8, 2, 0, 0, 0], 16);
	ihdr.writeUInt32BE(crc32(ihdr.subarray(4, 21)), 21);
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]);
}

export async function startBigFileServer(): Promise<BigFileServer> {
	const requests: BigFileRequest[] = [];
	const server: Server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const entry: BigFileRequest = {
			path: url.pathname,
			bytes: Number(url.searchParams.get('bytes') ?? 0),
			sent: 0,
			closed: false,
			complete: false,
		};
		requests.push(entry);
		res.on('close', () => {
			entry.closed = true;
		});
		res.writeHead(200, {
			'content-type': 'image/png',
			...(url.searchParams.get('length') === '0' ? {} : { 'content-length': entry.bytes }),
		});
		res.flushHeaders();
		const delayMs = Number(url.searchParams.get('delayMs') ?? 0);
		setTimeout(() => pump(res, entry), delayMs).unref();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const url = `http://127.0.0.1:${port}`;
	return {
		url,
		requests,
		fileUrl: (bytes, options = {}) =>
			`${url}/big-${requests.length}-${Date.now()}.png?bytes=${bytes}${options.contentLength === false ? '&length=0' : ''}${options.delayMs ? `&delayMs=${options.delayMs}` : ''}`,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** Writes the body in chunks, waiting for the socket to drain, until done or the client leaves. */
function pump(res: ServerResponse, entry: BigFileRequest): void {
	const header = pngHeader();
	const filler = Buffer.alloc(CHUNK, 0x5a);
	const next = (): void => {
		while (!entry.closed && entry.sent < entry.bytes) {
			const size = Math.min(CHUNK, entry.bytes - entry.sent);
			const chunk =
				entry.sent === 0
					? Buffer.concat([header, filler]).subarray(0, size)
					: filler.subarray(0, size);
			entry.sent += size;
			if (!res.write(chunk)) {
				res.once('drain', next);
				return;
			}
		}
		if (entry.closed) return;
		entry.complete = true;
		res.end();
	};
	next();
}

/** Writes a file of `bytes` bytes (a PNG header, then filler) without holding it in memory. */
export async function writeBigPng(path: string, bytes: number): Promise<void> {
	const file: FileHandle = await open(path, 'w');
	try {
		const filler = Buffer.alloc(8 * 1024 * 1024, 0x5a);
		const header = pngHeader();
		await file.write(header);
		let written = header.length;
		while (written < bytes) {
			const size = Math.min(filler.length, bytes - written);
			await file.write(filler, 0, size);
			written += size;
		}
	} finally {
		await file.close();
	}
}
