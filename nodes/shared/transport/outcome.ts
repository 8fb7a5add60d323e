import { MALFORMED_REPLY, NETWORK_ERROR_CODES, UNEXPECTED_REPLY, VendorApiError } from '../errors';

/**
 * Errors after which the vendor surely created nothing: the request never left, or was refused for
 * load.
 */
export function createdNothing(error: VendorApiError) {
	return error.details.notSent === true || error.details.atCapacity === true;
}

/**
 * Whether a failed create may still have created the task: the request may have reached the
 * vendor and been acted on, but the answer was lost or unreadable (timeout, reset, HTTP 5xx,
 * a reply that is not JSON). A refusal (HTTP 4xx, an error code in the reply) or a request
 * that never left (connection refused) created nothing.
 */
export function mayHaveCreated(error: VendorApiError) {
	if (createdNothing(error)) return false;
	const { httpStatus, vendorCode, transient } = error.details;
	if (vendorCode === MALFORMED_REPLY || vendorCode === UNEXPECTED_REPLY || transient === true)
		return true;
	if (httpStatus !== undefined) return httpStatus >= 500;
	return vendorCode !== undefined && NETWORK_ERROR_CODES.has(vendorCode);
}

/**
 * The error of a create whose outcome is unknown, marked and explained; other errors as they are.
 */
export function outcomeUnknown(error: unknown, hint: string): unknown {
	if (!(error instanceof VendorApiError) || !mayHaveCreated(error)) return error;
	return error.with({
		taskMayExist: true,
		hint: error.details.hint ? `${hint} ${error.details.hint}` : hint,
	});
}
