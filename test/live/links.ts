/**
 * How long a signed link says it lasts, in seconds from `now`: `Expires` (epoch seconds: S3 v2,
 * OSS, the fakes), `X-Amz-Expires` / `x-oss-expires` (seconds from signing), `se` (Azure, a
 * time). Undefined when the link states none.
 */
export function statedLifetimeSeconds(url: string, now: Date): number | undefined {
	let params: URLSearchParams;
	try {
		params = new URL(url).searchParams;
	} catch {
		return undefined;
	}
	const get = (name: string) =>
		[...params.entries()].find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
	const duration = get('X-Amz-Expires') ?? get('x-oss-expires');
	if (duration && /^\d+$/.test(duration)) return Number(duration);
	const epoch = get('Expires');
	if (epoch && /^\d+$/.test(epoch)) return Number(epoch) - Math.floor(now.getTime() / 1000);
	const azure = get('se');
	if (azure && !Number.isNaN(Date.parse(azure)))
		return Math.round((Date.parse(azure) - now.getTime()) / 1000);
	return undefined;
}

export function hours(seconds: number) {
	return `${(seconds / 3600).toFixed(2)} h`;
}

/** The host of a URL, or the text itself when it is not one. */
export function hostOf(url: string) {
	try {
		return new URL(url).host;
	} catch {
		return url;
	}
}
