export interface BenchResult {
	vendor: string;
	concurrency: number;
	images: number;
	wallSeconds: number;
	idealSeconds: number;
	requestsPerImage: Record<string, number>;
	peakInFlight: number;
	tooFastPolls: number;
	rssBaselineMb: number;
	rssPeakMb: number;
}

interface Settings {
	images: number;
	imageBytes: number;
	latencyMs: number;
	cap: number;
	pollIntervalMs: number;
}

export function printResults(results: BenchResult[], settings: Settings) {
	const pollBound = Math.ceil(settings.latencyMs / settings.pollIntervalMs) + 1;
	console.log(
		`\nN = ${settings.images} images of ~${(settings.imageBytes / 1e6).toFixed(1)} MB, task latency L = ${settings.latencyMs} ms, ` +
			`vendor cap C = ${settings.cap}, poll interval = ${settings.pollIntervalMs} ms (poll bound per image: ${pollBound})\n`,
	);
	const rows = results.map((result) => ({
		vendor: result.vendor,
		'max concurrent': result.concurrency,
		images: result.images,
		'wall s': result.wallSeconds.toFixed(1),
		'ideal ⌈N/C⌉·L s': result.idealSeconds.toFixed(1),
		ratio: (result.wallSeconds / result.idealSeconds).toFixed(3),
		'peak in flight': result.peakInFlight,
		'too-fast polls': result.tooFastPolls,
		'RSS growth MB': (result.rssPeakMb - result.rssBaselineMb).toFixed(0),
	}));
	console.table(rows);
	console.log('HTTP requests per image, by endpoint:');
	console.table(
		results.map((result) => ({
			vendor: result.vendor,
			'max concurrent': result.concurrency,
			...Object.fromEntries(Object.entries(result.requestsPerImage).map(([endpoint, perImage]) => [endpoint, perImage.toFixed(2)])),
		})),
	);
}
