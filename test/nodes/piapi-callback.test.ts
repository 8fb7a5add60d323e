import sharp from 'sharp';

import { startPiApiFake, type PiApiFake } from '../fake';
import { makeProductPhoto } from '../fake/images';
import { startReceiver, type Receiver } from '../fake/test-client';
import { runWorkflow, type WorkflowRun } from '../harness/engine';
import { callResumeUrl, resumeAfterWaitLimit, runWebhookLifecycle } from '../harness/waiting';
import { CallbackServer } from '../support/callback-server';
import { eventually } from '../../tools/local-n8n/system/wait';
import { productPhotoFile } from '../support/images';
import { piApiCredentials } from '../support/vendor-fakes';
import { NODE_UNDER_TEST, workflowFor } from '../support/workflows';

const API_KEY = 'pi-live-KEY-0987654321-fedcba';
let fake: PiApiFake;
let imageHost: Receiver;
let imageUrl: string;
let n8n: CallbackServer;

const credentials = () => piApiCredentials(fake, API_KEY);

type OnError = 'continueRegularOutput' | 'continueErrorOutput' | undefined;

function callbackWorkflow(
	parameters: Record<string, unknown> = {},
	items = [{ json: {} }],
	onError?: OnError,
) {
	const workflow = workflowFor(
		'piApiSegment',
		{
			imageSource: 'url',
			imageUrl,
			prompt: 'product',
			waitMode: 'callback',
			maxWait: 60,
			...parameters,
		} as never,
		items,
		{ credentials: ['piApiApi'] },
	);
	if (onError) workflow.nodes[2].onError = onError;
	return workflow;
}

/** Runs the workflow until it waits for PiAPI, reachable at its resume URL once saved (`saveDelayMs` after the node returned). */
async function runUntilWaiting(
	workflow: ReturnType<typeof callbackWorkflow>,
	saveDelayMs = 0,
): Promise<WorkflowRun> {
	const run = await n8n.runUntilWaiting(workflow, { credentials: credentials() }, saveDelayMs);
	expect(run.status).toBe('waiting');
	return run;
}

const CHECKED = { message: 'Checked; the tasks of this execution are still running.' };
const answersFor = (run: WorkflowRun) =>
	n8n.answers.filter((answer) => answer.executionId === run.executionId);

function createdTask() {
	const tasks = [...fake.tasks.values()];
	expect(tasks).toHaveLength(1);
	return tasks[0];
}

async function callbackBody(taskId: string) {
	const response = await fetch(`${fake.baseUrl}/api/v1/task/${taskId}`, {
		headers: { 'x-api-key': API_KEY },
	});
	return { timestamp: 1, data: ((await response.json()) as { data: unknown }).data };
}

beforeAll(async () => {
	fake = await startPiApiFake({ apiKey: API_KEY, taskLatencyMs: 150, webhookRetryMs: 100 });
	imageHost = await startReceiver(await makeProductPhoto({ width: 240, height: 180, seed: 5 }));
	imageUrl = `${imageHost.url}/image.png`;
	n8n = await CallbackServer.start();
});
beforeEach(() => fake.reset());
afterAll(async () => {
	await fake.close();
	await imageHost.close();
	await n8n.close();
});

describe('PiAPI Segment, Wait Mode "Webhook Callback"', () => {
	it("gives PiAPI the execution's resume URL and a generated secret, waits, and resumes with the polling output shape", async () => {
		const run = await runUntilWaiting(
			callbackWorkflow({ negativePrompt: 'background', segmentFactor: -15 }),
		);
		const task = createdTask();
		const { endpoint, secret } = task.config.webhook_config;
		// The resume URL carries n8n's own token (n8n refuses calls without it) besides the secret.
		expect(endpoint).toMatch(
			new RegExp(`^${n8n.baseUrl}/webhook-waiting/${run.executionId}\\?signature=[0-9a-f]{64}$`),
		);
		expect(secret).toMatch(/^[0-9a-f]{64}$/);
		expect(JSON.stringify(run.run.data)).not.toContain(secret);
		expect(run.output(NODE_UNDER_TEST)[0].json).toMatchObject({ taskId: task.id, done: false });

		const resumed = await n8n.whenResumed(run.executionId);
		expect(resumed.status).toBe('success');
		const [item] = resumed.output(NODE_UNDER_TEST);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			vendor: 'piapi',
			imageUrl,
			prompt: 'product',
			negativePrompt: 'background',
			segmentFactor: -15,
			taskId: task.id,
			status: 'succeeded',
			done: true,
		});
		expect(item.json.maskUrls).toEqual([item.json.maskUrl]);
		const meta = await sharp(await resumed.binary(item, 'mask')).metadata();
		expect([meta.format, meta.width, meta.height]).toEqual(['png', 240, 180]);
		expect(item.binary?.mask.fileName).toBe('image_mask.png');
		expect(fake.counters.creates).toBe(1);
	});

	it.each([
		[true, ['photo', 'mask']],
		[false, ['mask']],
	])(
		'Keep Input Binary %s: the resumed item has the binary fields %j (the input file read back after the wait)',
		async (keepInputBinary, fields) => {
			const photo = await productPhotoFile('catalog.png', 200, 100);
			const run = await runUntilWaiting(
				callbackWorkflow({ options: { keepInputBinary } }, [
					{ files: { photo: { path: photo.path } } } as never,
				]),
			);
			const resumed = await n8n.whenResumed(run.executionId);
			expect(resumed.status).toBe('success');
			const [item] = resumed.output(NODE_UNDER_TEST);
			expect(Object.keys(item.binary ?? {}).sort()).toEqual([...fields].sort());
			// n8n's reference to the input file survived the wait: the same bytes come back.
			if (keepInputBinary) expect(await resumed.binary(item, 'photo')).toEqual(photo.data);
		},
	);

	it.each([
		['a wrong secret', { webhookSecretOverride: 'not-the-secret' }],
		['no secret', { webhookOmitSecret: true }],
	])('refuses a callback with %s and keeps waiting', async (_case, faults) => {
		// The task outlasts the node's check-in (after 1 s), which would otherwise resume the execution itself.
		fake.configure({ ...faults, taskLatencyMs: 2_000 });
		const run = await runUntilWaiting(callbackWorkflow());
		const task = createdTask();
		await eventually(() => fake.webhookLog.length === 3, 'PiAPI to give up delivering', 10_000);
		expect(fake.webhookLog.map((delivery) => delivery.status)).toEqual([401, 401, 401]);
		expect(answersFor(run).map((answer) => [answer.status, answer.body])).toEqual([
			[200, CHECKED],
			[401, { message: 'Missing or wrong x-webhook-secret: the call was refused.' }],
			[401, { message: 'Missing or wrong x-webhook-secret: the call was refused.' }],
			[401, { message: 'Missing or wrong x-webhook-secret: the call was refused.' }],
		]);

		const answer = await callResumeUrl(run, {
			headers: { 'x-webhook-secret': (task.config.webhook_config as { secret: string }).secret },
			body: await callbackBody(task.id),
		});
		expect(answer.status).toBe(200);
		expect(answer.run?.status).toBe('success');
	});

	it('resumes once when PiAPI delivers the same callback twice', async () => {
		fake.configure({ webhookDuplicate: true });
		const run = await runUntilWaiting(callbackWorkflow());
		const resumed = await n8n.whenResumed(run.executionId);
		await eventually(() => fake.webhookLog.length >= 2, 'the duplicate delivery');
		expect(resumed.output(NODE_UNDER_TEST)).toHaveLength(1);
		expect(
			n8n.answers.filter((answer) => answer.executionId === run.executionId && answer.run),
		).toHaveLength(1);
		expect(fake.webhookLog.map((delivery) => [delivery.duplicate, delivery.status])).toEqual([
			[false, 200],
			[true, 409],
		]);
	});

	it('with several items, resumes only when every task is done, and keeps their order', async () => {
		const items = [0, 1, 2].map((index) => ({ json: { prompt: `thing ${index}` } }));
		fake.configure({ taskLatencyMs: 400 });
		const run = await runUntilWaiting(callbackWorkflow({ prompt: '={{ $json.prompt }}' }, items));
		const slowest = [...fake.tasks.values()].find((task) => task.input.prompt === 'thing 0')!;
		slowest.latencyMs = 2_500;
		const resumed = await n8n.whenResumed(run.executionId);
		const early = answersFor(run).filter((answer) => !answer.run);
		// PiAPI's callbacks for the two quick tasks, then the node's own check-in after 1 s.
		expect(early.map((answer) => answer.body)).toEqual([
			{ message: 'Noted; other tasks of this execution are still running.' },
			{ message: 'Noted; other tasks of this execution are still running.' },
			CHECKED,
		]);
		const output = resumed.output(NODE_UNDER_TEST);
		expect(output.map((item) => [item.json.prompt, item.json.status, item.pairedItem])).toEqual([
			['thing 0', 'succeeded', { item: 0 }],
			['thing 1', 'succeeded', { item: 1 }],
			['thing 2', 'succeeded', { item: 2 }],
		]);
		expect(answersFor(run).filter((answer) => answer.run)).toHaveLength(1);
		expect(fake.counters.creates).toBe(3);
	});

	it('finishes at once, without waiting, when every task is done before the execution would wait', async () => {
		// Each callback comes once, while the node still runs: n8n would refuse it (409), this
		// harness answers 404 because the execution is not waiting. Neither is needed.
		fake.configure({ completeOnCreate: true, webhookMaxAttempts: 1 });
		const items = [0, 1, 2].map((index) => ({ json: { prompt: `thing ${index}` } }));
		const run = await runWorkflow(callbackWorkflow({ prompt: '={{ $json.prompt }}' }, items), {
			credentials: credentials(),
			baseUrl: n8n.baseUrl,
		});
		expect(run.status).toBe('success');
		expect(run.run.data.waitTill).toBeUndefined();
		const output = run.output(NODE_UNDER_TEST);
		expect(
			output.map((item) => [item.json.prompt, item.json.status, item.json.done, item.pairedItem]),
		).toEqual([
			['thing 0', 'succeeded', true, { item: 0 }],
			['thing 1', 'succeeded', true, { item: 1 }],
			['thing 2', 'succeeded', true, { item: 2 }],
		]);
		for (const item of output)
			expect((await sharp(await run.binary(item, 'mask')).metadata()).format).toBe('png');
		expect(fake.counters.creates).toBe(3);
		await eventually(() => fake.webhookLog.length === 3, 'the three callbacks');
		expect(fake.webhookLog.map((delivery) => [delivery.attempt, delivery.ok])).toEqual([
			[1, false],
			[1, false],
			[1, false],
		]);
	});

	it('resumes by its own check-in when the last task ended before n8n had saved the execution as waiting', async () => {
		// The task ends 300 ms after creation; n8n saves the execution as waiting only after 1.5 s
		// (a busy worker), so PiAPI's one callback is refused as running and never retried.
		fake.configure({ taskLatencyMs: 300, webhookMaxAttempts: 1 });
		const run = await runUntilWaiting(callbackWorkflow(), 1_500);
		const resumed = await n8n.whenResumed(run.executionId);
		expect(resumed.output(NODE_UNDER_TEST)[0].json).toMatchObject({
			taskId: createdTask().id,
			status: 'succeeded',
			done: true,
		});
		expect(fake.webhookLog.map((delivery) => [delivery.attempt, delivery.status])).toEqual([
			[1, 409],
		]);
		expect(
			answersFor(run)
				.filter((answer) => answer.run)
				.map((answer) => answer.body),
		).toEqual([{ message: 'All tasks done: the execution resumes.' }]);
	});

	it('checks in again when PiAPI could not be read at its first check-in', async () => {
		// The first read fails before the wait, the second at the check-in that gets through (at 3 s).
		fake.configure({ taskLatencyMs: 300, webhookMaxAttempts: 1 });
		fake.injectFault({ endpoint: 'getTask', kind: 'http401', times: 2 });
		const run = await runUntilWaiting(callbackWorkflow(), 1_500);
		const resumed = await n8n.whenResumed(run.executionId);
		expect(resumed.output(NODE_UNDER_TEST)[0].json).toMatchObject({
			status: 'succeeded',
			done: true,
		});
		// (Calls refused as running are not recorded as answers: PiAPI's callback, the check-in at 1 s.)
		expect(answersFor(run).map((answer) => answer.status)).toEqual([503, 200]);
		expect(fake.webhookLog.map((delivery) => delivery.status)).toEqual([409]);
	});

	it('stops checking in once n8n has let a call through', async () => {
		const run = await runUntilWaiting(callbackWorkflow());
		await n8n.whenResumed(run.executionId);
		// PiAPI's callback resumed it; the check-in after 1 s finds it no longer waiting and ends.
		await eventually(() => answersFor(run).length === 2, 'the check-in after the resume');
		expect(answersFor(run).map((answer) => answer.status)).toEqual([200, 409]);
		expect(answersFor(run)[1].body).toEqual({
			message: `The execution "${run.executionId}" is not waiting.`,
		});
		// A check-in that went on would come 2 s after that answer (its next delay): wait that out, twice over, from the answer itself.
		await new Promise((resolve) => setTimeout(resolve, 2 * 2_000));
		expect(answersFor(run).map((answer) => answer.status)).toEqual([200, 409]);
	});

	it('still waits for the callback when PiAPI cannot be read right before the wait', async () => {
		fake.injectFault({ endpoint: 'getTask', kind: 'http401' });
		const run = await runUntilWaiting(callbackWorkflow());
		expect(fake.counters.calls.getTask).toBe(1);
		const resumed = await n8n.whenResumed(run.executionId);
		expect(resumed.output(NODE_UNDER_TEST)[0].json).toMatchObject({
			taskId: createdTask().id,
			status: 'succeeded',
		});
	});

	it('reports a task PiAPI failed as an error item of that item', async () => {
		fake.configure({ taskOutcome: () => 'failed' });
		const run = await runUntilWaiting(
			callbackWorkflow({}, [{ json: {} }], 'continueRegularOutput'),
		);
		const [item] = (await n8n.whenResumed(run.executionId)).output(NODE_UNDER_TEST);
		expect(item.json.error).toMatch(
			/PiAPI could not segment the image \(task [0-9a-f-]{36}\).*\[item 0\]/,
		);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('at Max Wait, goes on with each item failed with its task id (error output)', async () => {
		fake.configure({ taskOutcome: () => 'never' });
		const before = Date.now();
		const run = await runUntilWaiting(
			callbackWorkflow({ maxWait: 1 }, [{ json: {} }], 'continueErrorOutput'),
		);
		const after = Date.now();
		const waitTill = run.run.data.waitTill;
		expect(waitTill).toBeInstanceOf(Date);
		// Max Wait (1 s) from when the node put the execution to wait, which is between the test's two readings of the clock.
		expect(waitTill!.getTime()).toBeGreaterThanOrEqual(before + 1_000);
		expect(waitTill!.getTime()).toBeLessThanOrEqual(after + 1_000);

		const resumed = await resumeAfterWaitLimit(run);
		expect(resumed.status).toBe('success');
		expect(resumed.output(NODE_UNDER_TEST, 0)).toEqual([]);
		const [failed] = resumed.output(NODE_UNDER_TEST, 1);
		const taskId = createdTask().id;
		expect(failed.json.error).toContain(`without the result of task ${taskId}`);
		expect(failed.pairedItem).toEqual({ item: 0 });
	});

	it('fails each item before anything is sent when PiAPI could not reach the loopback resume URL, naming WEBHOOK_URL', async () => {
		// As on a queue-mode worker without WEBHOOK_URL: n8n builds the resume URL on localhost.
		const elsewhere = {
			piApiApi: {
				apiKey: API_KEY,
				baseUrl: 'http://piapi.invalid',
				uploadBaseUrl: 'http://piapi.invalid/upload',
			},
		};
		const run = await runWorkflow(
			callbackWorkflow({}, [{ json: {} }, { json: {} }], 'continueRegularOutput'),
			{
				credentials: elsewhere,
				baseUrl: 'http://localhost:5678',
			},
		);
		expect(run.status).toBe('success');
		expect(run.run.data.waitTill).toBeUndefined();
		const output = run.output(NODE_UNDER_TEST);
		expect(output.map((item) => [item.json.error, item.pairedItem])).toEqual(
			[0, 1].map((index) => [
				`PiAPI could not call this execution back: n8n gave its resume URL on http://localhost:5678, an address of this machine [item ${index}]`,
				{ item: index },
			]),
		);
		expect(output[0].json.errorDescription).toMatch(
			/^Set WEBHOOK_URL .* on every n8n process: main, workers and webhook processors\./,
		);
	});

	it('refuses its own Webhook URL option in callback mode, naming the fix', async () => {
		const run = await runWorkflow(
			callbackWorkflow({ options: { webhookEndpoint: 'https://example.com/hook' } }),
			{
				credentials: credentials(),
				baseUrl: n8n.baseUrl,
			},
		);
		expect(run.status).toBe('error');
		expect(run.nodeError(NODE_UNDER_TEST)?.message).toMatch(
			/Webhook URL option cannot be used with Wait Mode "Webhook Callback" \[item 0\]/,
		);
		expect(fake.counters.creates).toBe(0);
	});

	it('keeps the API key and the secret out of everything it outputs', async () => {
		const run = await runUntilWaiting(callbackWorkflow());
		const resumed = await n8n.whenResumed(run.executionId);
		const secret = (createdTask().config.webhook_config as { secret: string }).secret;
		for (const data of [run.run.data, resumed.run.data]) {
			expect(JSON.stringify(data)).not.toContain(API_KEY);
			expect(JSON.stringify(data)).not.toContain(secret);
		}
	});

	it("its resume webhook's lifecycle asks PiAPI nothing: PiAPI takes the URL with each task", async () => {
		fake.configure({ taskOutcome: () => 'never' });
		const run = await runUntilWaiting(callbackWorkflow());
		const before = { ...fake.counters.calls };
		expect((await runWebhookLifecycle(run.context!, NODE_UNDER_TEST, 'activate')).calls).toEqual([
			{ method: 'checkExists', result: false },
			{ method: 'create', result: true },
		]);
		expect((await runWebhookLifecycle(run.context!, NODE_UNDER_TEST, 'deactivate')).calls).toEqual([
			{ method: 'delete', result: true },
		]);
		expect(fake.counters.calls).toEqual(before);
	});
});
