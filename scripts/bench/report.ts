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
	/** Create requests the vendor refused for capacity, per task. */
	refusedPerImage: number;
	/** The tasks the vendor held once the run had settled (see settledConcurrency). */
	settledInFlight: number;
	tooFastPolls: number;
	rssBaselineMb: number;
	rssPeakMb: number;
}

/** One configuration run in a real n8n. */
export interface RealN8nCase {
	vendor: 'piapi' | 'sellerpic';
	images: number;
	latencyMs: number;
	/** The vendor's cap on tasks at once. */
	cap: number;
	/** Node parameters on top of the required ones; none = defaults. */
	parameters?: Record<string, unknown>;
	label: string;
	/** The fake's minimum between checks of a task. */
	minPollMs: number;
	/** What PiAPI's GET /account/info reports in `data` (the fake's default unless set). */
	account?: Record<string, unknown>;
}

export interface RealN8nResult extends RealN8nCase {
	where: string;
	version: string;
	/** The node's own execution time in n8n's run data. */
	nodeSeconds: number;
	idealSeconds: number;
	refusedPerImage: number;
	settledInFlight: number;
	peakInFlight: number;
}

/** A case of `npm run bench -- overcap`: Max Concurrent Tasks above the vendor's cap. */
export interface OvercapCase extends RealN8nCase {
	/** The target for node time / ⌈N/cap⌉·L. */
	target: number;
}

/** Max Concurrent Tasks above what the vendor accepts (tasks of 1.5 s). */
export const OVERCAP_CASES: OvercapCase[] = [
	{
		vendor: 'sellerpic',
		images: 20,
		latencyMs: 1_500,
		cap: 5,
		parameters: { pollInterval: 1, options: { maxConcurrentTasks: 10 } },
		label: 'Poll Interval 1 s, Max Concurrent Tasks 10',
		minPollMs: 1_000,
		target: 1.3,
	},
	{
		vendor: 'piapi',
		images: 10,
		latencyMs: 1_500,
		cap: 1,
		label: 'defaults (Max Concurrent Tasks 5)',
		minPollMs: 1_000,
		target: 1.25,
	},
	{
		vendor: 'piapi',
		images: 10,
		latencyMs: 1_500,
		cap: 1,
		label: 'defaults, a plan of 1 that GET /account/info reports',
		minPollMs: 1_000,
		account: {
			account_id: 'acc-fake-0001',
			account_name: 'fake-account',
			credits: 1000,
			equivalent_in_usd: 10,
			max_concurrent_task_count: 1,
		},
		target: 1.1,
	},
	{
		vendor: 'piapi',
		images: 200,
		latencyMs: 1_500,
		cap: 5,
		parameters: { options: { maxConcurrentTasks: 30 } },
		label: 'Max Concurrent Tasks 30',
		minPollMs: 1_000,
		target: 1.15,
	},
];

export type OvercapResult =
	| (OvercapCase & { where: 'engine'; result: BenchResult })
	| (RealN8nResult & OvercapCase);

/**
 * The tasks the vendor held once the run had settled: the median of the samples taken while it
 * held any, leaving out the first fifth (the first wave, before refusals taught the run).
 */
export function settledConcurrency(samples: number[]): number {
	const busy = samples.filter((count) => count > 0);
	const settled = busy.slice(Math.floor(busy.length / 5)).sort((a, b) => a - b);
	return settled.length ? settled[Math.floor(settled.length / 2)] : 0;
}

interface TunedSettings {
	images: number;
	imageBytes: number;
	latencyMs: number;
	cap: number;
	pollIntervalMs: number;
}

const ratio = (result: { wallSeconds: number; idealSeconds: number }) =>
	(result.wallSeconds / result.idealSeconds).toFixed(3);

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
			'settled at': result.settledInFlight,
			'refused/task': result.refusedPerImage.toFixed(2),
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
			'settled at': result.settledInFlight,
			'refused/task': result.refusedPerImage.toFixed(2),
			'too-fast polls': result.tooFastPolls,
		})),
	);
	if (real) {
		const engine = results.find(
			(result) =>
				result.vendor === 'piapi' &&
				result.label === 'defaults' &&
				result.images === real.images &&
				result.latencyMs === real.latencyMs,
		);
		console.log(
			`Real n8n ${real.version} (n8n execute, the package installed as users install it), PiAPI Segment at defaults, N = ${real.images}, L = ${real.latencyMs / 1000} s:`,
		);
		console.table([
			{
				where: `real n8n ${real.version}`,
				'node s': real.nodeSeconds.toFixed(1),
				'ideal s': real.idealSeconds.toFixed(1),
				ratio: ratio({ wallSeconds: real.nodeSeconds, idealSeconds: real.idealSeconds }),
				'settled at': real.settledInFlight,
				'refused/task': real.refusedPerImage.toFixed(2),
			},
			...(engine
				? [
						{
							where: 'n8n-core engine (above)',
							'node s': engine.wallSeconds.toFixed(1),
							'ideal s': engine.idealSeconds.toFixed(1),
							ratio: ratio(engine),
							'settled at': engine.settledInFlight,
							'refused/task': engine.refusedPerImage.toFixed(2),
						},
					]
				: []),
		]);
	}
	printRequests(results);
}

export function printOvercap(results: OvercapResult[]) {
	console.log(
		'\nMax Concurrent Tasks above the vendor cap C; ideal = ⌈N/C⌉·L (what the vendor allows)\n',
	);
	console.table(
		results.map((run) => {
			const measured =
				'result' in run ? { ...run.result, nodeSeconds: run.result.wallSeconds } : run;
			const achieved = measured.nodeSeconds / measured.idealSeconds;
			return {
				where: run.where,
				vendor: run.vendor,
				settings: run.label,
				C: run.cap,
				N: run.images,
				'L s': run.latencyMs / 1000,
				'node s': measured.nodeSeconds.toFixed(1),
				'ideal s': measured.idealSeconds.toFixed(1),
				ratio: achieved.toFixed(3),
				target: `≤ ${run.target}`,
				met: achieved <= run.target ? 'yes' : 'no',
				'refused/task': measured.refusedPerImage.toFixed(2),
				'refused creates': Math.round(measured.refusedPerImage * run.images),
				'settled at': measured.settledInFlight,
				'peak in flight': measured.peakInFlight,
			};
		}),
	);
}

function printRequests(results: BenchResult[]) {
	console.log('HTTP requests per image, by endpoint:');
	console.table(
		results.map((result) => ({
			vendor: result.vendor,
			settings: result.label,
			N: result.images,
			'L s': result.latencyMs / 1000,
			...Object.fromEntries(
				Object.entries(result.requestsPerImage).map(([endpoint, perImage]) => [
					endpoint,
					perImage.toFixed(2),
				]),
			),
		})),
	);
}
