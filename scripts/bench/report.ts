export interface BenchResult {
	vendor: string;
	label: string;
	concurrency: number;
	images: number;
	latencyMs: number;
	/** The vendor's minimum between two checks of a task, as the fake enforced it. */
	minPollMs: number;
	wallSeconds: number;
	idealSeconds: number;
	requestsPerImage: Record<string, number>;
	checksPerImage: number;
	peakInFlight: number;
	tooFastPolls: number;
	rssBaselineMb: number;
	rssPeakMb: number;
}

export interface RealN8nResult {
	version: string;
	images: number;
	latencyMs: number;
	/** The node's own execution time in n8n's run data. */
	nodeSeconds: number;
	idealSeconds: number;
}

interface TunedSettings {
	images: number;
	imageBytes: number;
	latencyMs: number;
	cap: number;
	pollIntervalMs: number;
}

const ratio = (result: { wallSeconds: number; idealSeconds: number }) => (result.wallSeconds / result.idealSeconds).toFixed(3);

/** Status checks a task needs at most when checked every `minPollMs` from its creation: ⌈L / interval⌉ + 1. */
const checkBound = (latencyMs: number, minPollMs: number) => Math.ceil(latencyMs / minPollMs) + 1;

export function printTuned(results: BenchResult[], settings: TunedSettings) {
	console.log(
		`\nN = ${settings.images} images of ~${(settings.imageBytes / 1e6).toFixed(1)} MB, task latency L = ${settings.latencyMs} ms, ` +
			`vendor cap C = ${settings.cap}, poll interval = ${settings.pollIntervalMs} ms (poll bound per image: ${checkBound(settings.latencyMs, settings.pollIntervalMs)})\n`,
	);
	console.table(
		results.map((result) => ({
			vendor: result.vendor,
			'max concurrent': result.concurrency,
			images: result.images,
			'wall s': result.wallSeconds.toFixed(1),
			'ideal ⌈N/C⌉·L s': result.idealSeconds.toFixed(1),
			ratio: ratio(result),
			'peak in flight': result.peakInFlight,
			'too-fast polls': result.tooFastPolls,
			'RSS growth MB': (result.rssPeakMb - result.rssBaselineMb).toFixed(0),
		})),
	);
	printRequests(results);
}

export function printDefaults(results: BenchResult[], cap: number, real?: RealN8nResult) {
	console.log(`\nNode parameters at their defaults; vendor cap C = ${cap}; ideal = ⌈N/C⌉·L\n`);
	console.table(
		results.map((result) => ({
			vendor: result.vendor,
			settings: result.label,
			'L s': result.latencyMs / 1000,
			N: result.images,
			'wall s': result.wallSeconds.toFixed(1),
			'ideal s': result.idealSeconds.toFixed(1),
			ratio: ratio(result),
			'checks/task': result.checksPerImage.toFixed(2),
			'bound ⌈L/gap⌉+1': `${checkBound(result.latencyMs, result.minPollMs)} (gap ${result.minPollMs / 1000} s)`,
			'peak in flight': result.peakInFlight,
			'too-fast polls': result.tooFastPolls,
		})),
	);
	if (real) {
		const engine = results.find((result) => result.vendor === 'piapi' && result.label === 'defaults' && result.images === real.images && result.latencyMs === real.latencyMs);
		console.log(`Real n8n ${real.version} (n8n execute, the package installed as users install it), PiAPI Segment at defaults, N = ${real.images}, L = ${real.latencyMs / 1000} s:`);
		console.table([
			{ where: `real n8n ${real.version}`, 'node s': real.nodeSeconds.toFixed(1), 'ideal s': real.idealSeconds.toFixed(1), ratio: ratio({ wallSeconds: real.nodeSeconds, idealSeconds: real.idealSeconds }) },
			...(engine ? [{ where: 'n8n-core engine (above)', 'node s': engine.wallSeconds.toFixed(1), 'ideal s': engine.idealSeconds.toFixed(1), ratio: ratio(engine) }] : []),
		]);
	}
	printRequests(results);
}

function printRequests(results: BenchResult[]) {
	console.log('HTTP requests per image, by endpoint:');
	console.table(
		results.map((result) => ({
			vendor: result.vendor,
			settings: result.label,
			N: result.images,
			'L s': result.latencyMs / 1000,
			...Object.fromEntries(Object.entries(result.requestsPerImage).map(([endpoint, perImage]) => [endpoint, perImage.toFixed(2)])),
		})),
	);
}
