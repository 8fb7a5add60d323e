import type { IDataObject } from 'n8n-workflow';

import { MALFORMED_REPLY, UNEXPECTED_REPLY, VendorApiError } from '../errors';
import { parseJsonBody, retryAfterSeconds, type HttpReply } from './http';

/*
 * What both vendors' replies have in common: a JSON envelope around `data`, HTTP errors, and
 * replies that are not what the docs promise. Each client reads its own envelope fields.
 */

/** The reply's JSON object, or undefined when the body is not one. */
export function envelopeOf(reply: HttpReply): IDataObject | undefined {
	const body = parseJsonBody(reply.body);
	return body && typeof body === 'object' && !Array.isArray(body)
		? (body as IDataObject)
		: undefined;
}

/** The envelope's `data` object (empty when absent). */
export function dataOf(envelope: IDataObject): IDataObject {
	return (envelope.data && typeof envelope.data === 'object' ? envelope.data : {}) as IDataObject;
}

export interface RefusalDetails {
	vendorMessage?: string;
	vendorCode?: string;
	traceId?: string;
	hint?: string;
}

/**
 * An HTTP error status: "<Vendor> answered HTTP <status>: <message>". 429 means the vendor is at
 * capacity.
 */
export function httpStatusError(
	vendor: string,
	reply: HttpReply,
	details: RefusalDetails,
): VendorApiError {
	return new VendorApiError(
		`${vendor} answered HTTP ${reply.status}${details.vendorMessage ? `: ${details.vendorMessage}` : ''}`,
		{
			vendor,
			httpStatus: reply.status,
			vendorCode: details.vendorCode,
			traceId: details.traceId,
			retryAfterSeconds: retryAfterSeconds(reply),
			atCapacity: reply.status === 429 || undefined,
			hint: details.hint,
		},
	);
}

/**
 * A reply that could not be read (HTML from a proxy, a cut-off body): transient for reads, like a
 * 5xx.
 */
export function malformedReply(vendor: string, reply: HttpReply): VendorApiError {
	return new VendorApiError(`${vendor} sent a reply that is not valid JSON`, {
		vendor,
		httpStatus: reply.status,
		vendorCode: MALFORMED_REPLY,
		hint: 'This is usually temporary. Try again later.',
	});
}

/** A success reply without what the docs promise (a task id, a URL). */
export function unexpectedReply(vendor: string, what: string, why: string): VendorApiError {
	return new VendorApiError(`${vendor}'s reply to the ${what} was not as documented (${why})`, {
		vendor,
		vendorCode: UNEXPECTED_REPLY,
	});
}
