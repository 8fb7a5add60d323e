/*
 * `npm run bench -- queue-sim`: the back-pressure of several n8n processes sharing one vendor
 * account, in simulated time (test/support/capacity-sim.ts), over many seeds. A design aid beside
 * the real queue-mode suite: a case of minutes runs in milliseconds, so a change to the limiter
 * is seen over a hundred arrivals orders rather than a few real runs. Its figures are of the
 * model, not of n8n.
 */
import {
	PLAIN_RETRY_DEFAULT_MS,
	QUEUE_SUITE_CASE,
	simulateQueue,
	type QueueCase,
	type QueueResult,
} from '../../test/support/capacity-sim';

const ONE_RUN = { workers: 1, startMs: [0, 100] as [number, number], taskMs: 1_500 };

const CASES: Record<string, Omit<QueueCase, 'seed'>> = {
	'queue suite, PiAPI (Retry-After 1 s)': { ...QUEUE_SUITE_CASE, retryAfterSeconds: 1 },
	'queue suite, SellerPic (no Retry-After)': QUEUE_SUITE_CASE,
	'one run, SellerPic N 20, Max Concurrent Tasks 10, cap 5': {
		...QUEUE_SUITE_CASE,
		...ONE_RUN,
		executions: 20,
		workerConcurrency: 10,
		pollMs: 1_000,
	},
	'one run, PiAPI N 10, Max Concurrent Tasks 5, cap 1': {
		...QUEUE_SUITE_CASE,
		...ONE_RUN,
		executions: 10,
		workerConcurrency: 5,
		vendorCap: 1,
		retryAfterSeconds: 1,
	},
	'one run, PiAPI N 10, Max Concurrent Tasks 5, a plan of 1 that the account reports': {
		...QUEUE_SUITE_CASE,
		...ONE_RUN,
		executions: 10,
		workerConcurrency: 5,
		vendorCap: 1,
		planLimit: 1,
		retryAfterSeconds: 1,
	},
	'queue suite, PiAPI, a plan of 5 that the account reports': {
		...QUEUE_SUITE_CASE,
		retryAfterSeconds: 1,
		planLimit: 5,
	},
	'one run, PiAPI N 200, Max Concurrent Tasks 30, cap 5': {
		...QUEUE_SUITE_CASE,
		...ONE_RUN,
		executions: 200,
		workerConcurrency: 30,
		retryAfterSeconds: 1,
	},
};

const quantile = (values: number[], share: number) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))];
};
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const fixed = (value: number) => value.toFixed(2);

/** Each case with the package's limiter, then with a plain retry after Retry-After (the baseline). */
const LIMITERS = ['account-capacity', 'plain-retry'] as const;

export async function benchQueueSim(seeds: number): Promise<void> {
	console.log(
		`Simulated time, ${seeds} seeds a case; time as a multiple of ⌈N/cap⌉·L. Each case with the limiter, then with a plain retry of each refused create after its Retry-After (${PLAIN_RETRY_DEFAULT_MS / 1000} s without one).`,
	);
	for (const [name, spec] of Object.entries(CASES)) {
		for (const limiter of LIMITERS) {
			const results: QueueResult[] = [];
			for (let seed = 1; seed <= seeds; seed++)
				results.push(await simulateQueue({ ...spec, limiter, seed }));
			const overCap = results.filter((result) => result.peakAtVendor > spec.vendorCap).length;
			if (overCap) throw new Error(`${name}: over the vendor's cap in ${overCap} seeds`);
			const ratios = results.map((result) => result.wallMs / result.idealMs);
			const refused = results.map((result) => result.refusals / spec.executions);
			const label = limiter === 'plain-retry' ? `${name} [plain retry]` : name;
			console.log(
				`${label}: time mean ${fixed(mean(ratios))}, p50 ${fixed(quantile(ratios, 0.5))}, p90 ${fixed(quantile(ratios, 0.9))}, max ${fixed(quantile(ratios, 1))}; refused creates per task mean ${fixed(mean(refused))}, p90 ${fixed(quantile(refused, 0.9))}, max ${fixed(quantile(refused, 1))}`,
			);
			const worst = results.reduce((a, b) => (b.wallMs > a.wallMs ? b : a));
			if (process.env.BENCH_SIM_TRACE)
				console.log(
					`  slowest (worker, + accepted / - refused, seconds): ${worst.creates.join(' ')}`,
				);
		}
	}
}
