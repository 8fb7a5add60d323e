import { createHash, randomBytes, timingSafeEqual } from 'crypto';

export function generateWebhookSecret(): string {
	return randomBytes(32).toString('hex');
}

/** What is kept of a secret: enough to check a caller, useless to impersonate one. */
export function secretFingerprint(secret: string): string {
	return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Constant-time check of a received secret against a fingerprint. Comparing fixed-length
 * digests keeps both the content and the length of the secret out of the timing.
 */
export function secretMatchesFingerprint(
	received: string | undefined,
	fingerprint: string,
): boolean {
	if (!received) return false;
	const expected = Buffer.from(fingerprint, 'hex');
	const actual = Buffer.from(secretFingerprint(received), 'hex');
	return expected.length === actual.length && timingSafeEqual(actual, expected);
}
