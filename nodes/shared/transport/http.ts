import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';

import { VendorApiError } from '../errors';

export interface HttpReply {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

export interface HttpCall {
	method: IHttpRequestMethods;
	url: string;
	qs?: IDataObject;
	body?: IDataObject | Buffer;
	headers?: Record<string, string>;
	/** Answer body as bytes (files) instead of JSON. */
	binary?: boolean;
	timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Sends one request through n8n's HTTP helpers. With a credential type the key is added by
 * n8n; without one nothing secret is sent (file hosts). Every HTTP status comes back as a
 * reply; network failures become a VendorApiError that carries only a network code.
 */
export async function sendHttp(
	context: IExecuteFunctions,
	vendor: string,
	call: HttpCall,
	credentialType?: string,
): Promise<HttpReply> {
	const options: IHttpRequestOptions = {
		method: call.method,
		url: call.url,
		qs: call.qs,
		body: call.body,
		headers: call.headers,
		timeout: call.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		...(call.binary ? { encoding: 'arraybuffer', json: false } : { json: !Buffer.isBuffer(call.body) }),
	};
	try {
		const response = credentialType
			? await context.helpers.httpRequestWithAuthentication.call(context, credentialType, options)
			: await context.helpers.httpRequest(options);
		return { status: response.statusCode, headers: response.headers ?? {}, body: response.body };
	} catch (error) {
		throw toNetworkError(vendor, error);
	}
}

function toNetworkError(vendor: string, error: unknown): VendorApiError {
	const code = findErrorCode(error) ?? 'NETWORK_ERROR';
	const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
	const message = timedOut
		? `${vendor} did not answer in time`
		: `Could not reach ${vendor} (${code})`;
	return new VendorApiError(message, {
		vendor,
		vendorCode: code,
		notSent: code === 'ECONNREFUSED',
		hint: timedOut
			? 'The service is slow or unreachable. Try again later, or raise the request timeout.'
			: 'Check the base URL in the credential and the network between n8n and the service.',
	});
}

/** Network codes sit on the error or on one of its causes, depending on who wrapped it. */
function findErrorCode(error: unknown): string | undefined {
	let current = error as { code?: unknown; cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		if (typeof current.code === 'string' && /^[A-Z_]+$/.test(current.code)) return current.code;
		current = current.cause as typeof current;
	}
	return undefined;
}

/** Parses a JSON body that arrived as text or bytes; undefined when it is not JSON. */
export function parseJsonBody(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return undefined;
	}
}

export function retryAfterSeconds(reply: HttpReply): number | undefined {
	const header = reply.headers['retry-after'];
	const value = Array.isArray(header) ? header[0] : header;
	if (!value) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

export function joinUrl(base: string, path: string) {
	return `${base.replace(/\/+$/, '')}${path}`;
}
