/**
 * Parses JSON text like JSON.parse, except that an integer beyond JavaScript's exact integers
 * (Number.MAX_SAFE_INTEGER) becomes its exact decimal text: a 19-digit id sent as a bare number
 * keeps every digit. Other numbers (decimals, exponents, safe integers) stay numbers. Throws on
 * text that is not JSON, as JSON.parse does.
 */
export function parseJsonExact(text: string): unknown {
	return JSON.parse(quoteUnsafeIntegers(text));
}

const NUMBER_START = /[-0-9]/;
const NUMBER_TOKEN = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;

/** The text with every unsafe integer outside strings put in quotes; the rest as it was. */
function quoteUnsafeIntegers(text: string): string {
	let result = '';
	let copiedUpTo = 0;
	let index = 0;
	while (index < text.length) {
		const char = text[index];
		if (char === '"') {
			index = endOfString(text, index);
			continue;
		}
		if (!NUMBER_START.test(char)) {
			index++;
			continue;
		}
		NUMBER_TOKEN.lastIndex = index;
		const token = NUMBER_TOKEN.exec(text)?.[0];
		if (!token) {
			index++;
			continue;
		}
		const isInteger = /^-?[0-9]+$/.test(token);
		if (isInteger && !Number.isSafeInteger(Number(token))) {
			result += `${text.slice(copiedUpTo, index)}"${token}"`;
			copiedUpTo = index + token.length;
		}
		index += token.length;
	}
	return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}

/** The index just after the string that opens at `start` (its closing quote included). */
function endOfString(text: string, start: number): number {
	let index = start + 1;
	while (index < text.length) {
		const char = text[index];
		if (char === '\\') index += 2;
		else if (char === '"') return index + 1;
		else index++;
	}
	return index;
}
