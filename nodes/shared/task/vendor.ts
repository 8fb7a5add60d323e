import { VendorApiError } from '../errors';
import type { Vendor } from './model';

const SELLERPIC_ID = /^\d{1,19}$/;
const INT64_MAX = BigInt('9223372036854775807');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const VENDOR_ID_EXAMPLES: Record<Vendor, string> = {
	sellerpic: 'SellerPic IDs are whole numbers such as 1946000000000000123',
	piapi: 'PiAPI task IDs are UUIDs such as 3f2c9a4e-8b1d-4c6e-9f0a-1b2c3d4e5f60',
};

/** Whose ID this is: SellerPic's are int64 numbers, PiAPI's UUIDs; undefined for neither. */
export function vendorOfId(id: string): Vendor | undefined {
	if (SELLERPIC_ID.test(id) && BigInt(id) <= INT64_MAX) return 'sellerpic';
	if (UUID.test(id)) return 'piapi';
	return undefined;
}

/**
 * The same error with advice added, for vendor rejections of the request (not for transient
 * failures or refused credentials).
 * `append`: add to the advice already there; otherwise only errors without advice get it.
 */
export function withHint(error: unknown, hint: string, append = false): unknown {
	if (!(error instanceof VendorApiError) || error.retryable) return error;
	if (error.details.httpStatus === 401 || error.details.httpStatus === 403) return error;
	const { hint: existing } = error.details;
	if (existing && !append) return error;
	return error.with({ hint: existing ? `${existing} ${hint}` : hint });
}
