import { createHash, randomBytes, timingSafeEqual } from 'crypto';

/** PiAPI sends the secret it was given back, verbatim, in this header (no signature). */
export const WEBHOOK_SECRET_HEADER = 'x-webhook-secret';

export function generateWebhookSecret(): string {
	return randomBytes(32).toString('hex');
}

/** What is kept of a generated secret: enough to check a caller, useless to impersonate one. */
export function secretFingerprint(secret: string): string {
	return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function receivedSecret(headers: Record<string, string | string[] | undefined>): string | undefined {
	const value = headers[WEBHOOK_SECRET_HEADER];
	return Array.isArray(value) ? value[0] : value;
}

/**
 * Constant-time check of a received secret against a fingerprint. Comparing fixed-length
 * digests keeps both the content and the length of the secret out of the timing.
 */
export function secretMatchesFingerprint(received: string | undefined, fingerprint: string): boolean {
	if (!received) return false;
	const expected = Buffer.from(fingerprint, 'hex');
	const actual = Buffer.from(secretFingerprint(received), 'hex');
	return expected.length === actual.length && timingSafeEqual(actual, expected);
}

export function secretMatches(received: string | undefined, expected: string): boolean {
	return Boolean(expected) && secretMatchesFingerprint(received, secretFingerprint(expected));
}
