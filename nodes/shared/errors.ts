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
			/** The vendor's own error code (SellerPic `code`, PiAPI `code`/`error.code`), or a network error code. */
			vendorCode?: string;
			traceId?: string;
			/** Seconds the vendor asked to wait before trying again (HTTP Retry-After). */
			retryAfterSeconds?: number;
			/** True when the request surely did not reach the vendor (connection refused). */
			notSent?: boolean;
			/** Advice for the user. */
			hint?: string;
		},
	) {
		super(message);
		this.name = 'VendorApiError';
	}

	get retryable() {
		const { httpStatus, vendorCode } = this.details;
		if (vendorCode === MALFORMED_REPLY) return true;
		if (httpStatus === 429 || (httpStatus !== undefined && httpStatus >= 500)) return true;
		return httpStatus === undefined && vendorCode !== undefined && NETWORK_ERROR_CODES.has(vendorCode);
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
