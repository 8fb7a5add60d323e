/*
 * The package in n8n's queue mode, as production scales it out: PostgreSQL and Redis, n8n main,
 * two workers and a webhook processor, the package installed on each from its tarball, against
 * the fake vendors. Measured figures (wall time, creates per task) go to
 * .n8n-e2e/queue/measurements.json and the log.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';

import type { PiApiFake, SellerPicFake } from '../fake';
import {
	CREDENTIALS,
	EXAMPLE_IDS,
	loadExamples,
	prepareExample,
} from '../../tools/local-n8n/n8n/examples';
import { nodeItems, nodeSpan, type OutputItem } from '../../tools/local-n8n/n8n/execution';
import { inspectMask } from '../support/mask-check';
import { ensureN8n } from '../../tools/local-n8n/n8n/n8n-install';
import { selectedN8nVersion } from '../../tools/local-n8n/n8n/n8n-versions';
import { E2E_HOME } from '../../tools/local-n8n/paths';
import {
	ensureSamplePhotos,
	sampleProduct,
	SAMPLE_PRODUCTS,
} from '../../tools/local-n8n/services/sample-photos';
import { startShop, type ShopServer } from '../../tools/local-n8n/services/shop-server';
import { startVendors, type Vendors } from '../../tools/local-n8n/services/vendors';
import { eventually } from '../../tools/local-n8n/system/wait';
import {
	lastExecutionId,
	readDatabaseBinary,
	readExecutions,
	waitForEndedExecutions,
} from '../../tools/local-n8n/n8n/queue-executions';
import { startQueueCluster, type QueueCluster } from '../../tools/local-n8n/services/queue-cluster';
import {
	callbackWorkflow,
	PIAPI_ELSEWHERE,
	QUEUE_WORKFLOWS,
	segmentWorkflow,
	WEBHOOK_PATHS,
	type Vendor,
} from './workflows';

/** The fakes' name for each vendor's create endpoint (every request to it counts, refused ones too). */
const CREATE_ENDPOINT: Record<Vendor, string> = {
	piapi: 'createTask',
	sellerpic: 'promptSegmentation',
};
const CONCURRENT = 30;
const VENDOR_CAP = 5;
const TASK_LATENCY_MS = 1_000;
const WORKER_CONCURRENCY = 10;
const WARM_UP_EXECUTIONS = 6;
/** Example 6's PiAPI Trigger: `<webhook id>/<path>`, and the secret it expects. */
const TRIGGER_PATH = '5e9a0006-0000-4000-8000-000000000090/piapi';
const TRIGGER_SECRET = 'replace-with-a-long-random-secret';
const PHOTOS = SAMPLE_PRODUCTS.filter((product) => product.hasPhoto);

let shop: ShopServer;
let vendors: Vendors;
let cluster: QueueCluster;
const measurements: Record<string, unknown> = {};

const piApi = (): PiApiFake => vendors.piApi.fake!;
const sellerPic = (): SellerPicFake => vendors.sellerPic.fake!;
const photoUrl = (index: number): string =>
	`${shop.baseUrl}/images/${PHOTOS[index % PHOTOS.length].file}`;
const photoOf = (url: string) => sampleProduct(/(sku-\d+)\.jpg$/.exec(url)![1]);

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
	const response = await request(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body),
	});
	return {
		status: response.statusCode,
		type: String(response.headers['content-type'] ?? ''),
		bytes: Buffer.from(await response.body.arrayBuffer()),
	};
}

/** Alternates between the webhook processor and main, as a load balancer in front of both would. */
const intake = (index: number): string =>
	index % 2 === 0 ? cluster.webhook.url : cluster.main.url;

/** The mask is a PNG of the photo's size, partly white. */
async function expectMaskOf(bytes: Buffer, imageUrl: string): Promise<void> {
	const mask = await inspectMask(bytes);
	const photo = photoOf(imageUrl);
	expect(mask).toMatchObject({ format: 'png', width: photo.width, height: photo.height });
	expect(mask.whiteShare).toBeGreaterThan(0.05);
	expect(mask.whiteShare).toBeLessThan(0.95);
}

async function expectStoredMask(item: OutputItem): Promise<void> {
	expect(item.binary?.mask).toMatchObject({ mimeType: 'image/png' });
	await expectMaskOf(
		await readDatabaseBinary(cluster.postgres, item.binary!.mask),
		String(item.json.imageUrl),
	);
}

function record(name: string, values: Record<string, unknown>): void {
	measurements[name] = values;
	console.log(`[queue] ${name}: ${JSON.stringify(values)}`);
}

beforeAll(async () => {
	const progress = (line: string): void => console.log(`[queue] ${line}`);
	const install = await ensureN8n(selectedN8nVersion(), progress);
	shop = await startShop(await ensureSamplePhotos(), []);
	vendors = await startVendors({ taskLatencyMs: TASK_LATENCY_MS });
	const trigger = prepareExample(
		loadExamples().find((example) => example.id === EXAMPLE_IDS.trigger)!,
		{ shopBaseUrl: shop.baseUrl },
	);
	const workflows = [
		segmentWorkflow('piapi'),
		segmentWorkflow('sellerpic'),
		callbackWorkflow(
			QUEUE_WORKFLOWS.callback,
			WEBHOOK_PATHS.callback,
			'5e9a0103-0000-4000-8000-000000000001',
			CREDENTIALS.piApi,
		),
		callbackWorkflow(
			QUEUE_WORKFLOWS.unreachableCallback,
			WEBHOOK_PATHS.unreachableCallback,
			'5e9a0104-0000-4000-8000-000000000001',
			PIAPI_ELSEWHERE,
		),
		trigger,
	];
	cluster = await startQueueCluster({
		install,
		tarball: process.env.QUEUE_PACKAGE_TARBALL!,
		workers: 2,
		workerConcurrency: WORKER_CONCURRENCY,
		credentials: [...vendors.credentials, PIAPI_ELSEWHERE],
		workflows,
		activate: workflows.map((workflow) => workflow.id),
		webhookPaths: [
			WEBHOOK_PATHS.segment.piapi,
			WEBHOOK_PATHS.segment.sellerpic,
			WEBHOOK_PATHS.callback,
			WEBHOOK_PATHS.unreachableCallback,
			TRIGGER_PATH,
		],
		// Everything n8n logs, down to debug (request and execution details), lands in each process's log file.
		env: { N8N_LOG_LEVEL: 'debug' },
		progress,
	});
}, 15 * 60_000);

afterAll(async () => {
	await cluster?.stop();
	await Promise.all([vendors?.close(), shop?.close()]);
	const dir = join(E2E_HOME, 'queue');
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'measurements.json'), `${JSON.stringify(measurements, null, 2)}\n`);
});

/** The secrets callback mode gave PiAPI (one per execution), collected before each reset of the fake. */
const callbackSecrets = new Set<string>();

beforeEach(() => {
	for (const task of piApi().tasks.values())
		if (task.config.webhook_config.secret) callbackSecrets.add(task.config.webhook_config.secret);
	piApi().reset();
	sellerPic().reset();
});

/**
 * A few executions of the workflow before the measured burst, so that it is measured on warm
 * processes, as production's long-running workers are, rather than on n8n loading the package
 * and the workflow for the first time (about 0.4 s more for the first burst of a new cluster).
 */
async function warmUp(vendor: Vendor): Promise<void> {
	const answers = await segmentAtOnce(vendor, WARM_UP_EXECUTIONS);
	expect(answers.map((answer) => answer.status)).toEqual(Array(WARM_UP_EXECUTIONS).fill(200));
}

/** Posts `count` photos at once to the vendor's segment workflow; the answers, with each photo's URL. */
async function segmentAtOnce(vendor: Vendor, count: number) {
	return await Promise.all(
		Array.from({ length: count }, async (_, index) => {
			const imageUrl = photoUrl(index);
			return {
				imageUrl,
				...(await post(`${intake(index)}/webhook/${WEBHOOK_PATHS.segment[vendor]}`, {
					imageUrl,
				})),
			};
		}),
	);
}

/**
 * Where the wall time went, in seconds from the first webhook call: the creates as the vendor
 * answered them (`+` accepted, `-` refused), and each worker's Segment runs from first start to
 * last end.
 */
function timeline(
	fake: PiApiFake | SellerPicFake,
	createEndpoint: string,
	started: number,
	executions: Array<Parameters<typeof nodeSpan>[0]>,
	workers: unknown[],
) {
	const accepted = (request: (typeof fake.requests)[number]) =>
		request.status === 200 && (request.code === undefined || [0, 200].includes(request.code));
	const seconds = (at: number) => Math.round((at - started) / 100) / 10;
	const creates = fake.requests
		.filter((request) => request.endpoint === createEndpoint)
		.map((request) => `${accepted(request) ? '+' : '-'}${seconds(request.at)}`);
	const segmentSpans: Record<string, [number, number]> = {};
	executions.forEach((execution, index) => {
		const span = nodeSpan(execution, 'Segment');
		const worker = String(workers[index]);
		if (!span) return;
		const [first, last] = segmentSpans[worker] ?? [Infinity, -Infinity];
		segmentSpans[worker] = [
			Math.min(first, seconds(span.start)),
			Math.max(last, seconds(span.end)),
		];
	});
	return { creates: creates.join(' '), segmentSpans };
}

describe.each(['piapi', 'sellerpic'] as const)(
	`${CONCURRENT} concurrent webhook executions through %s (poll), vendor cap ${VENDOR_CAP}`,
	(vendor: Vendor) => {
		test('every execution answers with its mask; each task is created once, at most the cap in flight; both workers run them', async () => {
			const fake = vendor === 'piapi' ? piApi() : sellerPic();
			await warmUp(vendor);
			fake.reset();
			fake.configure({ concurrencyCap: VENDOR_CAP, taskLatencyMs: TASK_LATENCY_MS });
			const since = await lastExecutionId(cluster.postgres);
			const started = Date.now();
			const answers = await segmentAtOnce(vendor, CONCURRENT);
			const wallMs = Date.now() - started;
			for (const answer of answers) {
				expect({ status: answer.status, type: answer.type }).toEqual({
					status: 200,
					type: expect.stringMatching(/^image\/png/),
				});
				await expectMaskOf(answer.bytes, answer.imageUrl);
			}

			const executions = await waitForEndedExecutions(
				cluster.postgres,
				QUEUE_WORKFLOWS.segment[vendor],
				CONCURRENT,
				60_000,
				since,
			);
			expect(executions.map((execution) => execution.status)).toEqual(
				Array(CONCURRENT).fill('success'),
			);
			const workers = executions.map((execution) => nodeItems(execution, 'Worker')[0]?.json.worker);
			expect(new Set(workers)).toEqual(new Set(cluster.workers.map((worker) => worker.name)));

			const createRequests = fake.counters.calls[CREATE_ENDPOINT[vendor]];
			expect(fake.counters.creates).toBe(CONCURRENT);
			expect(fake.counters.peakInFlight).toBeLessThanOrEqual(VENDOR_CAP);
			record(`${vendor} poll`, {
				executions: CONCURRENT,
				vendorCap: VENDOR_CAP,
				taskLatencyMs: TASK_LATENCY_MS,
				wallSeconds: wallMs / 1000,
				idealSeconds: (Math.ceil(CONCURRENT / VENDOR_CAP) * TASK_LATENCY_MS) / 1000,
				createRequests,
				extraCreatesPerTask: (createRequests - CONCURRENT) / CONCURRENT,
				peakInFlight: fake.counters.peakInFlight,
				executionsPerWorker: Object.fromEntries(
					cluster.workers.map((worker) => [
						worker.name,
						workers.filter((name) => name === worker.name).length,
					]),
				),
				...timeline(fake, CREATE_ENDPOINT[vendor], started, executions, workers),
			});
		});
	},
);

describe('PiAPI Segment in callback mode: every execution resumed with its masks, no callback lost', () => {
	const images = (count: number, offset = 0): string[] =>
		Array.from({ length: count }, (_, index) => photoUrl(index + offset));

	/** Starts `executions` executions of `items` images each, and returns them once all have ended. */
	async function runCallbacks(executions: number, items: number) {
		const since = await lastExecutionId(cluster.postgres);
		const started = Date.now();
		const answers = await Promise.all(
			Array.from(
				{ length: executions },
				async (_, index) =>
					await post(`${intake(index)}/webhook/${WEBHOOK_PATHS.callback}`, {
						imageUrls: images(items, index),
					}),
			),
		);
		expect(answers.map((answer) => answer.status)).toEqual(Array(executions).fill(200));
		const ended = await waitForEndedExecutions(
			cluster.postgres,
			QUEUE_WORKFLOWS.callback,
			executions,
			120_000,
			since,
		);
		return { ended, wallMs: Date.now() - started };
	}

	async function expectAllMasks(
		ended: Awaited<ReturnType<typeof runCallbacks>>['ended'],
		items: number,
	): Promise<void> {
		for (const execution of ended) {
			expect({
				id: execution.id,
				status: execution.status,
				failed: nodeItems(execution, 'Segmentation failed').map((item) => item.json.error),
			}).toEqual({
				id: execution.id,
				status: 'success',
				failed: [],
			});
			const masks = nodeItems(execution, 'Mask ready');
			expect(masks).toHaveLength(items);
			for (const item of masks) {
				expect(item.json).toMatchObject({ vendor: 'piapi', status: 'succeeded', done: true });
				await expectStoredMask(item);
			}
		}
	}

	/**
	 * PiAPI's one POST per task, once all have been answered: each accepted, or refused by n8n as
	 * running (409) while the execution had not been saved as waiting, and never retried.
	 */
	async function callbacksOnce(tasks: number) {
		const log = await eventually(
			() => piApi().webhookLog.length === tasks && piApi().webhookLog,
			`${tasks} callbacks answered`,
			60_000,
			100,
		);
		expect(
			log.map((delivery) => [delivery.attempt, delivery.ok || delivery.status === 409]),
		).toEqual(Array(tasks).fill([1, true]));
		const answerMs = log.map((delivery) => delivery.durationMs).sort((a, b) => a - b);
		return {
			accepted: log.filter((delivery) => delivery.ok).length,
			refusedAsRunning: log.filter((delivery) => delivery.status === 409).length,
			answerMsMedian: answerMs[Math.floor(answerMs.length / 2)],
			answerMsMax: answerMs.at(-1),
		};
	}

	beforeEach(() => {
		// One POST per callback, never retried, and time to see how long n8n takes to answer it.
		piApi().configure({ webhookMaxAttempts: 1, webhookTimeoutMs: 60_000 });
	});

	test.each([
		[1, 1, TASK_LATENCY_MS],
		[CONCURRENT, 1, TASK_LATENCY_MS],
		[3, 5, TASK_LATENCY_MS],
		// Tasks this quick often end before a busy worker has saved the execution as waiting.
		[CONCURRENT, 1, 50],
	])('%i execution(s) × %i item(s), tasks of %i ms', async (executions, items, latencyMs) => {
		piApi().configure({ taskLatencyMs: latencyMs });
		const { ended, wallMs } = await runCallbacks(executions, items);
		await expectAllMasks(ended, items);
		expect(piApi().counters.creates).toBe(executions * items);
		record(`callback ${executions}×${items}, tasks of ${latencyMs} ms`, {
			wallSeconds: wallMs / 1000,
			...(await callbacksOnce(executions * items)),
		});
	});

	test('3 executions × 5 items whose tasks all finish before the execution is saved as waiting', async () => {
		piApi().configure({ completeOnCreate: true });
		const { ended, wallMs } = await runCallbacks(3, 5);
		await expectAllMasks(ended, 5);
		const callbacks = await callbacksOnce(15);
		// n8n refused the callbacks that came while the executions ran; none was needed.
		expect(callbacks.refusedAsRunning).toBeGreaterThan(0);
		record('callback 3×5, tasks done on create', { wallSeconds: wallMs / 1000, ...callbacks });
	});

	test('3 executions × 2 items while PiAPI also calls on creation and on progress: each keeps waiting through them, resumed once with its masks', async () => {
		piApi().configure({ webhookProgressCalls: true });
		const { ended, wallMs } = await runCallbacks(3, 2);
		await expectAllMasks(ended, 2);
		expect(ended.map((execution) => execution.status)).toEqual(Array(3).fill('success'));
		// Three POSTs per task (pending, processing, completed), each answered once: accepted, or
		// refused by n8n as running (409) before the execution was saved as waiting.
		const log = await eventually(
			() => piApi().webhookLog.length === 18 && piApi().webhookLog,
			'18 calls answered',
			60_000,
			100,
		);
		expect(log.filter((delivery) => !delivery.ok && delivery.status !== 409)).toEqual([]);
		const byStatus = (taskStatus: string) =>
			log.filter((delivery) => delivery.taskStatus === taskStatus);
		expect(
			[byStatus('pending'), byStatus('processing'), byStatus('completed')].map(
				(calls) => calls.length,
			),
		).toEqual([6, 6, 6]);
		record('callback 3×2 with progress calls', {
			wallSeconds: wallMs / 1000,
			progressCallsAccepted: log.filter(
				(delivery) => delivery.taskStatus !== 'completed' && delivery.ok,
			).length,
			progressCallsRefusedAsRunning: log.filter(
				(delivery) => delivery.taskStatus !== 'completed' && delivery.status === 409,
			).length,
			finalCallsAccepted: byStatus('completed').filter((delivery) => delivery.ok).length,
		});
	});

	test('a resume URL PiAPI could not reach fails each item before a task is created, naming WEBHOOK_URL', async () => {
		const since = await lastExecutionId(cluster.postgres);
		const { status } = await post(
			`${cluster.webhook.url}/webhook/${WEBHOOK_PATHS.unreachableCallback}`,
			{ imageUrls: images(2) },
		);
		expect(status).toBe(200);
		const [execution] = await waitForEndedExecutions(
			cluster.postgres,
			QUEUE_WORKFLOWS.unreachableCallback,
			1,
			60_000,
			since,
		);
		expect(execution.status).toBe('success');
		const failed = nodeItems(execution, 'Segmentation failed').map((item) =>
			String(item.json.error),
		);
		expect(failed).toEqual(
			[0, 1].map((index) =>
				expect.stringMatching(
					new RegExp(`^PiAPI could not call this execution back: .*\\[item ${index}\\]$`),
				),
			),
		);
		expect(JSON.stringify(execution.data)).toContain('Set WEBHOOK_URL');
		expect(piApi().counters.creates).toBe(0);
	});
});

describe('PiAPI Trigger (example 6) behind main and the webhook processor', () => {
	/** A finished task at the fake PiAPI, and the body PiAPI would POST about it. */
	async function finishedTask(): Promise<{ taskId: string; body: unknown }> {
		piApi().configure({ completeOnCreate: true });
		const fake = piApi();
		const created = await post(
			`${fake.baseUrl}/api/v1/task`,
			{
				model: 'Qubico/image-toolkit',
				task_type: 'segment',
				input: { image: photoUrl(0), prompt: 'product', negative_prompt: '', segment_factor: 0 },
			},
			{ 'x-api-key': fake.config.apiKey },
		);
		const taskId = String(
			(JSON.parse(created.bytes.toString('utf8')) as { data: { task_id: string } }).data.task_id,
		);
		return {
			taskId,
			body: {
				timestamp: Math.floor(Date.now() / 1000),
				data: fake.taskData(fake.tasks.get(taskId)!),
			},
		};
	}

	const deliver = async (base: string, body: unknown) => {
		const answer = await post(`${base}/webhook/${TRIGGER_PATH}`, body, {
			'x-webhook-secret': TRIGGER_SECRET,
		});
		return {
			status: answer.status,
			message: (JSON.parse(answer.bytes.toString('utf8')) as { message?: string }).message,
		};
	};

	test('calls on creation and on progress are answered 200 and start nothing; the call at the end starts one execution', async () => {
		const fake = piApi();
		fake.configure({ webhookProgressCalls: true, webhookMaxAttempts: 1 });
		const created = await post(
			`${fake.baseUrl}/api/v1/task`,
			{
				model: 'Qubico/image-toolkit',
				task_type: 'segment',
				input: { image: photoUrl(0), prompt: 'product', negative_prompt: '', segment_factor: 0 },
				config: {
					webhook_config: {
						endpoint: `${cluster.webhook.url}/webhook/${TRIGGER_PATH}`,
						secret: TRIGGER_SECRET,
					},
				},
			},
			{ 'x-api-key': fake.config.apiKey },
		);
		const taskId = String(
			(JSON.parse(created.bytes.toString('utf8')) as { data: { task_id: string } }).data.task_id,
		);
		const log = await eventually(
			() => fake.webhookLog.length === 3 && fake.webhookLog,
			'the three calls answered',
			60_000,
			100,
		);
		expect(log.map((delivery) => [delivery.taskStatus, delivery.status])).toEqual([
			['pending', 200],
			['processing', 200],
			['completed', 200],
		]);
		const runsFor = async () =>
			(await readExecutions(cluster.postgres, EXAMPLE_IDS.trigger)).filter(
				(execution) => nodeItems(execution, 'PiAPI Trigger')[0]?.json.taskId === taskId,
			);
		await eventually(
			async () => {
				const runs = await runsFor();
				return runs.length > 0 && runs.every((run) => run.status === 'success');
			},
			'the execution the last call started',
			60_000,
			250,
		);
		const runs = await runsFor();
		expect(runs.map((run) => run.status)).toEqual(['success']);
		const [ready] = nodeItems(runs[0], 'Mask ready');
		expect(ready.json).toMatchObject({ taskId, status: 'succeeded' });
		await expectStoredMask({ ...ready, json: { ...ready.json, imageUrl: photoUrl(0) } });
	});

	test.each([
		['the webhook processor, then main', () => [cluster.webhook.url, cluster.main.url]],
		['main, then the webhook processor', () => [cluster.main.url, cluster.webhook.url]],
	])('the same delivery posted to %s starts the downstream work once', async (_order, bases) => {
		const [first, second] = bases();
		const { taskId, body } = await finishedTask();
		const runsFor = async () =>
			(await readExecutions(cluster.postgres, EXAMPLE_IDS.trigger)).filter(
				(execution) => nodeItems(execution, 'PiAPI Trigger')[0]?.json.taskId === taskId,
			);
		expect(await deliver(first, body)).toEqual({ status: 200, message: 'Received.' });
		// PiAPI repeats a delivery seconds later; here once the first has started its execution.
		await eventually(
			async () => (await runsFor()).length > 0,
			'the execution the first delivery started',
			60_000,
			250,
		);
		expect(await deliver(second, body)).toEqual({
			status: 200,
			message: 'Ignored: this task was already delivered.',
		});
		await eventually(
			async () => (await runsFor()).every((run) => run.status === 'success'),
			'the execution to end',
			60_000,
			250,
		);
		const runs = await runsFor();
		expect(runs.map((run) => run.status)).toEqual(['success']);
		const [ready] = nodeItems(runs[0], 'Mask ready');
		expect(ready.json).toMatchObject({ taskId, status: 'succeeded' });
		await expectStoredMask({ ...ready, json: { ...ready.json, imageUrl: photoUrl(0) } });
	});
});

test('no API key or callback secret in any execution record or n8n log (debug level)', async () => {
	const secrets = [
		vendors.piApi.fake!.config.apiKey,
		vendors.sellerPic.fake!.config.apiKey,
		TRIGGER_SECRET,
		...callbackSecrets,
	];
	expect(callbackSecrets.size).toBeGreaterThan(30);
	const records = await cluster.postgres.query(
		"SELECT coalesce(string_agg(data, E'\\n'), '') FROM execution_data",
	);
	const logs = [cluster.main, cluster.webhook, ...cluster.workers].map((n8n) =>
		readFileSync(n8n.logFile, 'utf8'),
	);
	// The logs are at debug level: n8n's debug line for each webhook call is in them.
	expect(logs.join('\n')).toMatch(/Received webhook "POST" for path/);
	expect(logs.join('\n')).toMatch(/Received waiting-webhook "POST" for execution/);
	for (const text of [records, ...logs]) {
		expect(text.length).toBeGreaterThan(0);
		for (const secret of secrets) expect(text.includes(secret)).toBe(false);
	}
});
