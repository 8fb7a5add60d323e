import sharp from 'sharp';

import { startPiApiFake, type PiApiFake } from '../fake';
import { makeProductPhoto } from '../fake/images';
import { startReceiver, type Receiver } from '../fake/test-client';
import { PACKAGE_DIR } from '../harness/engine';
import { loadPackage, type NodeTypes } from '../harness/node-types';
import { callTriggerWebhook, runWebhookLifecycle } from '../harness/waiting';
import { piApiTriggerWorkflow } from '../support/piapi-trigger';

const API_KEY = 'pi-live-KEY-0987654321-fedcba';
const SECRET = 'trigger-secret-5f3a9c';
let fake: PiApiFake;
let imageHost: Receiver;
const triggerWorkflow = async (parameters: Record<string, unknown> = {}) =>
	await piApiTriggerWorkflow(SECRET, parameters);

/** The package as another n8n process loads it: its own copy of every module, so no memory is shared. */
async function packageOfAnotherProcess(): Promise<NodeTypes> {
	let nodeTypes: NodeTypes | undefined;
	await jest.isolateModulesAsync(async () => {
		({ nodeTypes } = await loadPackage(PACKAGE_DIR));
	});
	return nodeTypes!;
}

/** A webhook body as PiAPI sends it, for a task the fake ran (so its mask URL works). */
async function finishedTaskBody(outcome: 'success' | 'failed' = 'success') {
	fake.configure({ taskOutcome: () => outcome, taskLatencyMs: 10 });
	const created = await fetch(`${fake.baseUrl}/api/v1/task`, {
		method: 'POST',
		headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
		body: JSON.stringify({
			model: 'Qubico/image-toolkit',
			task_type: 'segment',
			input: {
				image: `${imageHost.url}/image.png`,
				prompt: 'shoe',
				negative_prompt: '',
				segment_factor: 0,
			},
		}),
	});
	const taskId = ((await created.json()) as { data: { task_id: string } }).data.task_id;
	for (;;) {
		const reply = await fetch(`${fake.baseUrl}/api/v1/task/${taskId}`, {
			headers: { 'x-api-key': API_KEY },
		});
		const data = ((await reply.json()) as { data: Record<string, unknown> }).data;
		if (data.status === 'completed' || data.status === 'failed')
			return { timestamp: 1723018391, data };
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

beforeAll(async () => {
	fake = await startPiApiFake({ apiKey: API_KEY });
	imageHost = await startReceiver(await makeProductPhoto({ width: 120, height: 90, seed: 9 }));
});
beforeEach(() => fake.reset());
afterAll(async () => {
	await fake.close();
	await imageHost.close();
});

describe('PiAPI Trigger', () => {
	it('emits a completed task in the shape of Check Segmentation Task, with the mask when asked', async () => {
		const context = await triggerWorkflow({ options: { downloadMask: true } });
		const body = await finishedTaskBody();
		const answer = await callTriggerWebhook(context, 'PiAPI Trigger', {
			headers: { 'x-webhook-secret': SECRET },
			body,
		});
		expect(answer.status).toBe(200);
		expect(answer.run?.status).toBe('success');
		const [item] = answer.run!.output('After');
		expect(Object.keys(item.json).sort()).toEqual([
			'done',
			'error',
			'maskUrls',
			'raw',
			'results',
			'status',
			'taskId',
			'vendor',
		]);
		expect(item.json).toMatchObject({
			vendor: 'piapi',
			taskId: body.data.task_id,
			status: 'succeeded',
			done: true,
			error: null,
		});
		expect(item.json.results).toEqual([
			{ url: expect.stringContaining(fake.fileBaseUrl), status: 'succeeded' },
		]);
		const meta = await sharp(await answer.run!.binary(item, 'mask')).metadata();
		expect(meta.format).toBe('png');
		expect(item.binary?.mask.fileName).toBe(`${String(body.data.task_id)}_mask.png`);
	});

	it('still emits the task when its mask cannot be downloaded, saying why', async () => {
		const context = await triggerWorkflow({ options: { downloadMask: true } });
		const body = await finishedTaskBody();
		const missing = {
			...body,
			data: { ...body.data, output: { image_url: `${fake.fileBaseUrl}/missing.png` } },
		};
		const answer = await callTriggerWebhook(context, 'PiAPI Trigger', {
			headers: { 'x-webhook-secret': SECRET },
			body: missing,
		});
		const [item] = answer.run!.output('After');
		expect(item.json).toMatchObject({
			taskId: body.data.task_id,
			status: 'succeeded',
			maskDownloadError: 'Could not download the result file from PiAPI (HTTP 404)',
		});
		expect(item.binary).toBeUndefined();
	});

	it.each([
		['a wrong secret', { 'x-webhook-secret': 'guess' }],
		['no secret', {}],
	])('refuses a call with %s and starts nothing', async (_case, headers) => {
		const context = await triggerWorkflow();
		const answer = await callTriggerWebhook(context, 'PiAPI Trigger', {
			headers,
			body: await finishedTaskBody(),
		});
		expect(answer).toEqual({
			status: 401,
			body: { message: 'Missing or wrong x-webhook-secret: the call was refused.' },
		});
	});

	it('starts the workflow once for a repeated delivery, remembered in the static data n8n saves for the workflow', async () => {
		// Each call loads the workflow as saved, as any n8n process would: only its static data carries over.
		const context = await triggerWorkflow();
		const body = await finishedTaskBody();
		const first = await callTriggerWebhook(context, 'PiAPI Trigger', {
			headers: { 'x-webhook-secret': SECRET },
			body,
		});
		const again = await callTriggerWebhook(context, 'PiAPI Trigger', {
			headers: { 'x-webhook-secret': SECRET },
			body,
		});
		expect([first.status, first.body, first.run?.output('After').length]).toEqual([
			200,
			{ message: 'Received.' },
			1,
		]);
		expect(again).toEqual({
			status: 200,
			body: { message: 'Ignored: this task was already delivered.' },
		});

		const failedLater = { ...body, data: { ...body.data, status: 'failed' } };
		const otherStatus = await callTriggerWebhook(context, 'PiAPI Trigger', {
			headers: { 'x-webhook-secret': SECRET },
			body: failedLater,
		});
		expect(otherStatus.run?.output('After')).toHaveLength(1);
	});

	it('recognises a repeat that reaches another n8n process (queue mode: main and webhook processors)', async () => {
		const context = await triggerWorkflow();
		const body = await finishedTaskBody();
		const first = await callTriggerWebhook(context, 'PiAPI Trigger', {
			headers: { 'x-webhook-secret': SECRET },
			body,
		});
		expect(first.run?.output('After')).toHaveLength(1);
		const again = await callTriggerWebhook(
			context,
			'PiAPI Trigger',
			{ headers: { 'x-webhook-secret': SECRET }, body },
			await packageOfAnotherProcess(),
		);
		expect(again).toEqual({
			status: 200,
			body: { message: 'Ignored: this task was already delivered.' },
		});
	});

	it('filters by status and task type, and ignores unfinished tasks', async () => {
		const failed = await finishedTaskBody('failed');
		const onlyCompleted = await triggerWorkflow({ statuses: ['succeeded'] });
		const ignored = await callTriggerWebhook(onlyCompleted, 'PiAPI Trigger', {
			headers: { 'x-webhook-secret': SECRET },
			body: failed,
		});
		expect(ignored.run).toBeUndefined();
		expect(ignored.body).toEqual({
			message: expect.stringMatching(/^Ignored: task .* has status failed/),
		});

		const onlyUpscale = await triggerWorkflow({ taskTypes: 'upscale' });
		const otherType = await callTriggerWebhook(onlyUpscale, 'PiAPI Trigger', {
			headers: { 'x-webhook-secret': SECRET },
			body: failed,
		});
		expect(otherType.body).toEqual({
			message: 'Ignored: task type "segment" is not one of upscale.',
		});

		const running = {
			timestamp: 1,
			data: {
				...failed.data,
				status: 'processing',
				task_id: 'c0ffee00-0000-4000-8000-000000000002',
			},
		};
		const early = await callTriggerWebhook(await triggerWorkflow(), 'PiAPI Trigger', {
			headers: { 'x-webhook-secret': SECRET },
			body: running,
		});
		expect(early.run).toBeUndefined();

		const both = await callTriggerWebhook(await triggerWorkflow(), 'PiAPI Trigger', {
			headers: { 'x-webhook-secret': SECRET },
			body: failed,
		});
		const [item] = both.run!.output('After');
		expect(item.json).toMatchObject({
			status: 'failed',
			done: true,
			error: { message: expect.any(String) },
		});
	});

	it('activates and deactivates without asking PiAPI anything: PiAPI has no webhook registrations', async () => {
		const context = await triggerWorkflow();
		const activated = await runWebhookLifecycle(context, 'PiAPI Trigger', 'activate');
		expect(activated.calls).toEqual([
			{ method: 'checkExists', result: false },
			{ method: 'create', result: true },
		]);
		expect((await runWebhookLifecycle(context, 'PiAPI Trigger', 'deactivate')).calls).toEqual([
			{ method: 'delete', result: true },
		]);
		expect(fake.counters.calls).toEqual({});
		const answer = await callTriggerWebhook(context, 'PiAPI Trigger', {
			headers: { 'x-webhook-secret': SECRET },
			body: await finishedTaskBody(),
		});
		expect(answer.run?.status).toBe('success');
	});

	it('refuses a body without a task', async () => {
		const answer = await callTriggerWebhook(await triggerWorkflow(), 'PiAPI Trigger', {
			headers: { 'x-webhook-secret': SECRET },
			body: { hello: 1 },
		});
		expect(answer.status).toBe(400);
	});
});
