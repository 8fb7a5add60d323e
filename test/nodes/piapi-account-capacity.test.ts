import { PIAPI_DEFAULTS, startPiApiFake, type PiApiFake } from '../fake';
import { makeProductPhoto } from '../fake/images';
import { startReceiver, type Receiver } from '../fake/test-client';
import { runWorkflow, type WorkflowJson } from '../harness/engine';
import { CallbackServer } from '../support/callback-server';
import { piApiCredentials } from '../support/vendor-fakes';
import { NODE_UNDER_TEST, workflowFor } from '../support/workflows';

/*
 * PiAPI's GET /account/info may report the plan's tasks at once (`max_concurrent_task_count`): a
 * PiAPI Segment run then starts at that many, and a plan of 1 is refused no create. Without it, or
 * when the request fails, the run learns the limit from refusals as before, and every item
 * succeeds either way.
 */
const API_KEY = 'pi-live-KEY-account-5555-abcdef';
const ITEMS = 5;
let fake: PiApiFake;
let imageHost: Receiver;
let imageUrl: string;
let n8n: CallbackServer;

const credentials = (overrides = {}) => piApiCredentials(fake, API_KEY, overrides);
const items = Array.from({ length: ITEMS }, (_, index) => ({ json: { productId: `P${index}` } }));
const plan = (limit: unknown) => ({ ...PIAPI_DEFAULTS.account, max_concurrent_task_count: limit });

function segmentWorkflow(options: Record<string, unknown> = {}) {
	return workflowFor(
		'piApiSegment',
		{ imageSource: 'url', imageUrl, prompt: 'product', options } as never,
		items,
		{ credentials: ['piApiApi'] },
	);
}

/** Two PiAPI Segment nodes one after the other, on one credential, in one execution. */
function twoNodesWorkflow(): WorkflowJson {
	const workflow = segmentWorkflow();
	const first = workflow.nodes.find((node) => node.name === NODE_UNDER_TEST)!;
	workflow.nodes.push({ ...first, id: 'second', name: 'Second', position: [600, 0] });
	workflow.connections[NODE_UNDER_TEST] = {
		main: [[{ node: 'Second', type: 'main', index: 0 }]],
	};
	return workflow;
}

const refusedCreates = () => (fake.counters.calls.createTask ?? 0) - fake.counters.creates;
const accountInfoCalls = () => fake.counters.calls.accountInfo ?? 0;

async function expectEveryMask(workflow: WorkflowJson, overrides = {}, node = NODE_UNDER_TEST) {
	const run = await runWorkflow(workflow, { credentials: credentials(overrides) });
	expect(run.status).toBe('success');
	const output = run.output(node);
	expect(output).toHaveLength(ITEMS);
	for (const item of output) {
		expect(item.json.status).toBe('succeeded');
		expect(item.binary?.mask).toBeDefined();
	}
	return run;
}

beforeAll(async () => {
	fake = await startPiApiFake({ apiKey: API_KEY, taskLatencyMs: 300 });
	imageHost = await startReceiver(await makeProductPhoto({ width: 120, height: 90, seed: 5 }));
	imageUrl = `${imageHost.url}/image.png`;
	n8n = await CallbackServer.start();
});
beforeEach(() => fake.reset());
afterAll(async () => {
	await fake.close();
	await imageHost.close();
	await n8n.close();
});

describe('PiAPI Segment asks the account for its plan first', () => {
	it.each([
		['a number in data', { account: plan(1) }],
		['numeric text in data', { account: plan('1') }],
	])(
		'on a plan of 1 that the account reports (%s), no create is refused and every item gets its mask',
		async (_shape, config) => {
			fake.configure({ concurrencyCap: 1, ...config });
			await expectEveryMask(segmentWorkflow());
			expect(refusedCreates()).toBe(0);
			expect(fake.counters.creates).toBe(ITEMS);
			expect(fake.counters.peakInFlight).toBe(1);
			expect(accountInfoCalls()).toBe(1);
		},
	);

	it('asks once per credential and execution: two PiAPI Segment nodes of one execution share the answer', async () => {
		fake.configure({ concurrencyCap: 1, account: plan(1) });
		await expectEveryMask(twoNodesWorkflow(), {}, 'Second');
		expect(accountInfoCalls()).toBe(1);
		expect(refusedCreates()).toBe(0);
		expect(fake.counters.creates).toBe(ITEMS * 2);
	});

	it('in callback mode too: asks once, and every item gets its task', async () => {
		fake.configure({ account: plan(2), taskLatencyMs: 5_000 });
		const workflow = segmentWorkflow();
		(workflow.nodes[2].parameters as Record<string, unknown>).waitMode = 'callback';
		const run = await n8n.runUntilWaiting(workflow, { credentials: credentials() }, 0);
		expect(run.status).toBe('waiting');
		expect(accountInfoCalls()).toBe(1);
		expect(fake.counters.creates).toBe(ITEMS);
	});

	it('asks nothing when no item gets as far as a create', async () => {
		fake.configure({ account: plan(1) });
		const run = await runWorkflow(
			workflowFor(
				'piApiSegment',
				{ imageSource: 'url', imageUrl: 'not a url', prompt: 'product' } as never,
				items,
				{
					credentials: ['piApiApi'],
					continueOnFail: true,
				},
			),
			{ credentials: credentials() },
		);
		expect(run.output(NODE_UNDER_TEST).every((item) => item.json.error)).toBe(true);
		expect(fake.requests).toHaveLength(0);
	});

	it('asks again in the next execution', async () => {
		fake.configure({ account: plan(3) });
		await expectEveryMask(segmentWorkflow());
		await expectEveryMask(segmentWorkflow());
		expect(accountInfoCalls()).toBe(2);
	});

	it('keeps to Max Concurrent Tasks when the plan allows more', async () => {
		fake.configure({ account: plan(30) });
		await expectEveryMask(segmentWorkflow({ maxConcurrentTasks: 2 }));
		expect(fake.counters.peakInFlight).toBe(2);
		expect(refusedCreates()).toBe(0);
	});

	it('without the field, learns the limit from refusals as before, and every item gets its mask', async () => {
		fake.configure({ concurrencyCap: 1 });
		await expectEveryMask(segmentWorkflow());
		expect(accountInfoCalls()).toBe(1);
		expect(refusedCreates()).toBeGreaterThan(0);
		expect(fake.counters.peakInFlight).toBe(1);
	});

	it.each([
		['HTTP 500', { kind: 'http500' as const }],
		['HTTP 401', { kind: 'http401' as const }],
		['HTTP 429', { kind: 'http429' as const, retryAfterSeconds: 1 }],
		['a reply that is not JSON', { kind: 'malformed' as const }],
		['a closed connection', { kind: 'reset' as const }],
		['an error in the envelope', { kind: 'envelopeError' as const }],
	])(
		'when the account request fails (%s), every item still gets its mask, the limit learned from refusals',
		async (_failure, fault) => {
			fake.configure({ concurrencyCap: 1, account: plan(1) });
			fake.injectFault({ endpoint: 'accountInfo', ...fault });
			await expectEveryMask(segmentWorkflow());
			expect(accountInfoCalls()).toBe(1);
			expect(refusedCreates()).toBeGreaterThan(0);
		},
	);

	it('when the account request times out, every item still gets its mask', async () => {
		fake.configure({ concurrencyCap: 1, account: plan(1) });
		fake.injectFault({ endpoint: 'accountInfo', kind: 'slow', delayMs: 2_500 });
		await expectEveryMask(segmentWorkflow(), { requestTimeout: 1 });
		expect(accountInfoCalls()).toBe(1);
	});

	it.each([
		['zero', 0],
		['a fraction', 1.5],
		['text', 'many'],
		['null', null],
	])('ignores a field that is not a whole number of at least 1 (%s)', async (_shape, value) => {
		fake.configure({ account: plan(value) });
		await expectEveryMask(segmentWorkflow({ maxConcurrentTasks: 3 }));
		expect(fake.counters.peakInFlight).toBe(3);
	});
});
