import {
	MALFORMED_REPLY,
	redactText,
	redactValue,
	UNEXPECTED_REPLY,
	VendorApiError,
} from '../../nodes/shared/errors';
import { findErrorCode } from '../../nodes/shared/transport/http';
import { createdNothing, mayHaveCreated } from '../../nodes/shared/transport/outcome';

const error = (details: Partial<VendorApiError['details']>) =>
	new VendorApiError('x', { vendor: 'V', ...details });

describe('findErrorCode: the network code, wherever n8n put it', () => {
	it.each([
		['on the error', Object.assign(new Error('boom'), { code: 'ECONNRESET' }), 'ECONNRESET'],
		["in n8n's NodeApiError httpCode", { message: 'x', httpCode: 'ECONNREFUSED' }, 'ECONNREFUSED'],
		[
			'on a cause',
			new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ETIMEDOUT' }) }),
			'ETIMEDOUT',
		],
		['on a cause of a cause', { cause: { cause: { code: 'UND_ERR_SOCKET' } } }, 'UND_ERR_SOCKET'],
		[
			"named in n8n's raw messages",
			{ messages: ['connect ECONNREFUSED 127.0.0.1:9'] },
			'ECONNREFUSED',
		],
		['named in the message', new Error('getaddrinfo ENOTFOUND api.example'), 'ENOTFOUND'],
		['as "socket hang up"', new Error('socket hang up'), 'ECONNRESET'],
		["as axios's timeout text", new Error('timeout of 60000ms exceeded'), 'ECONNABORTED'],
	])('%s', (_where, thrown, code) => expect(findErrorCode(thrown)).toBe(code));

	it('finds nothing in an error without a code', () => {
		expect(findErrorCode(new Error('Bad request'))).toBeUndefined();
		expect(findErrorCode(undefined)).toBeUndefined();
		expect(findErrorCode({ message: 'status 404 EXPECTED nothing' })).toBeUndefined();
	});
});

describe('VendorApiError.retryable', () => {
	it.each([
		[{ httpStatus: 429 }, true],
		[{ httpStatus: 503 }, true],
		[{ httpStatus: 404 }, false],
		[{ vendorCode: 'ECONNRESET' }, true],
		[{ vendorCode: MALFORMED_REPLY }, true],
		[{ vendorCode: UNEXPECTED_REPLY }, false],
		[{ httpStatus: 200, vendorCode: '30003', atCapacity: true }, true],
		[{ httpStatus: 500, transient: false }, false],
	])('%j → %s', (details, retryable) => expect(error(details).retryable).toBe(retryable));
});

describe('create outcomes', () => {
	it.each([
		['connection refused', { vendorCode: 'ECONNREFUSED', notSent: true }, true, false],
		['a capacity refusal', { httpStatus: 429, atCapacity: true }, true, false],
		['a 4xx refusal', { httpStatus: 400 }, false, false],
		['an HTTP 5xx', { httpStatus: 502 }, false, true],
		['a reset', { vendorCode: 'ECONNRESET' }, false, true],
		['an unreadable reply', { httpStatus: 200, vendorCode: MALFORMED_REPLY }, false, true],
		[
			"PiAPI's code 500 in a 200 reply",
			{ httpStatus: 200, vendorCode: '500', transient: true },
			false,
			true,
		],
	])('%s: created nothing %s, may have created %s', (_case, details, nothing, maybe) => {
		expect(createdNothing(error(details))).toBe(nothing);
		expect(mayHaveCreated(error(details))).toBe(maybe);
	});
});

describe('redaction', () => {
	const key = 'sk-live-0123456789';
	it('replaces a key in text and in JSON values and keys', () => {
		expect(redactText(`bad key ${key}!`, [key])).toBe('bad key [redacted]!');
		expect(redactValue({ [key]: [`x${key}`, 1] }, [key])).toEqual({
			'[redacted]': ['x[redacted]', 1],
		});
	});
	it('leaves short secrets alone: they would match ordinary text', () => {
		expect(redactText('a b c', ['a'])).toBe('a b c');
	});
});
