import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { cancelSignal, findErrorCode } from './http';

/** A reply body as n8n hands it over with `encoding: 'stream'` (Node's IncomingMessage). */
interface ByteStream extends AsyncIterable<Uint8Array | string> {
	destroy(error?: Error): void;
	on(event: 'error', listener: () => void): unknown;
}

export type BoundedReply =
	| { kind: 'bytes'; status: number; data: Buffer }
	/** The body passed `maxBytes`: it was abandoned. `size` is the whole size when the host said it. */
	| { kind: 'tooLarge'; status: number; size?: number }
	/** No reply: `code` is the network error code, or REQUEST_FAILED. */
	| { kind: 'failed'; code: string };

/**
 * GETs a file from a host that gets no credential, reading the body as a stream and giving it up
 * as soon as it passes `maxBytes` (at once when its Content-Length says it will), so a huge file
 * never sits in n8n's memory. Error statuses come back with an empty body.
 */
export async function downloadAtMost(
	context: IExecuteFunctions,
	url: string,
	maxBytes: number,
	timeoutMs: number,
): Promise<BoundedReply> {
	// Our own signal, so giving up closes the connection: n8n's reply stream may wrap the socket's
	// and not pass a destroy on before it is read. Cancelling the execution aborts it too.
	const controller = new AbortController();
	const cancel = cancelSignal(context);
	const onCancel = () => controller.abort();
	if (cancel?.aborted) controller.abort();
	cancel?.addEventListener('abort', onCancel, { once: true });
	try {
		return await download(context, url, maxBytes, timeoutMs, controller);
	} finally {
		cancel?.removeEventListener('abort', onCancel);
	}
}

async function download(
	context: IExecuteFunctions,
	url: string,
	maxBytes: number,
	timeoutMs: number,
	controller: AbortController,
): Promise<BoundedReply> {
	const options: IHttpRequestOptions = {
		method: 'GET',
		url,
		encoding: 'stream',
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: timeoutMs,
		abortSignal: controller.signal,
	};
	let status: number;
	let headers: Record<string, unknown>;
	let body: unknown;
	try {
		const response = await context.helpers.httpRequest(options);
		({ statusCode: status, headers = {}, body } = response);
	} catch (error) {
		return { kind: 'failed', code: findErrorCode(error) ?? 'REQUEST_FAILED' };
	}
	if (!isByteStream(body)) return settle(status, toBuffer(body), maxBytes);
	const stream = body;
	const giveUp = () => {
		// Aborting makes the stream emit an error: nothing is left to hear it.
		stream.on('error', () => {});
		controller.abort();
		stream.destroy();
	};
	const declared = declaredLength(headers);
	if (status >= 400) {
		giveUp();
		return { kind: 'bytes', status, data: Buffer.alloc(0) };
	}
	if (declared !== undefined && declared > maxBytes) {
		giveUp();
		return { kind: 'tooLarge', status, size: declared };
	}
	const chunks: Buffer[] = [];
	let received = 0;
	try {
		for await (const chunk of stream) {
			const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
			received += bytes.length;
			if (received > maxBytes) {
				giveUp();
				return { kind: 'tooLarge', status };
			}
			chunks.push(bytes);
		}
	} catch (error) {
		giveUp();
		return { kind: 'failed', code: findErrorCode(error) ?? 'REQUEST_FAILED' };
	}
	if (controller.signal.aborted) return { kind: 'failed', code: 'REQUEST_FAILED' };
	return { kind: 'bytes', status, data: Buffer.concat(chunks, received) };
}

function settle(status: number, data: Buffer, maxBytes: number): BoundedReply {
	return data.length > maxBytes
		? { kind: 'tooLarge', status, size: data.length }
		: { kind: 'bytes', status, data };
}

function isByteStream(body: unknown): body is ByteStream {
	return (
		typeof body === 'object' &&
		body !== null &&
		typeof (body as Partial<ByteStream>).destroy === 'function' &&
		typeof (body as Partial<ByteStream>).on === 'function' &&
		Symbol.asyncIterator in body
	);
}

function toBuffer(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (typeof body === 'string') return Buffer.from(body);
	return Buffer.alloc(0);
}

/** The size a reply announces, when it announces one for the bytes as they arrive. */
function declaredLength(headers: Record<string, unknown>): number | undefined {
	const encoding = headers['content-encoding'];
	if (typeof encoding === 'string' && encoding && encoding !== 'identity') return undefined;
	const value = Number(headers['content-length']);
	return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
