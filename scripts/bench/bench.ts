// Catalog-scale benchmark: N generated ~4 MB photos through SellerPic Segment and PiAPI
// Segment in n8n's real engine (a child process, measured alone), against the fake vendors
// (this process) with fixed task latency and cap.

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { startPiApiFake, startSellerPicFake } from '../../test/fake';
import { makeLargePhoto } from '../../test/fake/images';
import { workflowFor } from '../../test/support/workflows';
import { printResults, type BenchResult } from './report';

const settings = {
	images: Number(process.env.BENCH_N ?? 200),
	imageBytes: Number(process.env.BENCH_IMAGE_BYTES ?? 4_000_000),
	distinctImages: 8,
	latencyMs: Number(process.env.BENCH_LATENCY_MS ?? 1000),
	cap: Number(process.env.BENCH_CAP ?? 5),
	pollIntervalMs: Number(process.env.BENCH_POLL_INTERVAL_MS ?? 500),
	sequentialImages: Number(process.env.BENCH_SEQUENTIAL_N ?? process.env.BENCH_N ?? 200),
	vendors: (process.env.BENCH_VENDORS ?? 'sellerpic,piapi').split(',') as Vendor[],
};

type Vendor = 'sellerpic' | 'piapi';

interface ChildResult {
	status: string;
	items: number;
	succeeded: number;
	nodeSeconds: number;
	baselineMb: number;
	peakMb: number;
}

async function main() {
	console.log(`Generating ${settings.distinctImages} photos of ~${(settings.imageBytes / 1e6).toFixed(1)} MB…`);
	const dir = mkdtempSync(join(tmpdir(), 'seg-bench-'));
	const files: string[] = [];
	for (let seed = 1; seed <= settings.distinctImages; seed++) {
		const path = join(dir, `product-${seed}.png`);
		writeFileSync(path, await makeLargePhoto(settings.imageBytes, seed));
		files.push(path);
	}
	const results: BenchResult[] = [];
	for (const vendor of settings.vendors) {
		results.push(await benchRun(vendor, files, settings.cap, settings.images));
		if (settings.sequentialImages > 0) results.push(await benchRun(vendor, files, 1, settings.sequentialImages));
	}
	printResults(results, settings);
}

async function benchRun(vendor: Vendor, files: string[], concurrency: number, images: number): Promise<BenchResult> {
	console.log(`Running ${vendor} with Max Concurrent Tasks ${concurrency} on ${images} images…`);
	const fakeOptions = { taskLatencyMs: settings.latencyMs, concurrencyCap: settings.cap, minPollIntervalMs: settings.pollIntervalMs };
	const fake = vendor === 'sellerpic' ? await startSellerPicFake(fakeOptions) : await startPiApiFake(fakeOptions);
	const credentials =
		vendor === 'sellerpic'
			? { sellerPicApi: { apiKey: fake.config.apiKey, baseUrl: fake.baseUrl } }
			: { piApiApi: { apiKey: fake.config.apiKey, baseUrl: fake.baseUrl, uploadBaseUrl: (fake as { uploadBaseUrl?: string }).uploadBaseUrl } };
	const items = Array.from({ length: images }, (_, index) => ({
		json: { productId: `P${index + 1}` },
		files: { data: { path: files[index % files.length] } },
	}));
	const parameters = {
		imageSource: 'binary',
		prompt: 'product',
		...(vendor === 'sellerpic' ? { mode: 'prompt' } : {}),
		pollInterval: settings.pollIntervalMs / 1000,
		maxWait: 600,
		options: { maxConcurrentTasks: concurrency, keepInputBinary: false },
	};
	const nodeType = vendor === 'sellerpic' ? 'sellerPicSegment' : 'piApiSegment';
	const workflow = workflowFor(nodeType, parameters as never, items, { credentials: [Object.keys(credentials)[0]] });

	const specPath = join(mkdtempSync(join(tmpdir(), 'seg-bench-run-')), 'spec.json');
	writeFileSync(specPath, JSON.stringify({ workflow, credentials }));
	const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', join(__dirname, 'engine-child.js'), specPath], {
		maxBuffer: 64 * 2 ** 20,
	});
	await fake.close();
	const line = stdout.split('\n').find((text) => text.startsWith('BENCH_RESULT '));
	if (!line) throw new Error(`The engine process printed no result:\n${stdout}`);
	const run = JSON.parse(line.slice('BENCH_RESULT '.length)) as ChildResult;
	if (run.status !== 'success' || run.items !== images || run.succeeded !== images) {
		throw new Error(`${vendor} run did not succeed: ${JSON.stringify(run)}`);
	}
	return {
		vendor,
		concurrency,
		images,
		wallSeconds: run.nodeSeconds,
		idealSeconds: (Math.ceil(images / concurrency) * settings.latencyMs) / 1000,
		requestsPerImage: Object.fromEntries(Object.entries(fake.counters.calls).map(([endpoint, calls]) => [endpoint, calls / images])),
		peakInFlight: fake.counters.peakInFlight,
		tooFastPolls: fake.counters.tooFastPolls,
		rssBaselineMb: run.baselineMb,
		rssPeakMb: run.peakMb,
	};
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
