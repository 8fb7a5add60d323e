import { NodeHelpers, type INodeParameters } from 'n8n-workflow';

import { CheckSegmentationTask } from '../../nodes/CheckSegmentationTask/CheckSegmentationTask.node';
import type { TestItem } from '../harness/core-node-stand-ins';
import { expectKeysNowhere } from '../support/secrets';
import {
	createPiApiTask,
	createSellerPicTask,
	requestCount,
	runOnFakes,
	useFakeVendors,
	type TaskState,
	type Vendor,
} from '../support/vendor-fakes';
import { NODE_UNDER_TEST } from '../support/workflows';

const UNKNOWN_UUID = '0b7e2a54-6f3d-4c1a-9e8b-2d4f6a8c0e13';

/** Tasks take the task helpers' 10 s unless told, so a test finds them in the state it set. */
const vendors = useFakeVendors({
	keys: { sellerpic: 'sp-live-CHECK-5555555555-secret', piapi: 'pi-live-CHECK-7777777777-secret' },
	photo: { width: 160, height: 120, seed: 5 },
});

/** Runs Check Segmentation Task and checks neither API key shows up anywhere in the run's data or errors. */
async function check(
	vendor: Vendor,
	parameters: INodeParameters,
	items?: TestItem[],
	continueOnFail = false,
	typeVersion = 1,
) {
	return await runOnFakes(vendors, 'checkSegmentationTask', vendor, parameters, {
		items,
		continueOnFail,
		typeVersion,
	});
}

const sellerPicTask = async (state: TaskState) =>
	await createSellerPicTask(vendors.sellerPic, vendors.keys.sellerpic, state);

const piApiTask = async (state: TaskState, latencyMs?: number) =>
	await createPiApiTask(vendors.piApi, vendors.keys.piapi, vendors.imageUrl, state, latencyMs);

describe('Check Segmentation Task: SellerPic', () => {
	it.each([
		['queued', 'CREATED', false],
		['running', 'RUNNING', false],
		['succeeded', 'SUCCESS', true],
		['failed', 'FAILED', true],
	] as const)('normalizes a %s task (SellerPic %s)', async (state, vendorStatus, done) => {
		const task = await sellerPicTask(state);
		const run = await check('sellerpic', { taskId: task.id });
		expect(run.status).toBe('success');
		const [item] = run.output(NODE_UNDER_TEST);
		const failed = state === 'failed';
		expect(item.json).toEqual({
			vendor: 'sellerpic',
			taskId: task.id,
			status: state,
			done,
			maskUrls: [],
			results: [{ id: task.resultId, status: state }],
			error: failed
				? { code: '50001', message: 'segmentation failed: no object matched the prompt' }
				: null,
			raw: {
				resultList: [
					{
						id: task.resultId,
						fileUrl: '',
						status: vendorStatus,
						errorCode: failed ? 50001 : 0,
						errorMsg: failed ? 'segmentation failed: no object matched the prompt' : '',
					},
				],
			},
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(vendors.sellerPic.counters.polls).toBe(1);
	});

	it('gives the result URL when SellerPic fills fileUrl', async () => {
		const task = await sellerPicTask('succeeded');
		vendors.sellerPic.configure({ fileUrlOnSuccess: true });
		const [item] = (await check('sellerpic', { taskId: task.id })).output(NODE_UNDER_TEST);
		expect(item.json.results).toEqual([
			{
				id: task.resultId,
				url: expect.stringContaining(vendors.sellerPic.storageBaseUrl),
				status: 'succeeded',
			},
		]);
	});

	it('waits until the task is done when asked', async () => {
		const task = await sellerPicTask('queued');
		task.latencyMs = 300;
		const run = await check('sellerpic', {
			taskId: task.id,
			waitUntilDone: true,
			pollInterval: 0.05,
			maxWait: 20,
		});
		const [item] = run.output(NODE_UNDER_TEST);
		expect(item.json).toMatchObject({ status: 'succeeded', done: true, error: null });
		expect(vendors.sellerPic.counters.polls).toBeGreaterThanOrEqual(2);
	});

	it('reports a task that fails while waiting, without failing the item', async () => {
		const task = await sellerPicTask('failed');
		task.createdAt = Date.now();
		task.latencyMs = 200;
		const run = await check('sellerpic', {
			taskId: task.id,
			waitUntilDone: true,
			pollInterval: 0.05,
			maxWait: 20,
		});
		expect(run.status).toBe('success');
		expect(run.output(NODE_UNDER_TEST)[0].json).toMatchObject({
			status: 'failed',
			done: true,
			error: { code: '50001' },
		});
	});

	it('fails the item with the task id when the task is not done within Max Wait', async () => {
		const task = await sellerPicTask('running');
		const run = await check('sellerpic', {
			taskId: task.id,
			waitUntilDone: true,
			pollInterval: 0.05,
			maxWait: 0.3,
		});
		const error = run.nodeError(NODE_UNDER_TEST);
		expect(error?.message).toContain(
			`SellerPic task ${task.id} was not done after 0.3 s (status: running)`,
		);
		expect(error?.message).toContain('[item 0]');
	});

	it.each(['envelope', 'http404'] as const)(
		'fails with NodeApiError for a task id SellerPic does not know (%s)',
		async (taskNotFoundAs) => {
			vendors.sellerPic.configure({ taskNotFoundAs });
			const run = await check('sellerpic', { taskId: '1946000000000000001' });
			const error = run.nodeError(NODE_UNDER_TEST) as unknown as {
				name: string;
				message: string;
				description: string;
				errorResponse: Record<string, unknown>;
			};
			expect(error.name).toBe('NodeApiError');
			expect(error.message).toMatch(/task not found.*\[item 0\]/);
			expect(error.description).toMatch(/SellerPic does not know/);
			expect(error.description).toMatch(/Trace id: [0-9a-f]{32}/);
			expect(error.errorResponse.vendorCode).toBe(taskNotFoundAs === 'envelope' ? '40006' : '404');
			// The key check reads the errors too.
			expect(expectKeysNowhere(run, Object.values(vendors.keys))).toContain(
				'SellerPic does not know',
			);
		},
	);

	it('refuses a PiAPI task id before sending anything', async () => {
		const run = await check('sellerpic', { taskId: UNKNOWN_UUID });
		const error = run.nodeError(NODE_UNDER_TEST);
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe(
			`Task ID "${UNKNOWN_UUID}" looks like a PiAPI task ID; set Vendor to PiAPI [item 0]`,
		);
		expect(requestCount(vendors)).toBe(0);
	});

	it.each([
		['text', 'task-42', /is not a SellerPic ID/],
		['a number beyond int64', '99999999999999999999', /is not a SellerPic ID/],
		['an empty value', '  ', /Task ID is empty/],
	])('refuses %s as task id before sending anything', async (_name, taskId, message) => {
		const run = await check('sellerpic', { taskId });
		expect(run.nodeError(NODE_UNDER_TEST)?.message).toMatch(message);
		expect(requestCount(vendors)).toBe(0);
	});
});

describe('Check Segmentation Task: PiAPI', () => {
	it.each([
		['queued', 'pending', false],
		['running', 'processing', false],
		['succeeded', 'completed', true],
		['failed', 'failed', true],
	] as const)('normalizes a %s task (PiAPI %s)', async (state, vendorStatus, done) => {
		const task = await piApiTask(state);
		const run = await check('piapi', { taskId: task.id });
		const [item] = run.output(NODE_UNDER_TEST);
		const maskUrl = `${vendors.piApi.fileBaseUrl}/${task.id}.png`;
		expect(item.json).toEqual({
			vendor: 'piapi',
			taskId: task.id,
			status: state,
			done,
			maskUrls: state === 'succeeded' ? [maskUrl] : [],
			results: state === 'succeeded' ? [{ url: maskUrl, status: 'succeeded' }] : [],
			error: state === 'failed' ? { code: '10000', message: 'segmentation failed' } : null,
			raw: expect.objectContaining({
				task_id: task.id,
				status: vendorStatus,
				task_type: 'segment',
				output: state === 'succeeded' ? { image_url: maskUrl } : null,
			}),
		});
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('compares PiAPI statuses case-insensitively', async () => {
		const task = await piApiTask('succeeded');
		vendors.piApi.configure({ capitalisedStatus: true });
		const [item] = (await check('piapi', { taskId: task.id })).output(NODE_UNDER_TEST);
		expect(item.json).toMatchObject({
			status: 'succeeded',
			done: true,
			raw: { status: 'Completed' },
		});
	});

	it.each(['image_url', 'image_urls'] as const)(
		'reads the output shape %s',
		async (outputShape) => {
			const task = await piApiTask('succeeded');
			vendors.piApi.configure({ outputShape });
			const [item] = (await check('piapi', { taskId: task.id })).output(NODE_UNDER_TEST);
			expect(item.json.results).toEqual([
				{ url: `${vendors.piApi.fileBaseUrl}/${task.id}.png`, status: 'succeeded' },
			]);
		},
	);

	it('waits until the task is done when asked', async () => {
		const task = await piApiTask('queued', 250);
		const run = await check('piapi', {
			taskId: task.id,
			waitUntilDone: true,
			pollInterval: 0.05,
			maxWait: 20,
		});
		expect(run.output(NODE_UNDER_TEST)[0].json).toMatchObject({ status: 'succeeded', done: true });
		expect(vendors.piApi.counters.polls).toBeGreaterThanOrEqual(2);
	});

	it("version 1.1: Wait for Completion waits on PiAPI Segment's schedule, checks from a second apart, not the Poll Interval", async () => {
		vendors.piApi.configure({ minPollIntervalMs: 1_000 });
		const task = await piApiTask('queued', 2_500);
		const run = await check(
			'piapi',
			{
				operation: 'check',
				taskId: task.id,
				waitForCompletion: true,
				pollInterval: 5,
				maxWait: 20,
			},
			undefined,
			false,
			1.1,
		);
		expect(run.output(NODE_UNDER_TEST)[0].json).toMatchObject({ status: 'succeeded', done: true });
		const checks = vendors.piApi.requests
			.filter(({ endpoint }) => endpoint === 'getTask')
			.map(({ at }) => at);
		// Never closer than PiAPI's minimum gap (the fake counts checks that come sooner)…
		expect(vendors.piApi.counters.tooFastPolls).toBe(0);
		// …and more checks than a 5-s Poll Interval allows in a task of 2.5 s (two: at creation and after 5 s).
		expect(checks.length).toBeGreaterThanOrEqual(3);
	});

	it('version 1 (saved before the rename): Wait Until Done still waits', async () => {
		const task = await piApiTask('queued', 250);
		const run = await check(
			'piapi',
			{ taskId: task.id, waitUntilDone: true, pollInterval: 0.05, maxWait: 20 },
			undefined,
			false,
			1,
		);
		expect(run.output(NODE_UNDER_TEST)[0].json).toMatchObject({ status: 'succeeded', done: true });
	});

	it.each(['http404', 'envelope'] as const)(
		'fails with NodeApiError for a task id PiAPI does not know (%s)',
		async (taskNotFoundAs) => {
			vendors.piApi.configure({ taskNotFoundAs });
			const run = await check('piapi', { taskId: UNKNOWN_UUID });
			const error = run.nodeError(NODE_UNDER_TEST) as unknown as {
				name: string;
				message: string;
				description: string;
				errorResponse: Record<string, unknown>;
			};
			expect(error.name).toBe('NodeApiError');
			expect(error.message).toMatch(/task not found.*\[item 0\]/);
			expect(error.description).toMatch(/PiAPI does not know/);
			expect(error.errorResponse.vendorCode).toBe('404');
		},
	);

	it('refuses a SellerPic task id before sending anything', async () => {
		const run = await check('piapi', { taskId: '1946000000000000123' });
		const error = run.nodeError(NODE_UNDER_TEST);
		expect(error?.name).toBe('NodeOperationError');
		expect(error?.message).toBe(
			'Task ID "1946000000000000123" looks like a SellerPic task ID; set Vendor to SellerPic [item 0]',
		);
		expect(error?.description).toMatch(/UUID/);
		expect(requestCount(vendors)).toBe(0);
	});
});

describe('Check Segmentation Task: items', () => {
	it('with Continue On Fail, gives bad items their errors and checks the rest, in order', async () => {
		const done = await sellerPicTask('succeeded');
		const running = await sellerPicTask('running');
		const items = [
			{ json: { taskId: done.id } },
			{ json: { taskId: UNKNOWN_UUID } },
			{ json: { taskId: '1946000000000000001' } },
			{ json: { taskId: running.id } },
		];
		const run = await check('sellerpic', { taskId: '={{ $json.taskId }}' }, items, true);
		expect(run.status).toBe('success');
		const output = run.output(NODE_UNDER_TEST);
		expect(output.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(output[0].json).toMatchObject({ taskId: done.id, status: 'succeeded' });
		expect(output[1].json.error).toMatch(/looks like a PiAPI task ID.*\[item 1\]/);
		expect(output[2].json).toMatchObject({
			error: expect.stringMatching(/task not found.*\[item 2\]/),
			errorDetails: {
				vendor: 'SellerPic',
				code: '40006',
				traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
			},
		});
		expect(output[3].json).toMatchObject({ taskId: running.id, status: 'running', done: false });
	});

	it('without Continue On Fail, stops with the error of the failing item', async () => {
		const done = await sellerPicTask('succeeded');
		const run = await check('sellerpic', { taskId: '={{ $json.taskId }}' }, [
			{ json: { taskId: done.id } },
			{ json: { taskId: 'nope' } },
		]);
		expect(run.status).toBe('error');
		expect(run.nodeError(NODE_UNDER_TEST)?.message).toMatch(
			/"nope" is not a SellerPic ID \[item 1\]/,
		);
	});

	it('resolves the task id expression per item', async () => {
		const tasks = await Promise.all([piApiTask('succeeded'), piApiTask('running')]);
		const run = await check(
			'piapi',
			{ taskId: '={{ $json.job.id }}' },
			tasks.map((task) => ({ json: { job: { id: task.id } } })),
		);
		expect(run.output(NODE_UNDER_TEST).map((item) => [item.json.taskId, item.json.status])).toEqual(
			[
				[tasks[0].id, 'succeeded'],
				[tasks[1].id, 'running'],
			],
		);
	});

	it('refuses a SellerPic id that arrived as an inexact number', async () => {
		const run = await check('sellerpic', { taskId: '={{ $json.id }}' }, [
			{ json: { id: 1946000000000000123 } },
		]);
		expect(run.nodeError(NODE_UNDER_TEST)?.message).toMatch(
			/arrived as the number .* too large to be exact/,
		);
		expect(requestCount(vendors)).toBe(0);
	});

	it('defaults the poll interval per vendor: 60 s for SellerPic, 5 s for PiAPI', () => {
		const { properties } = new CheckSegmentationTask().description;
		const node = (typeVersion: number) => ({ typeVersion }) as never;
		const resolveIn = (typeVersion: number, parameters: INodeParameters) =>
			NodeHelpers.getNodeParameters(properties, parameters, true, false, node(typeVersion), {
				name: 'checkSegmentationTask',
				properties,
			} as never);
		expect(resolveIn(1.1, { vendor: 'sellerpic', waitForCompletion: true })).toMatchObject({
			pollInterval: 60,
			maxWait: 900,
		});
		expect(resolveIn(1.1, { vendor: 'piapi', waitForCompletion: true })).toMatchObject({
			pollInterval: 5,
			maxWait: 600,
		});
		expect(resolveIn(1.1, { vendor: 'piapi' })).toEqual({
			operation: 'check',
			vendor: 'piapi',
			taskId: '',
			waitForCompletion: false,
		});
		// Version 1, as saved before Wait Until Done was renamed: its switch and both vendors' defaults.
		expect(resolveIn(1, { vendor: 'sellerpic', waitUntilDone: true })).toMatchObject({
			waitUntilDone: true,
			pollInterval: 60,
			maxWait: 900,
		});
		expect(resolveIn(1, { vendor: 'piapi' })).toEqual({
			operation: 'check',
			vendor: 'piapi',
			taskId: '',
			waitUntilDone: false,
		});
	});
});
