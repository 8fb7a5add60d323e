/**
 * What went wrong talking to a vendor, reduced to fields that are safe to show: the request,
 * its headers and the API key never travel with it.
 */
export class VendorApiError extends Error {
	constructor(
		message: string,
		readonly details: {
			vendor: string;
			/** The HTTP status, when there was a reply. */
			httpStatus?: number;
			/** The vendor's own error code (from its reply), or a network error code. */
			vendorCode?: string;
			traceId?: string;
			/** Seconds the vendor asked to wait before trying again (HTTP Retry-After). */
			retryAfterSeconds?: number;
			/** True when the request surely did not reach the vendor (no connection was made). */
			notSent?: boolean;
			/**
			 * The vendor refused the request for load (its concurrency cap, HTTP 429): it made nothing;
			 * try later.
			 */
			atCapacity?: boolean;
			/** Overrides the rule below: a vendor error code that means "try again later". */
			transient?: boolean;
			/** A create whose outcome is unknown: the vendor may have made the task anyway. */
			taskMayExist?: boolean;
			/** The task the failed request was about, so it can be checked later. */
			taskId?: string;
			/** Advice for the user. */
			hint?: string;
		},
	) {
		super(message);
		this.name = 'VendorApiError';
	}

	/**
	 * Whether repeating the same request later may succeed (for requests that are safe to repeat).
	 */
	get retryable() {
		const { httpStatus, vendorCode, transient, atCapacity } = this.details;
		if (transient !== undefined) return transient;
		if (atCapacity) return true;
		if (vendorCode === MALFORMED_REPLY) return true;
		if (httpStatus === 429 || (httpStatus !== undefined && httpStatus >= 500)) return true;
		return (
			httpStatus === undefined && vendorCode !== undefined && NETWORK_ERROR_CODES.has(vendorCode)
		);
	}

	/** The same error with changes to its details (message kept). */
	with(details: Partial<VendorApiError['details']>) {
		return new VendorApiError(this.message, { ...this.details, ...details });
	}
}

/** Bad input found before anything was sent; the message says what to fix. */
export class InputError extends Error {
	constructor(
		message: string,
		readonly hint?: string,
	) {
		super(message);
		this.name = 'InputError';
	}
}

/** A reply that could not be read: transient for reads, like a 5xx. */
export const MALFORMED_REPLY = 'MALFORMED_REPLY';

/** A success reply without what the docs promise (a task id, a URL). */
export const UNEXPECTED_REPLY = 'UNEXPECTED_REPLY';

export const NETWORK_ERROR_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'UND_ERR_SOCKET',
]);

/**
 * Network errors after which the request surely never reached the vendor: no connection was
 * made (refused, unknown host, no route). A timeout or a reset is not one of them: the vendor
 * may have received the request and acted on it.
 */
export const NOT_SENT_ERROR_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
]);

export const REDACTED = '[redacted]';

/** Secrets shorter than this are not searched for: they would match ordinary text. */
const MIN_SECRET_LENGTH = 8;

/** Replaces every occurrence of a secret (an API key) in text. */
export function redactText(text: string, secrets: readonly string[]): string {
	let result = text;
	for (const secret of secrets) {
		if (secret.length >= MIN_SECRET_LENGTH && result.includes(secret))
			result = result.split(secret).join(REDACTED);
	}
	return result;
}

/** The same JSON value with every secret replaced in its strings (keys included). */
export function redactValue<T>(value: T, secrets: readonly string[]): T {
	const active = secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH);
	if (!active.length) return value;
	const walk = (current: unknown): unknown => {
		if (typeof current === 'string') return redactText(current, active);
		if (Array.isArray(current)) return current.map(walk);
		if (current && typeof current === 'object' && !Buffer.isBuffer(current)) {
			return Object.fromEntries(
				Object.entries(current).map(([key, inner]) => [redactText(key, active), walk(inner)]),
			);
		}
		return current;
	};
	return walk(value) as T;
}
