/*
 * Every reply shape PiAPI's public clients show (docs/vendor-gaps.md, /work/shared/api/piapi.md
 * "Seen in public clients"), one fake switch each, through n8n's engine: PiAPI Segment (both wait
 * modes and as a tool), Check Segmentation Task, Get Segmentation Download URL and PiAPI Trigger.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { PiApiOutputShape, PiApiStatus, PiApiTask } from '../fake/piapi.fake';
import { call } from '../fake/test-client';
import type { TestItem } from '../harness/core-node-stand-ins';
import { runWorkflow, type RunContext, type WorkflowRun } from '../harness/engine';
import { callTriggerWebhook } from '../harness/waiting';
import { captureLogs } from '../reliability/support';
import { CallbackServer } from '../support/callback-server';
import { productPhotoFile } from '../support/images';
import { piApiTriggerWorkflow } from '../support/piapi-trigger';
import { expectKeysNowhere } from '../support/secrets';
import {
	createPiApiTask,
	fakeVendorCredentials,
	runOnFakes,
	useFakeVendors,
	type TaskState,
} from '../support/vendor-fakes';
import { NODE_UNDER_TEST, workflowFor } from '../support/workflows';
import { eventually } from '../../tools/local-n8n/system/wait';

const API_KEY = 'pi-live-SHAPES-4444444444-secret';
const WEBHOOK_SECRET = 'whsec-SHAPES-echoed-0123456789abcdef';
const TRIGGER_SECRET = 'trigger-SHAPES-secret-9f8e7d6c5b';
const THREE_THINGS = 'clothes,shoes,bag';

const vendors = useFakeVendors({
	keys: { sellerpic: 'sp-live-SHAPES-3333333333-secret', piapi: API_KEY },
	photo: { width: 200, height: 150, seed: 7 },
	taskLatencyMs: 150,
});
const fake = () => vendors.piApi;

let n8n: CallbackServer;
beforeAll(async () => {
	n8n = await CallbackServer.start();
});
afterAll(async () => await n8n.close());

/** PiAPI Segment's workflow: the image URL of the suite, polling fast, unless told. */
function segmentWorkflow(
	parameters: INodeParameters = {},
	items?: TestItem[],
	extra: { continueOnFail?: boolean; nodeType?: string } = {},
) {
	return workflowFor(
		extra.nodeType ?? 'piApiSegment',
		{
			imageSource: 'url',
			imageUrl: vendors.imageUrl,
			prompt: 'product',
			pollInterval: 0.05,
			maxWait: 20,
			...parameters,
		},
		items,
		{ credentials: ['piApiApi'], continueOnFail: extra.continueOnFail },
	);
}

/** Runs PiAPI Segment (polling unless told) and checks the API key shows nowhere. */
async function segment(
	parameters: INodeParameters = {},
	items?: TestItem[],
	extra: { continueOnFail?: boolean; nodeType?: string } = {},
) {
	const run = await runWorkflow(segmentWorkflow(parameters, items, extra), {
		credentials: fakeVendorCredentials(vendors, 'piapi'),
	});
	expectKeysNowhere(run, [API_KEY]);
	return run;
}

const check = async (taskId: string) =>
	await runOnFakes(vendors, 'checkSegmentationTask', 'piapi', { taskId });

const downloadUrl = async (id: string, download = false) =>
	await runOnFakes(vendors, 'getSegmentationDownloadUrl', 'piapi', { id, download });

/**
 * A task created through the fake's API (its prompt, a webhook secret if given) and run to its
 * end.
 */
async function finishedTask(
	options: { prompt?: string; secret?: string; endpoint?: string; failed?: boolean } = {},
): Promise<PiApiTask> {
	fake().configure({ taskOutcome: () => (options.failed ? 'failed' : 'success') });
	const webhook = options.secret
		? {
				config: {
					webhook_config: {
						endpoint: options.endpoint ?? `${vendors.imageHost.url}/hook`,
						secret: options.secret,
					},
				},
			}
		: {};
	const reply = await call(`${fake().baseUrl}/api/v1/task`, {
		method: 'POST',
		headers: { 'x-api-key': API_KEY },
		json: {
			model: 'Qubico/image-toolkit',
			task_type: 'segment',
			input: {
				image: vendors.imageUrl,
				prompt: options.prompt ?? 'product',
				negative_prompt: '',
				segment_factor: 0,
			},
			...webhook,
		},
	});
	const task = fake().tasks.get(String(reply.json.data.task_id))!;
	await eventually(
		() => ['completed', 'failed'].includes(fake().statusOf(task)),
		'the task to end',
		5_000,
		10,
	);
	return task;
}

/** The URLs the fake gives for a task's masks, in the prompt's order. */
const maskUrlsOf = (task: PiApiTask) => fake().maskUrls(task);

/** The task as PiAPI's webhook body carries it. */
async function webhookBody(task: PiApiTask) {
	const reply = await call(`${fake().baseUrl}/api/v1/task/${task.id}`, {
		headers: { 'x-api-key': API_KEY },
	});
	return { timestamp: 1723018391, data: reply.json.data };
}

/** The item has every mask: `maskUrls` as given, and each mask as a binary (below). */
async function expectEveryMask(run: WorkflowRun, item: INodeExecutionData, urls: string[]) {
	expect(item.json.maskUrls).toEqual(urls);
	await expectMaskFiles(run, item, urls);
}

/** Binaries `mask`, `mask_2`, … each holding the file at its URL (each a different file). */
async function expectMaskFiles(run: WorkflowRun, item: INodeExecutionData, urls: string[]) {
	const fields = urls.map((_url, index) => (index ? `mask_${index + 1}` : 'mask'));
	expect(Object.keys(item.binary ?? {}).filter((field) => field.startsWith('mask'))).toEqual(
		fields,
	);
	const masks = await Promise.all(fields.map(async (field) => await run.binary(item, field)));
	for (const [index, url] of urls.entries())
		expect(masks[index].equals((await call(url)).bytes)).toBe(true);
	expect(new Set(masks.map((mask) => mask.toString('base64'))).size).toBe(urls.length);
}

describe('statuses: success, in_progress and "" besides the unified five, in any case', () => {
	const WORDS: Array<[string, Partial<Record<PiApiStatus, string>>]> = [
		[
			'success, in_progress, ""',
			{ pending: '', processing: 'in_progress', completed: 'success', failed: 'failed' },
		],
		[
			'SUCCESS, IN_PROGRESS, PENDING',
			{ pending: 'PENDING', processing: 'IN_PROGRESS', completed: 'SUCCESS', failed: 'FAILED' },
		],
		[
			'Success, In_Progress, Staged',
			{ pending: 'Staged', processing: 'In_Progress', completed: 'Success', failed: 'Failed' },
		],
		[
			'Completed, Processing, Pending',
			{ pending: 'Pending', processing: 'Processing', completed: 'Completed', failed: 'Failed' },
		],
	];

	it.each(WORDS)('PiAPI Segment finishes a task reported as %s', async (_words, statusWords) => {
		fake().configure({ statusWords });
		const run = await segment({ maxWait: 3 });
		expect(run.status).toBe('success');
		const [item] = run.output(NODE_UNDER_TEST);
		expect(item.json).toMatchObject({ status: 'succeeded', done: true });
		expect(item.binary?.mask).toBeDefined();
	});

	it.each(WORDS)('Check Segmentation Task reads every state in %s', async (_words, statusWords) => {
		const vendorStatus: Record<TaskState, PiApiStatus> = {
			queued: 'pending',
			running: 'processing',
			succeeded: 'completed',
			failed: 'failed',
		};
		for (const state of ['queued', 'running', 'succeeded', 'failed'] as const) {
			const task = await createPiApiTask(fake(), API_KEY, vendors.imageUrl, state);
			fake().configure({ statusWords });
			const [item] = (await check(task.id)).output(NODE_UNDER_TEST);
			const word = statusWords[vendorStatus[state]];
			expect([item.json.status, (item.json.raw as { status: string }).status]).toEqual([
				state,
				word,
			]);
			expect(item.json.done).toBe(state === 'succeeded' || state === 'failed');
		}
	});
});

describe('the envelope code of a success: 200 or 0', () => {
	it.each([200, 0])(
		'code %d: uploads a binary, creates, polls and reads the task',
		async (successCode) => {
			fake().configure({ successCode });
			const photo = await productPhotoFile('code.png', 120, 90);
			const run = await segment({ imageSource: 'binary', binaryPropertyName: 'data' }, [
				{ files: { data: { path: photo.path } } },
			]);
			const [item] = run.output(NODE_UNDER_TEST);
			expect(item.json).toMatchObject({ status: 'succeeded', done: true });
			expect(String(item.json.imageUrl)).toContain(fake().uploadBaseUrl);
			const [checked] = (await check(String(item.json.taskId))).output(NODE_UNDER_TEST);
			expect(checked.json.status).toBe('succeeded');
			const codes = fake()
				.requests.filter((request) => request.code !== undefined)
				.map((request) => [request.endpoint, request.code]);
			expect(codes).toContainEqual(['upload', successCode]);
			expect(codes).toContainEqual(['createTask', successCode]);
			expect(codes).toContainEqual(['getTask', successCode]);
			expect(new Set(codes.map(([, code]) => code))).toEqual(new Set([successCode]));
		},
	);
});

describe('output: image_url, image_urls (one, several, null), temporary_image_urls', () => {
	const permanent = (task: PiApiTask) => maskUrlsOf(task);
	const first = (task: PiApiTask) => maskUrlsOf(task).slice(0, 1);
	const temporary = (task: PiApiTask) => maskUrlsOf(task).map((url) => `${url}?temporary=1`);
	it.each<[PiApiOutputShape, (task: PiApiTask) => string[]]>([
		['image_url', first],
		['image_urls', permanent],
		['image_url+image_urls', permanent],
		['image_url+null', first],
		['temporary_image_urls', temporary],
		['image_url+temporary', first],
	])(
		'%s: Check Segmentation Task lists every permanent URL once, temporary ones only without a permanent one',
		async (outputShape, expected) => {
			fake().configure({ outputShape, masksPerPromptThing: true });
			const task = await finishedTask({ prompt: THREE_THINGS });
			const [item] = (await check(task.id)).output(NODE_UNDER_TEST);
			expect(item.json.maskUrls).toEqual(expected(task));
			expect(item.json.results).toEqual(
				expected(task).map((url) => ({ url, status: 'succeeded' })),
			);
		},
	);

	it('PiAPI Segment downloads the masks at temporary_image_urls when there is no other URL', async () => {
		fake().configure({ outputShape: 'temporary_image_urls', masksPerPromptThing: true });
		const run = await segment({ prompt: THREE_THINGS });
		expect(run.status).toBe('success');
		const [item] = run.output(NODE_UNDER_TEST);
		const [task] = [...fake().tasks.values()];
		await expectEveryMask(
			run,
			item,
			maskUrlsOf(task).map((url) => `${url}?temporary=1`),
		);
	});
});

describe(`several masks: one per thing in the prompt ("${THREE_THINGS}" → 3 image_urls)`, () => {
	beforeEach(() => fake().configure({ outputShape: 'image_urls', masksPerPromptThing: true }));

	it('PiAPI Segment, Wait Mode "Poll": every URL in maskUrls, every mask as mask, mask_2, mask_3', async () => {
		const run = await segment({ prompt: THREE_THINGS });
		const [item] = run.output(NODE_UNDER_TEST);
		const [task] = [...fake().tasks.values()];
		expect(item.json.maskUrl).toBe(maskUrlsOf(task)[0]);
		await expectEveryMask(run, item, maskUrlsOf(task));
		expect(['mask', 'mask_2', 'mask_3'].map((field) => item.binary?.[field].fileName)).toEqual([
			'image_mask.png',
			'image_mask_2.png',
			'image_mask_3.png',
		]);
	});

	it('PiAPI Segment, Wait Mode "Webhook Callback": the resumed item has every mask', async () => {
		const waiting = await n8n.runUntilWaiting(
			segmentWorkflow({ prompt: THREE_THINGS, waitMode: 'callback', maxWait: 60 }),
			{ credentials: fakeVendorCredentials(vendors, 'piapi') },
		);
		expect(waiting.status).toBe('waiting');
		const resumed = await n8n.whenResumed(waiting.executionId);
		expect(resumed.status).toBe('success');
		const [item] = resumed.output(NODE_UNDER_TEST);
		const [task] = [...fake().tasks.values()];
		await expectEveryMask(resumed, item, maskUrlsOf(task));
	});

	it('Check Segmentation Task: every URL in maskUrls and results', async () => {
		const task = await finishedTask({ prompt: THREE_THINGS });
		const [item] = (await check(task.id)).output(NODE_UNDER_TEST);
		expect(item.json.maskUrls).toEqual(maskUrlsOf(task));
		expect(item.json.results).toHaveLength(3);
	});

	it('Get Segmentation Download URL: every file, downloaded as mask, mask_2, mask_3', async () => {
		const task = await finishedTask({ prompt: THREE_THINGS });
		const run = await downloadUrl(task.id, true);
		const [item] = run.output(NODE_UNDER_TEST);
		expect(item.json.url).toBe(maskUrlsOf(task)[0]);
		expect(item.json.files).toEqual(
			maskUrlsOf(task).map((url, index) => ({
				url,
				fileName: `${task.id}${index ? `_${index + 1}` : ''}.png`,
			})),
		);
		await expectMaskFiles(run, item, maskUrlsOf(task));
	});

	it('PiAPI Trigger with Download Mask: every URL in maskUrls, every mask', async () => {
		const context = await piApiTriggerWorkflow(TRIGGER_SECRET, { options: { downloadMask: true } });
		const task = await finishedTask({ prompt: THREE_THINGS });
		const answer = await callTriggerWebhook(context, 'PiAPI Trigger', {
			headers: { 'x-webhook-secret': TRIGGER_SECRET },
			body: await webhookBody(task),
		});
		expect(answer.status).toBe(200);
		const [item] = answer.run!.output('After');
		await expectEveryMask(answer.run!, item, maskUrlsOf(task));
	});

	it("PiAPI Segment as an AI agent's tool: every URL in the tool's result", async () => {
		const run = await segment(
			{ prompt: THREE_THINGS, options: { downloadMask: false } },
			undefined,
			{ nodeType: 'piApiSegmentTool' },
		);
		const [item] = run.output(NODE_UNDER_TEST);
		const [task] = [...fake().tasks.values()];
		expect(item.json.maskUrls).toEqual(maskUrlsOf(task));
		for (const url of maskUrlsOf(task)) expect(JSON.stringify(item.json)).toContain(url);
	});
});

describe("a task's error as a string or an object: the vendor's words reach the error", () => {
	it.each(['string', 'object'] as const)(
		"error as %s: PiAPI Segment fails the item with PiAPI's message",
		async (taskErrorShape) => {
			fake().configure({ taskErrorShape, taskOutcome: () => 'failed' });
			const run = await segment({}, undefined, { continueOnFail: true });
			const [item] = run.output(NODE_UNDER_TEST);
			const [task] = [...fake().tasks.values()];
			expect(item.json.error).toBe(
				`PiAPI could not segment the image (task ${task.id}): segmentation failed [item 0]`,
			);
		},
	);

	it('error as a string: Check Segmentation Task reports it', async () => {
		fake().configure({ taskErrorShape: 'string' });
		const task = await finishedTask({ failed: true });
		const [item] = (await check(task.id)).output(NODE_UNDER_TEST);
		expect(item.json).toMatchObject({
			status: 'failed',
			error: { code: '', message: 'segmentation failed' },
			raw: { error: 'segmentation failed' },
		});
	});

	it('error as a string, empty on a completed task: no error', async () => {
		fake().configure({ taskErrorShape: 'string' });
		const task = await finishedTask();
		const [item] = (await check(task.id)).output(NODE_UNDER_TEST);
		expect(item.json).toMatchObject({ status: 'succeeded', error: null, raw: { error: '' } });
	});
});

describe("the upload reply's URL at data.url or at the top level", () => {
	it.each(['data', 'top'] as const)(
		'URL at %s: the binary is uploaded and segmented',
		async (uploadUrlAt) => {
			fake().configure({ uploadUrlAt });
			const photo = await productPhotoFile('top.png', 120, 90);
			const run = await segment({ imageSource: 'binary', binaryPropertyName: 'data' }, [
				{ files: { data: { path: photo.path } } },
			]);
			const [item] = run.output(NODE_UNDER_TEST);
			expect(item.json).toMatchObject({ status: 'succeeded', done: true });
			expect(String(item.json.imageUrl)).toContain(`${fake().uploadBaseUrl}/ephemeral/`);
		},
	);
});

describe("uploads named after the bytes, whatever the binary's file name says", () => {
	it.each([
		['a PNG named photo.jpg (wrong)', 'photo.jpg', 'png', 'photo.png', 'image/png'],
		['a PNG named photo (no extension)', 'photo', 'png', 'photo.png', 'image/png'],
		['a JPEG named PHOTO.PNG (wrong, upper case)', 'PHOTO.PNG', 'jpeg', 'PHOTO.jpg', 'image/jpeg'],
		['a WebP named Shoe.WEBP (upper case)', 'Shoe.WEBP', 'webp', 'Shoe.webp', 'image/webp'],
		['a PNG without a file name', '', 'png', 'image-0.png', 'image/png'],
	] as const)('%s: uploaded as its bytes say', async (_case, fileName, format, uploaded, type) => {
		const photo = await productPhotoFile(`source-${format}.bin`, 120, 90, format);
		const run = await segment({ imageSource: 'binary', binaryPropertyName: 'data' }, [
			{ files: { data: { path: photo.path, fileName } } },
		]);
		expect(run.status).toBe('success');
		expect(run.output(NODE_UNDER_TEST)[0].json.status).toBe('succeeded');
		const [file] = [...fake().uploadedFiles.values()];
		expect(file.name).toBe(uploaded);
		const served = await call(String(run.output(NODE_UNDER_TEST)[0].json.imageUrl));
		expect([served.headers['content-type'], served.bytes.equals(photo.data)]).toEqual([type, true]);
	});
});

describe('no webhook secret in any output: PiAPI echoes config.webhook_config in task replies', () => {
	let logs: ReturnType<typeof captureLogs>;
	beforeEach(() => (logs = captureLogs()));
	afterEach(() => logs.stop());
	const nowhere = (run: WorkflowRun, secret = WEBHOOK_SECRET) =>
		expectKeysNowhere(run, [secret, API_KEY], logs.lines);

	it.each([false, true])(
		'Check Segmentation Task (failed task: %s): raw keeps the endpoint, not the secret',
		async (failed) => {
			const task = await finishedTask({ secret: WEBHOOK_SECRET, failed });
			expect(task.config.webhook_config.secret).toBe(WEBHOOK_SECRET);
			const run = await check(task.id);
			const [item] = run.output(NODE_UNDER_TEST);
			expect(item.json.raw).toMatchObject({
				config: { webhook_config: { endpoint: `${vendors.imageHost.url}/hook` } },
			});
			expect((item.json.raw as { config: object }).config).toEqual({
				service_mode: '',
				webhook_config: { endpoint: `${vendors.imageHost.url}/hook` },
			});
			nowhere(run);
		},
	);

	it.each([false, true])(
		'PiAPI Segment, Wait Mode "Poll", with the Webhook options (failed task: %s)',
		async (failed) => {
			if (failed) fake().configure({ taskOutcome: () => 'failed' });
			const run = await segment(
				{
					options: {
						webhookEndpoint: `${vendors.imageHost.url}/hook`,
						webhookSecret: WEBHOOK_SECRET,
					},
				},
				undefined,
				{ continueOnFail: true },
			);
			expect(run.output(NODE_UNDER_TEST)[0].json.status ?? 'error').toBe(
				failed ? 'error' : 'succeeded',
			);
			nowhere(run);
		},
	);

	it('PiAPI Segment, Wait Mode "Webhook Callback": the generated secret is nowhere in the resumed run', async () => {
		const waiting = await n8n.runUntilWaiting(
			segmentWorkflow({ waitMode: 'callback', maxWait: 60 }),
			{ credentials: fakeVendorCredentials(vendors, 'piapi') },
		);
		const resumed = await n8n.whenResumed(waiting.executionId);
		expect(resumed.status).toBe('success');
		const [task] = [...fake().tasks.values()];
		nowhere(waiting, task.config.webhook_config.secret);
		nowhere(resumed, task.config.webhook_config.secret);
	});

	it('Get Segmentation Download URL', async () => {
		const task = await finishedTask({ secret: WEBHOOK_SECRET });
		const run = await downloadUrl(task.id, true);
		expect(run.output(NODE_UNDER_TEST)[0].json.url).toBe(maskUrlsOf(task)[0]);
		nowhere(run);
	});

	it("PiAPI Trigger: its raw keeps the endpoint, not the trigger's secret", async () => {
		const context = await piApiTriggerWorkflow(TRIGGER_SECRET);
		const task = await finishedTask({ secret: TRIGGER_SECRET });
		const answer = await callTriggerWebhook(context, 'PiAPI Trigger', {
			headers: { 'x-webhook-secret': TRIGGER_SECRET },
			body: await webhookBody(task),
		});
		const [item] = answer.run!.output('After');
		expect((item.json.raw as { config: object }).config).toEqual({
			service_mode: '',
			webhook_config: { endpoint: `${vendors.imageHost.url}/hook` },
		});
		nowhere(answer.run!, TRIGGER_SECRET);
	});
});

/** Passes every POST it gets to the trigger's webhook (as n8n would), answering with its answer. */
async function forwardToTrigger(context: RunContext) {
	const runs: WorkflowRun[] = [];
	const answers: Array<{ status: number; body: unknown }> = [];
	const server: Server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			void (async () => {
				const answer = await callTriggerWebhook(context, 'PiAPI Trigger', {
					headers: { 'x-webhook-secret': String(request.headers['x-webhook-secret']) },
					body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
				});
				answers.push({ status: answer.status, body: answer.body });
				if (answer.run) runs.push(answer.run);
				response.writeHead(answer.status, { 'content-type': 'application/json' });
				response.end(JSON.stringify(answer.body));
			})();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/piapi`;
	const close = async () =>
		await new Promise<void>((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		});
	return { url, runs, answers, close };
}

describe('webhook calls before the end (on creation and on progress)', () => {
	beforeEach(() =>
		fake().configure({
			webhookProgressCalls: true,
			outputShape: 'image_urls',
			masksPerPromptThing: true,
		}),
	);

	it('PiAPI Segment, Wait Mode "Webhook Callback", keeps waiting through them and resumes at the end with the masks', async () => {
		// Long enough for the progress call to reach the execution while it waits.
		fake().configure({ taskLatencyMs: 1_500 });
		const waiting = await n8n.runUntilWaiting(
			segmentWorkflow({ prompt: THREE_THINGS, waitMode: 'callback', maxWait: 60 }),
			{ credentials: fakeVendorCredentials(vendors, 'piapi') },
		);
		expect(waiting.status).toBe('waiting');
		const resumed = await n8n.whenResumed(waiting.executionId);
		const [task] = [...fake().tasks.values()];
		await expectEveryMask(resumed, resumed.output(NODE_UNDER_TEST)[0], maskUrlsOf(task));
		const answers = n8n.answers.filter((answer) => answer.executionId === waiting.executionId);
		expect(answers.filter((answer) => answer.run)).toHaveLength(1);
		expect(answers.map((answer) => answer.body)).toContainEqual({
			message: 'Noted; waiting until the task is done.',
		});
		const statuses = new Set(fake().webhookLog.map((delivery) => delivery.taskStatus));
		expect([...statuses].sort()).toEqual(['completed', 'pending', 'processing']);
	});

	it('PiAPI Trigger ignores them: a 200 answer, no execution; the call at the end starts one', async () => {
		const context = await piApiTriggerWorkflow(TRIGGER_SECRET, { options: { downloadMask: true } });
		const trigger = await forwardToTrigger(context);
		try {
			fake().configure({ taskLatencyMs: 400 });
			const task = await finishedTask({
				prompt: THREE_THINGS,
				secret: TRIGGER_SECRET,
				endpoint: trigger.url,
			});
			await eventually(() => trigger.runs.length === 1, 'the run at the end', 5_000, 20);
			const early = fake()
				.webhookLog.filter((delivery) => delivery.taskStatus !== 'completed')
				.map((delivery) => [delivery.taskStatus, delivery.status]);
			expect(early).toEqual([
				['pending', 200],
				['processing', 200],
			]);
			expect(trigger.answers.slice(0, 2)).toEqual([
				{
					status: 200,
					body: { message: `Ignored: task ${task.id} is not finished (status queued).` },
				},
				{
					status: 200,
					body: { message: `Ignored: task ${task.id} is not finished (status running).` },
				},
			]);
			const [item] = trigger.runs[0].output('After');
			await expectEveryMask(trigger.runs[0], item, maskUrlsOf(task));
		} finally {
			await trigger.close();
		}
	});
});
