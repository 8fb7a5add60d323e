import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IWebhookFunctions,
} from 'n8n-workflow';

import {
	NETWORK_ERROR_CODES,
	NOT_SENT_ERROR_CODES,
	redactText,
	redactValue,
	VendorApiError,
} from '../errors';
import { parseJsonExact } from './json';

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

export interface SendOptions {
	/**
	 * The credential type whose key n8n adds; none for file hosts, so nothing secret is sent there.
	 */
	credentialType?: string;
	/** Text to scrub from replies and errors (the API key), should a vendor ever echo it. */
	secrets?: readonly string[];
}

export const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * The n8n context requests are sent from: a node's execution, or a webhook call (vendor callbacks).
 */
export type TransportContext = IExecuteFunctions | IWebhookFunctions;

/** Cancelling the execution aborts its requests; a webhook call has no cancel signal. */
export function cancelSignal(context: TransportContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}

/**
 * Sends one request through n8n's HTTP helpers. With a credential type the key is added by
 * n8n; without one nothing secret is sent (file hosts). Every HTTP status comes back as a
 * reply; network failures become a VendorApiError that carries only a network code.
 * Authenticated requests do not follow redirects: a redirect to another host would carry the
 * API key there.
 */
export async function sendHttp(
	context: TransportContext,
	vendor: string,
	call: HttpCall,
	send: SendOptions | string = {},
): Promise<HttpReply> {
	const { credentialType, secrets = [] } =
		typeof send === 'string' ? { credentialType: send } : send;
	const timeoutMs = call.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const options: IHttpRequestOptions = {
		method: call.method,
		url: call.url,
		qs: call.qs,
		body: call.body,
		headers: call.headers,
		timeout: timeoutMs,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		abortSignal: cancelSignal(context),
		...(credentialType
			? { disableFollowRedirect: true, sendCredentialsOnCrossOriginRedirect: false }
			: {}),
		// The answer always arrives as bytes, never parsed by n8n: readJsonBody keeps every digit of
		// ids beyond JavaScript's exact integers, which a parse by n8n would round.
		encoding: 'arraybuffer',
		json: !call.binary && !Buffer.isBuffer(call.body),
	};
	let reply: HttpReply;
	try {
		const response = credentialType
			? await context.helpers.httpRequestWithAuthentication.call(context, credentialType, options)
			: await context.helpers.httpRequest(options);
		reply = { status: response.statusCode, headers: response.headers ?? {}, body: response.body };
	} catch (error) {
		throw toNetworkError(vendor, error, timeoutMs, secrets);
	}
	if (credentialType && reply.status >= 300 && reply.status < 400) throw redirected(vendor, reply);
	if (!call.binary) reply.body = redactValue(readJsonBody(reply.body), secrets);
	return reply;
}

function redirected(vendor: string, reply: HttpReply) {
	const location = reply.headers.location;
	const target = Array.isArray(location) ? location[0] : location;
	let where = 'another address';
	try {
		if (target) where = new URL(target).origin;
	} catch {
		// A Location that is not a URL: say nothing more about it.
	}
	return new VendorApiError(
		`${vendor} answered with a redirect (HTTP ${reply.status}) to ${where}, which was not followed`,
		{
			vendor,
			httpStatus: reply.status,
			hint: 'Redirects are not followed so that the API key is not sent to another address. Check the base URL in the credential: use the address the API answers on directly (https).',
		},
	);
}

function toNetworkError(
	vendor: string,
	error: unknown,
	timeoutMs: number,
	secrets: readonly string[],
): VendorApiError {
	const code = findErrorCode(error);
	if (!code || !NETWORK_ERROR_CODES.has(code)) {
		// Not a network failure (a bad URL, a cancelled run, a credential problem): n8n's own message
		// says what.
		const reason =
			error instanceof Error && error.message
				? redactText(error.message, secrets)
				: 'unknown error';
		return new VendorApiError(`The request to ${vendor} failed: ${reason}`, {
			vendor,
			vendorCode: code ?? 'REQUEST_FAILED',
		});
	}
	const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
	const seconds = Math.round((timeoutMs / 1000) * 10) / 10;
	const message = timedOut
		? `${vendor} did not answer within ${seconds} s`
		: `Could not reach ${vendor}: ${NETWORK_FAILURES[code] ?? 'network error'} (${code})`;
	return new VendorApiError(message, {
		vendor,
		vendorCode: code,
		notSent: NOT_SENT_ERROR_CODES.has(code),
		hint: timedOut
			? 'The service is slow or unreachable. Try again later, or raise Request Timeout in the credential.'
			: 'Check the base URL in the credential and the network between n8n and the service.',
	});
}

const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ECONNRESET: 'the connection was closed before the answer came',
	EPIPE: 'the connection was closed before the answer came',
	UND_ERR_SOCKET: 'the connection was closed before the answer came',
	ENOTFOUND: 'the host name is unknown',
	EAI_AGAIN: 'the host name could not be looked up',
	ENETUNREACH: 'the network is unreachable',
	EHOSTUNREACH: 'the host is unreachable',
};

const ERROR_CODE = /^E[A-Z_]+$|^UND_ERR_[A-Z_]+$|^ERR_[A-Z_]+$/;

/**
 * Network codes sit on the error (`code`), on n8n's NodeApiError (`httpCode`, which n8n fills
 * with the code when there was no reply) or on one of the causes, depending on who wrapped it.
 * Last resort: a code named in n8n's raw messages ("connect ECONNREFUSED 127.0.0.1:9").
 */
export function findErrorCode(error: unknown): string | undefined {
	let current = error as
		| { code?: unknown; httpCode?: unknown; cause?: unknown; messages?: unknown; message?: unknown }
		| undefined;
	const texts: string[] = [];
	for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
		for (const value of [current.code, current.httpCode]) {
			if (typeof value === 'string' && ERROR_CODE.test(value)) return value;
		}
		if (Array.isArray(current.messages))
			texts.push(...current.messages.filter((text): text is string => typeof text === 'string'));
		if (typeof current.message === 'string') texts.push(current.message);
		current = current.cause as typeof current;
	}
	for (const text of texts) {
		const named = /\b(E[A-Z]{3,}|UND_ERR_[A-Z_]+)\b/.exec(text)?.[1];
		if (named && NETWORK_ERROR_CODES.has(named)) return named;
	}
	if (texts.some((text) => /socket hang up/i.test(text))) return 'ECONNRESET';
	if (texts.some((text) => /timeout of \d+ms exceeded/i.test(text))) return 'ECONNABORTED';
	return undefined;
}

/** Parses a JSON body that arrived as text or bytes; undefined when it is not JSON. */
export function parseJsonBody(body: unknown): unknown {
	const text = bodyText(body);
	if (text === undefined) return body;
	try {
		return parseJsonExact(text);
	} catch {
		return undefined;
	}
}

/** An API reply's body: its JSON value (integers beyond the exact ones as text), else its text. */
function readJsonBody(body: unknown): unknown {
	const value = parseJsonBody(body);
	return value === undefined ? (bodyText(body) ?? body) : value;
}

function bodyText(body: unknown): string | undefined {
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
	return typeof body === 'string' ? body : undefined;
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

/**
 * The request timeout set in a credential (seconds), in milliseconds; the default when unset or
 * invalid.
 */
export function timeoutFromCredential(value: unknown): number {
	const seconds = Number(value);
	return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_TIMEOUT_MS;
}

/**
 * What a vendor client reads from its credential: its own fields (`Fields`), the request timeout,
 * and the API key, only to scrub it from anything the vendor sends back.
 */
export async function readClientCredential<Fields extends object>(
	context: TransportContext,
	credentialType: string,
) {
	const fields = await context.getCredentials<
		Fields & { apiKey?: string; requestTimeout?: number }
	>(credentialType);
	const { apiKey } = fields;
	return {
		fields,
		timeoutMs: timeoutFromCredential(fields.requestTimeout),
		secrets: typeof apiKey === 'string' && apiKey ? [apiKey] : [],
	};
}

/**
 * File uploads and downloads carry more bytes than API calls: they get three times the request
 * timeout.
 */
export const FILE_TIMEOUT_FACTOR = 3;
