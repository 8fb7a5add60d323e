/**
 * JSON.parse that keeps every digit: integer literals of 16 digits or more (beyond JavaScript's exact
 * integers) become strings. Undefined when the text is not JSON.
 */
export function parseLossless(text: string): unknown {
	try {
		return JSON.parse(quoteLongIntegers(text));
	} catch {
		return undefined;
	}
}

function quoteLongIntegers(text: string): string {
	let out = '';
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const char = text[i];
		if (inString) {
			out += char;
			if (char === '\\') out += text[++i] ?? '';
			else if (char === '"') inString = false;
			continue;
		}
		if (char === '"') {
			inString = true;
			out += char;
			continue;
		}
		const number = /^-?\d+(?![.eE\d])/.exec(text.slice(i, i + 40));
		if (number && (i === 0 || !/[\w.]/.test(text[i - 1]))) {
			const digits = number[0].replace('-', '').length;
			out += digits >= 16 ? `"${number[0]}"` : number[0];
			i += number[0].length - 1;
			continue;
		}
		out += char;
	}
	return out;
}

/** The raw JSON literal of the first `"<field>": <value>` in a body (to tell a number from a string). */
export function rawLiteral(text: string, field: string): string | undefined {
	const match = new RegExp(`"${field}"\\s*:\\s*("(?:[^"\\\\]|\\\\.)*"|-?\\d[\\d.eE+-]*)`).exec(
		text,
	);
	return match?.[1];
}
