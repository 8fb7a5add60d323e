/* Reading API replies: integers beyond JavaScript's exact ones keep every digit, as text. */
import { parseJsonExact } from '../../nodes/shared/transport/json';
import { parseJsonBody } from '../../nodes/shared/transport/http';

const ID = '1946000000000000123';

describe('parseJsonExact', () => {
	it('keeps a 19-digit integer as its exact decimal text, at any depth', () => {
		const text = `{"code":0,"data":{"id":${ID},"resultList":[{"id":${ID}7,"n":[1,${ID}]}]}}`;
		expect(parseJsonExact(text)).toEqual({
			code: 0,
			data: { id: ID, resultList: [{ id: `${ID}7`, n: [1, ID] }] },
		});
		// What JSON.parse makes of it: another id.
		expect(String((JSON.parse(text) as { data: { id: number } }).data.id)).not.toBe(ID);
	});

	it('keeps negative integers beyond the exact ones, and a bare one', () => {
		expect(parseJsonExact(`[-${ID}, -9007199254740992, -9007199254740991]`)).toEqual([
			`-${ID}`,
			'-9007199254740992',
			-9007199254740991,
		]);
		expect(parseJsonExact(ID)).toBe(ID);
	});

	it('leaves exact integers, decimals and exponents numbers', () => {
		expect(
			parseJsonExact('[0, -0.5, 9007199254740991, 1.5e300, 12345678901234567890.5, 1E21, 2e-7]'),
		).toEqual([0, -0.5, 9007199254740991, 1.5e300, 12345678901234567890.5, 1e21, 2e-7]);
	});

	it('leaves strings alone: digits, escaped quotes and backslashes in them', () => {
		const text = `{"a":"${ID}","b":"say \\"${ID}\\" twice","c":"C:\\\\","d":${ID},"e":"x\\\\\\"9"}`;
		expect(parseJsonExact(text)).toEqual({
			a: ID,
			b: `say "${ID}" twice`,
			c: 'C:\\',
			d: ID,
			e: 'x\\"9',
		});
	});

	it('reads literals, whitespace and empty containers as JSON.parse does', () => {
		const text = ' { "t" : true , "f":false,"n":null,"o":{},"l":[ ] }\n';
		expect(parseJsonExact(text)).toEqual(JSON.parse(text));
	});

	it('refuses what is not JSON, as JSON.parse does', () => {
		for (const text of ['', '{"code":0,"data":{"id":', '<html>', '{"a":0012345678901234567890}'])
			expect(() => parseJsonExact(text)).toThrow(SyntaxError);
	});
});

describe('parseJsonBody', () => {
	it('reads bytes and text exactly, passes parsed values through, and says undefined for non-JSON', () => {
		expect(parseJsonBody(Buffer.from(`{"id":${ID}}`))).toEqual({ id: ID });
		expect(parseJsonBody(`{"id":${ID}}`)).toEqual({ id: ID });
		expect(parseJsonBody({ id: 1 })).toEqual({ id: 1 });
		expect(parseJsonBody('<html>')).toBeUndefined();
	});
});
