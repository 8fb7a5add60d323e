import { parseLossless, rawLiteral } from './json';
import { statedLifetimeSeconds } from './links';
import { REDACTED, Redactor } from './redact';

describe('the live check redactor', () => {
	const key = 'sk-live-1234567890abcdef+/=';

	it('replaces a registered key in any form it may come back in', () => {
		const redactor = new Redactor();
		redactor.add(key);
		const forms = [
			`Bearer ${key}`,
			`?key=${encodeURIComponent(key)}`,
			JSON.stringify({ echo: `"${key}"` }),
			Buffer.from(key).toString('base64'),
		];
		for (const form of forms) {
			const out = redactor.text(form);
			expect(out).toContain(REDACTED);
			expect(out).not.toContain(key);
			expect(out).not.toContain(encodeURIComponent(key));
			expect(out).not.toContain(Buffer.from(key).toString('base64'));
		}
	});

	it('empties secret-named fields, in objects and in JSON text kept as a string', () => {
		const redactor = new Redactor();
		const body =
			'{"config":{"webhook_config":{"endpoint":"https://x","secret":"hook-s3cret"}},"api_key":"unknown-key"}';
		const copy = redactor.value({
			body,
			nested: { secret: 'hook-s3cret', 'x-api-key': 'abcd1234' },
		});
		const text = JSON.stringify(copy);
		expect(text).not.toContain('hook-s3cret');
		expect(text).not.toContain('unknown-key');
		expect(text).not.toContain('abcd1234');
		expect(copy.body).toContain('"endpoint":"https://x"');
		expect(copy.nested.secret).toBe(REDACTED);
	});

	it('leaves everything else as it was', () => {
		const redactor = new Redactor();
		redactor.add(key);
		const value = { status: 401, body: '{"code":401,"msg":"Unauthorized","secret":""}' };
		expect(redactor.value(value)).toEqual(value);
	});
});

describe('the live check JSON reading', () => {
	it('keeps every digit of a 19-digit id sent as a JSON number', () => {
		const text =
			'{"code":0,"data":{"id":1946000000000000123,"n":12,"f":1.5,"s":"1946000000000000123 x"}}';
		expect(parseLossless(text)).toEqual({
			code: 0,
			data: { id: '1946000000000000123', n: 12, f: 1.5, s: '1946000000000000123 x' },
		});
		expect(rawLiteral(text, 'id')).toBe('1946000000000000123');
		expect(rawLiteral('{"id":"77"}', 'id')).toBe('"77"');
		expect(parseLossless('<html>')).toBeUndefined();
	});

	it('reads the lifetime a signed link states', () => {
		const now = new Date('2026-01-01T00:00:00Z');
		const epoch = now.getTime() / 1000 + 12 * 3600;
		expect(statedLifetimeSeconds(`https://h/f.png?Expires=${epoch}&Signature=x`, now)).toBe(43_200);
		expect(
			statedLifetimeSeconds('https://h/f.png?X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600', now),
		).toBe(3600);
		expect(statedLifetimeSeconds('https://h/f.png', now)).toBeUndefined();
	});
});
