/**
 * Why a text is not an http(s) URL: `invalid` (no URL at all) or `protocol` (another scheme);
 * undefined when it is one.
 */
export function httpUrlProblem(value: string): 'invalid' | 'protocol' | undefined {
	if (!URL.canParse(value)) return 'invalid';
	const { protocol } = new URL(value);
	return protocol === 'http:' || protocol === 'https:' ? undefined : 'protocol';
}

export function isHttpUrl(value: string): boolean {
	return httpUrlProblem(value) === undefined;
}
