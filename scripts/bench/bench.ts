// Catalog-scale benchmark of SellerPic Segment and PiAPI Segment in n8n's real engine (a child
// process, measured alone) against the fake vendors (this process), with fixed task latency and cap.
//   npm run bench             tuned: N ~4 MB photos, Poll Interval 500 ms, Max Concurrent Tasks C and 1
//   npm run bench -- defaults node parameters at their defaults: L = 1.5 s and 10 s, N = 20 and 200,
//                             SellerPic also with its minute between checks waived (what the rule
//                             costs), and one configuration in a real n8n as well
//   npm run bench -- overcap  Max Concurrent Tasks above what the vendor accepts (a small plan, a
//                             raised setting), in the engine and in a real n8n
//   npm run bench -- queue-sim several processes sharing one account (queue mode), in simulated
//                             time over many seeds (BENCH_SEEDS, default 100)
// Every figure comes with the refused creates per task and the tasks at the vendor the run settled at.

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { startPiApiFake, startSellerPicFake } from '../../test/fake';
import { makeLargePhoto } from '../../test/fake/images';
import { startReceiver } from '../../test/fake/test-client';
import { workflowFor } from '../../test/support/workflows';
import { benchQueueSim } from './queue-sim';
import { runInRealN8n } from './real-n8n';
import {
	OVERCAP_CASES,
	printDefaults,
	printOvercap,
	printTuned,
	settledConcurrency,
	type BenchResult,
	type OvercapResult,
} from './report';

type Vendor = 'sellerpic' | 'piapi';

const numbers = (value: string | undefined, fallback: number[]) =>
	value ? value.split(',').map(Number) : fallback;

const settings = {
	mode: (process.argv[2] ?? process.env.BENCH_MODE ?? 'tuned') as
		| 'tuned'
		| 'defaults'
		| 'overcap'
		| 'queue-sim',
	images: Number(process.env.BENCH_N ?? 200),
	imageBytes: Number(
		process.env.BENCH_IMAGE_BYTES ??
			(process.argv[2] === 'defaults' || process.argv[2] === 'overcap' ? 1_000_000 : 4_000_000),
	),
	distinctImages: 8,
	latencyMs: Number(process.env.BENCH_LATENCY_MS ?? 1000),
	cap: Number(process.env.BENCH_CAP ?? 5),
	pollIntervalMs: Number(process.env.BENCH_POLL_INTERVAL_MS ?? 500),
	sequentialImages: Number(process.env.BENCH_SEQUENTIAL_N ?? process.env.BENCH_N ?? 200),
	vendors: (process.env.BENCH_VENDORS ?? 'piapi,sellerpic').split(',') as Vendor[],
	defaults: {
		latenciesMs: numbers(process.env.BENCH_LATENCIES_MS, [1_500, 10_000]),
		sizes: numbers(process.env.BENCH_SIZES, [20, 200]),
		realN8n: process.env.BENCH_REAL_N8N !== 'false',
	},
	overcap: {
		/** Which of OVERCAP_CASES to run (their indices, 0-based); default all. */
		cases: numbers(
			process.env.BENCH_OVERCAP_CASES,
			OVERCAP_CASES.map((_, index) => index),
		),
		engine: process.env.BENCH_ENGINE !== 'false',
	},
};

/** What the vendors enforce in the fakes: SellerPic's minute between checks of a task; PiAPI none (1 s is the node's own floor). */
const VENDOR_MIN_POLL_MS: Record<Vendor, number> = { sellerpic: 60_000, piapi: 1_000 };

interface RunSpec {
	vendor: Vendor;
	images: number;
	latencyMs: number;
	/** Parameters on top of the required ones; none = every parameter at its default. */
	parameters?: Record<string, unknown>;
	label: string;
	/** The fake's minimum between checks (too-fast polls are counted against it). */
	minPollMs: number;
	/** The vendor's cap on tasks at once; default settings.cap. */
	cap?: number;
	/** PiAPI's account info (`data`); the fake's default unless set. */
	account?: Record<string, unknown>;
}

interface ChildResult {
	status: string;
	items: number;
	succeeded: number;
	nodeSeconds: number;
	baselineMb: number;
	peakMb: number;
}

async function main() {
	if (settings.mode === 'queue-sim')
		return await benchQueueSim(Number(process.env.BENCH_SEEDS ?? 100));
	console.log(
		`Generating ${settings.distinctImages} photos of ~${(settings.imageBytes / 1e6).toFixed(1)} MB…`,
	);
	const dir = mkdtempSync(join(tmpdir(), 'seg-bench-'));
	const files: string[] = [];
	for (let seed = 1; seed <= settings.distinctImages; seed++) {
		const path = join(dir, `product-${seed}.png`);
		writeFileSync(path, await makeLargePhoto(settings.imageBytes, seed));
		files.push(path);
	}
	if (settings.mode === 'defaults') await benchDefaults(files);
	else if (settings.mode === 'overcap') await benchOvercap(files);
	else await benchTuned(files);
}

async function benchTuned(files: string[]) {
	const results: BenchResult[] = [];
	for (const vendor of settings.vendors) {
		for (const concurrency of settings.sequentialImages > 0 ? [settings.cap, 1] : [settings.cap]) {
			const images = concurrency === 1 ? settings.sequentialImages : settings.images;
			const parameters = {
				imageSource: 'binary',
				pollInterval: settings.pollIntervalMs / 1000,
				maxWait: 600,
				options: { maxConcurrentTasks: concurrency, keepInputBinary: false },
			};
			const label = `Max Concurrent Tasks ${concurrency}`;
			results.push(
				await benchRun(
					files,
					{
						vendor,
						images,
						latencyMs: settings.latencyMs,
						parameters,
						label,
						minPollMs: settings.pollIntervalMs,
					},
					concurrency,
				),
			);
		}
	}
	printTuned(results, settings);
}

async function benchDefaults(files: string[]) {
	const results: BenchResult[] = [];
	for (const vendor of settings.vendors) {
		for (const latencyMs of settings.defaults.latenciesMs) {
			for (const images of settings.defaults.sizes) {
				results.push(
					await benchRun(files, {
						vendor,
						images,
						latencyMs,
						label: 'defaults',
						minPollMs: VENDOR_MIN_POLL_MS[vendor],
					}),
				);
			}
			if (vendor === 'sellerpic') {
				// What the minute between checks costs: the same run with the rule waived (Poll Interval 1 s).
				const images = Math.min(...settings.defaults.sizes);
				results.push(
					await benchRun(files, {
						vendor,
						images,
						latencyMs,
						parameters: { pollInterval: 1 },
						label: 'Poll Interval 1 s',
						minPollMs: 1_000,
					}),
				);
			}
		}
	}
	const realCase = {
		vendor: 'piapi' as const,
		images: Math.min(...settings.defaults.sizes),
		latencyMs: settings.defaults.latenciesMs[0],
		cap: settings.cap,
		label: 'defaults',
		minPollMs: 1_000,
	};
	const real = settings.defaults.realN8n ? (await runInRealN8n([realCase]))[0] : undefined;
	printDefaults(results, settings.cap, real);
}

/** Max Concurrent Tasks above the vendor's cap: the ideal is ⌈N/cap⌉·L, what the vendor allows. */
async function benchOvercap(files: string[]) {
	const cases = settings.overcap.cases.map((index) => OVERCAP_CASES[index]);
	const results: OvercapResult[] = [];
	if (settings.overcap.engine) {
		for (const overcap of cases) {
			const spec = { ...overcap, minPollMs: overcap.minPollMs, label: overcap.label };
			results.push({
				...overcap,
				where: 'engine',
				result: await benchRun(files, spec, overcap.cap),
			});
		}
	}
	if (settings.defaults.realN8n) {
		for (const real of await runInRealN8n(cases)) results.push(real);
	}
	printOvercap(results);
}

/** The create endpoint of each fake: every request to it counts, refused ones too. */
const CREATE_ENDPOINT: Record<Vendor, string> = {
	sellerpic: 'promptSegmentation',
	piapi: 'createTask',
};

async function benchRun(
	files: string[],
	spec: RunSpec,
	concurrency = settings.cap,
): Promise<BenchResult> {
	const cap = spec.cap ?? settings.cap;
	console.log(
		`Running ${spec.vendor}, ${spec.label}, L = ${spec.latencyMs} ms, cap ${cap}, on ${spec.images} images…`,
	);
	const fakeOptions = {
		taskLatencyMs: spec.latencyMs,
		concurrencyCap: cap,
		minPollIntervalMs: spec.minPollMs,
		...(spec.account ? { account: spec.account } : {}),
	};
	const fake =
		spec.vendor === 'sellerpic'
			? await startSellerPicFake(fakeOptions)
			: await startPiApiFake(fakeOptions);
	// The tasks the vendor holds, sampled: what the run settled at.
	const inFlight: number[] = [];
	const sampler = setInterval(() => inFlight.push(fake.inFlight()), 50);
	// PiAPI takes image URLs by default (it fetches them itself); SellerPic binary files.
	const imageHost =
		spec.vendor === 'piapi' && !spec.parameters?.imageSource
			? await startReceiver(await makeLargePhoto(settings.imageBytes, 1))
			: undefined;
	const credentials =
		spec.vendor === 'sellerpic'
			? { sellerPicApi: { apiKey: fake.config.apiKey, baseUrl: fake.baseUrl } }
			: {
					piApiApi: {
						apiKey: fake.config.apiKey,
						baseUrl: fake.baseUrl,
						uploadBaseUrl: (fake as { uploadBaseUrl?: string }).uploadBaseUrl,
					},
				};
	const items = Array.from({ length: spec.images }, (_, index) => ({
		json: { productId: `P${index + 1}` },
		files: { data: { path: files[index % files.length] } },
	}));
	const parameters = {
		prompt: 'product',
		...(imageHost ? { imageUrl: `${imageHost.url}/image.png` } : {}),
		...spec.parameters,
	};
	const nodeType = spec.vendor === 'sellerpic' ? 'sellerPicSegment' : 'piApiSegment';
	const workflow = workflowFor(nodeType, parameters as never, items, {
		credentials: [Object.keys(credentials)[0]],
	});

	const specPath = join(mkdtempSync(join(tmpdir(), 'seg-bench-run-')), 'spec.json');
	writeFileSync(specPath, JSON.stringify({ workflow, credentials }));
	const { stdout } = await promisify(execFile)(
		process.execPath,
		['--expose-gc', join(__dirname, 'engine-child.js'), specPath],
		{
			maxBuffer: 64 * 2 ** 20,
		},
	).finally(() => clearInterval(sampler));
	if (process.env.BENCH_TRACE) printTrace(fake.requests);
	await fake.close();
	await imageHost?.close();
	const line = stdout.split('\n').find((text) => text.startsWith('BENCH_RESULT '));
	if (!line) throw new Error(`The engine process printed no result:\n${stdout}`);
	const run = JSON.parse(line.slice('BENCH_RESULT '.length)) as ChildResult;
	if (run.status !== 'success' || run.items !== spec.images || run.succeeded !== spec.images) {
		throw new Error(`${spec.vendor} run did not succeed: ${JSON.stringify(run)}`);
	}
	return {
		vendor: spec.vendor,
		label: spec.label,
		concurrency,
		images: spec.images,
		latencyMs: spec.latencyMs,
		minPollMs: spec.minPollMs,
		wallSeconds: run.nodeSeconds,
		idealSeconds: (Math.ceil(spec.images / concurrency) * spec.latencyMs) / 1000,
		requestsPerImage: Object.fromEntries(
			Object.entries(fake.counters.calls).map(([endpoint, calls]) => [
				endpoint,
				calls / spec.images,
			]),
		),
		checksPerImage: fake.counters.polls / spec.images,
		peakInFlight: fake.counters.peakInFlight,
		refusedPerImage:
			(fake.counters.calls[CREATE_ENDPOINT[spec.vendor]] - fake.counters.creates) / spec.images,
		settledInFlight: settledConcurrency(inFlight),
		tooFastPolls: fake.counters.tooFastPolls,
		rssBaselineMb: run.baselineMb,
		rssPeakMb: run.peakMb,
	};
}

/** BENCH_TRACE=1: every request the fake saw, in seconds from the first. */
function printTrace(requests: Array<{ endpoint: string; path: string; at: number }>) {
	const start = requests[0]?.at ?? 0;
	for (const request of requests)
		console.log(
			`  ${((request.at - start) / 1000).toFixed(2)} ${request.endpoint} ${request.path.replace(/^.*[?/]/, '')}`,
		);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
