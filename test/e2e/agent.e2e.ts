/*
 * The nodes as tools of n8n's AI Agent in a real n8n: Manual Trigger → AI Agent with n8n's OpenAI
 * Chat Model, whose credential points at the project's fake chat model (test/fake), and one of
 * this package's nodes as the agent's tool. The fake model records what n8n sends it (the tool
 * schema, the tool results) and calls the tool with arguments read from the conversation.
 */
import { request } from 'undici';

import { CheckSegmentationTask } from '../../nodes/CheckSegmentationTask/CheckSegmentationTask.node';
import { PiApiSegment } from '../../nodes/PiApiSegment/PiApiSegment.node';
import { SellerPicSegment } from '../../nodes/SellerPicSegment/SellerPicSegment.node';
import { toolResults, type ChatRequest } from '../fake';
import { agentWorkflow, type AgentWorkflowOptions } from './agent-workflows';
import { CREDENTIALS } from '../../tools/local-n8n/n8n/examples';
import { nodeItems, toolItems, type ExecutionRun } from '../../tools/local-n8n/n8n/execution';
import { startLocalStack, type LocalStack } from '../../tools/local-n8n/local-stack';
import { inspectMask } from '../support/mask-check';
import { toolText } from '../support/tool-text';
import { sampleProduct } from '../../tools/local-n8n/services/sample-photos';

let stack: LocalStack;

/**
 * Whether this n8n hands a failing tool's error message to the agent when the tool node has no
 * On Error setting, instead of ending the run (n8n pull request 31225, mid-2026). Checked per
 * version of the matrix: a version added there must be checked and added here.
 */
function toolErrorsReachTheModelByDefault(): boolean {
	const checked: Record<string, boolean> = { '2.41.3': true, '2.20.12': false, '1.123.81': false };
	const { version } = stack.n8n.install;
	if (!(version in checked))
		throw new Error(
			`Check how n8n ${version} handles a failing tool without On Error → Continue, and add it here`,
		);
	return checked[version];
}

const piApi = () => stack.vendors.piApi.fake!;
const sellerPic = () => stack.vendors.sellerPic.fake!;
const chatModel = () => stack.vendors.chatModel;
const photoUrl = (productId: string) => `${stack.shop.baseUrl}/images/${productId}.jpg`;
/** PiAPI can fetch only public images; the fake refuses any host but loopback, as PiAPI would an intranet one. */
const INTRANET_PHOTO = 'http://photos.intranet.example/sku-1001.jpg';

interface FromAi {
	key: string;
	description: string;
}
const IMAGE_URL: FromAi = {
	key: 'imageUrl',
	description: 'Public http(s) URL of the photo, exactly as the user gave it',
};
const OBJECTS: FromAi = {
	key: 'prompt',
	description: 'What to cut out: short object names, comma-separated, e.g. vase or shirt,shoes',
};
const TASK_ID: FromAi = {
	key: 'taskId',
	description: 'The PiAPI task ID, a UUID such as 3f2c9a4e-8b1d-4c6e-9f0a-1b2c3d4e5f60',
};
const fromAi = ({ key, description }: FromAi) =>
	`={{ $fromAI('${key}', \`${description}\`, 'string') }}`;

type Tool = AgentWorkflowOptions['tool'];
const piApiTool = (parameters: Record<string, unknown> = {}, onError?: Tool['onError']): Tool => ({
	name: 'Cut out objects',
	nodeName: 'piApiSegment',
	parameters: {
		imageUrl: fromAi(IMAGE_URL),
		prompt: fromAi(OBJECTS),
		pollInterval: 0.2,
		options: { downloadMask: false },
		...parameters,
	},
	credentials: { piApiApi: CREDENTIALS.piApi },
	onError,
});

const ID = {
	piApi: 'segAgentPiApi',
	sellerPic: 'segAgentSellerPic',
	check: 'segAgentCheckTask',
	recovers: 'segAgentRecovers',
	stops: 'segAgentStops',
	callback: 'segAgentCallback',
} as const;

function workflows() {
	const cutOut = `Cut out the vase in this photo: ${photoUrl('sku-1001')}`;
	return [
		agentWorkflow({ id: ID.piApi, prompt: cutOut, tool: piApiTool() }),
		agentWorkflow({
			id: ID.sellerPic,
			prompt: cutOut,
			// Download Mask stays on (the default): the model must still get JSON only.
			tool: {
				name: 'SellerPic cut-out',
				nodeName: 'sellerPicSegment',
				parameters: {
					mode: 'prompt',
					imageSource: 'url',
					imageUrl: fromAi(IMAGE_URL),
					prompt: fromAi(OBJECTS),
					pollInterval: 0.2,
				},
				credentials: { sellerPicApi: CREDENTIALS.sellerPic },
			},
		}),
		agentWorkflow({
			id: ID.recovers,
			prompt: `Cut out the vase in ${INTRANET_PHOTO}; if that does not work, use ${photoUrl('sku-1001')}.`,
			tool: piApiTool({}, 'continueRegularOutput'),
		}),
		agentWorkflow({
			id: ID.stops,
			prompt: `Cut out the vase in ${INTRANET_PHOTO}.`,
			tool: piApiTool(),
		}),
		agentWorkflow({
			id: ID.callback,
			prompt: cutOut,
			tool: piApiTool({ waitMode: 'callback' }, 'continueRegularOutput'),
		}),
	];
}

/** Made in its test: the task it asks about must exist first. */
const checkTaskWorkflow = (taskId: string) =>
	agentWorkflow({
		id: ID.check,
		prompt: `Is the PiAPI segmentation task ${taskId} done?`,
		tool: {
			name: 'Check segmentation task',
			nodeName: 'checkSegmentationTask',
			parameters: {
				vendor: 'piapi',
				taskId: fromAi(TASK_ID),
				waitUntilDone: true,
				pollInterval: 0.2,
			},
			credentials: { piApiApi: CREDENTIALS.piApi },
		},
	});

beforeAll(async () => {
	stack = await startLocalStack({ name: 'agent', tarball: process.env.E2E_PACKAGE_TARBALL });
	await stack.n8n.importWorkflows(workflows());
}, 10 * 60_000);

afterAll(async () => {
	await stack?.close();
});

beforeEach(() => chatModel().reset());

async function runAgent(workflowId: string) {
	const run = await stack.n8n.execute(workflowId);
	return {
		run,
		chats: [...chatModel().chats],
		answer: () => nodeItems(run, 'AI Agent')[0]?.json.output,
	};
}

function expectSuccess(run: ExecutionRun): void {
	expect({ status: run.status, error: run.data.resultData.error?.message }).toEqual({
		status: 'success',
		error: undefined,
	});
}

/** The one tool n8n offered the model: its name, the node's description, and the $fromAI parameters. */
function expectToolSchema(
	chat: ChatRequest,
	name: string,
	description: string,
	parameters: FromAi[],
): void {
	expect(chat.tools).toHaveLength(1);
	const tool = chat.tools![0].function;
	expect({ name: tool.name, description: tool.description }).toEqual({ name, description });
	expect(tool.parameters?.type).toBe('object');
	expect([...(tool.parameters?.required ?? [])].sort()).toEqual(
		parameters.map(({ key }) => key).sort(),
	);
	expect(tool.parameters?.properties).toEqual(
		Object.fromEntries(
			parameters.map(({ key, description: text }) => [key, { type: 'string', description: text }]),
		),
	);
}

/** What the model got back from the tool: JSON of the items, without files, base64 or keys. */
function toolResult(chat: ChatRequest): Array<Record<string, unknown>> {
	const text = toolResults(chat).at(-1) ?? '';
	expect(text).not.toMatch(/"binary"|base64|data:image|[A-Za-z0-9+/]{200,}/);
	for (const key of [piApi().config.apiKey, sellerPic().config.apiKey, chatModel().config.apiKey])
		expect(text).not.toContain(key);
	return JSON.parse(text) as Array<Record<string, unknown>>;
}

function toolArguments(chat: ChatRequest): Record<string, unknown> {
	const call = chat.messages.filter((message) => message.role === 'assistant').at(-1)
		?.tool_calls?.[0];
	return JSON.parse(call?.function.arguments ?? '{}') as Record<string, unknown>;
}

async function expectMaskOf(maskUrl: unknown, productId: string): Promise<void> {
	const response = await request(String(maskUrl));
	expect(response.statusCode).toBe(200);
	const photo = sampleProduct(productId);
	expect(await inspectMask(Buffer.from(await response.body.arrayBuffer()))).toMatchObject({
		format: 'png',
		width: photo.width,
		height: photo.height,
	});
}

describe('each node as the AI agent’s tool', () => {
	test('PiAPI Segment: the model fills the photo URL and object from the conversation and gets the mask URL', async () => {
		const creates = piApi().counters.creates;
		const { run, chats, answer } = await runAgent(ID.piApi);
		expectSuccess(run);
		expect(chats).toHaveLength(2);
		expectToolSchema(chats[0], 'Cut_out_objects', toolText(new PiApiSegment().description), [
			IMAGE_URL,
			OBJECTS,
		]);
		expect(toolArguments(chats[1])).toMatchObject({
			imageUrl: photoUrl('sku-1001'),
			prompt: 'vase',
		});

		expect(piApi().counters.creates - creates).toBe(1);
		const [item] = toolResult(chats[1]);
		const task = piApi().tasks.get(String(item.taskId))!;
		expect(task.input).toMatchObject({ image: photoUrl('sku-1001'), prompt: 'vase' });
		expect(item).toMatchObject({
			vendor: 'piapi',
			status: 'succeeded',
			done: true,
			maskUrl: `${piApi().fileBaseUrl}/${task.id}.png`,
		});
		await expectMaskOf(item.maskUrl, 'sku-1001');
		expect(answer()).toBe(
			`Done: the mask of the vase is at ${String(item.maskUrl)} (white = vase).`,
		);
	});

	test('SellerPic Segment: the same, and with Download Mask on the model still gets JSON only', async () => {
		const creates = sellerPic().counters.creates;
		const { run, chats, answer } = await runAgent(ID.sellerPic);
		expectSuccess(run);
		expect(chats).toHaveLength(2);
		expectToolSchema(chats[0], 'SellerPic_cut-out', toolText(new SellerPicSegment().description), [
			IMAGE_URL,
			OBJECTS,
		]);
		expect(sellerPic().counters.creates - creates).toBe(1);
		const [item] = toolResult(chats[1]);
		expect(item).toMatchObject({
			vendor: 'sellerpic',
			status: 'succeeded',
			prompt: 'vase',
			maskUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
		});
		// The tool's run has the mask file; the model got the item's JSON only.
		const [toolItem] = toolItems(run, 'SellerPic cut-out');
		expect(toolItem.json).toEqual(item);
		expect(toolItem.binary?.mask).toMatchObject({
			mimeType: 'image/png',
			fileName: 'sku-1001_mask.png',
		});
		await expectMaskOf(item.maskUrl, 'sku-1001');
		expect(answer()).toBe(
			`Done: the mask of the vase is at ${String(item.maskUrl)} (white = vase).`,
		);
	});

	test('Check Segmentation Task: the model passes the task ID from the conversation and gets the status', async () => {
		const taskId = await createPiApiTask(photoUrl('sku-1002'));
		const creates = piApi().counters.creates;
		await stack.n8n.importWorkflows([checkTaskWorkflow(taskId)]);
		const { run, chats, answer } = await runAgent(ID.check);
		expectSuccess(run);
		expectToolSchema(
			chats[0],
			'Check_segmentation_task',
			toolText(new CheckSegmentationTask().description),
			[TASK_ID],
		);
		expect(toolArguments(chats[1])).toMatchObject({ taskId });
		expect(piApi().counters.creates).toBe(creates);
		expect(toolResult(chats[1])).toEqual([
			expect.objectContaining({
				vendor: 'piapi',
				taskId,
				status: 'succeeded',
				done: true,
				error: null,
			}),
		]);
		expect(answer()).toBe(`Task ${taskId} is succeeded.`);
	});
});

describe('errors reach the model as the tool result with On Error → Continue', () => {
	test('an unreachable image URL: the model gets the error with its fix and recovers with the right URL', async () => {
		const creates = piApi().counters.creates;
		const { run, chats, answer } = await runAgent(ID.recovers);
		expectSuccess(run);
		expect(chats).toHaveLength(3);
		expect(toolArguments(chats[1])).toMatchObject({ imageUrl: INTRANET_PHOTO });
		const [failed] = toolResult(chats[1]);
		expect(failed.error).toMatch(
			/^PiAPI could not segment the image \(task [0-9a-f-]{36}\): failed to get input image \[item 0\]$/,
		);
		expect(failed.errorDescription).toMatch(/image URL is public/);
		expect(toolArguments(chats[2])).toMatchObject({
			imageUrl: photoUrl('sku-1001'),
			prompt: 'vase',
		});
		const [item] = toolResult(chats[2]);
		expect(item).toMatchObject({ status: 'succeeded', maskUrl: expect.stringMatching(/\.png$/) });
		expect(piApi().counters.creates - creates).toBe(2);
		expect(answer()).toBe(
			`Done: the mask of the vase is at ${String(item.maskUrl)} (white = vase).`,
		);
	});

	test('without On Error → Continue: n8n 2.20 and 1.x end the agent run; newer n8n gives the model the bare message', async () => {
		const { run, chats, answer } = await runAgent(ID.stops);
		const failure =
			/^PiAPI could not segment the image \(task [0-9a-f-]{36}\): failed to get input image \[item 0\]$/;
		if (toolErrorsReachTheModelByDefault()) {
			expectSuccess(run);
			// Only the message: the fix (errorDescription) and errorDetails come with On Error → Continue.
			expect(toolResult(chats[1])).toEqual([{ error: expect.stringMatching(failure) }]);
			expect(answer()).toMatch(/^The tool failed: PiAPI could not segment the image/);
		} else {
			expect(run.status).toBe('error');
			expect(run.data.resultData.error?.message).toMatch(failure);
			expect(chats).toHaveLength(1);
		}
	});

	test('Wait Mode "Webhook Callback" is refused as a tool: the model gets why, and no task is created', async () => {
		const creates = piApi().counters.creates;
		const { run, chats, answer } = await runAgent(ID.callback);
		expectSuccess(run);
		const [refused] = toolResult(chats[1]);
		expect(refused.error).toBe(
			'Wait Mode "Webhook Callback" cannot be used when this node is an AI agent\'s tool [item 0]',
		);
		expect(refused.errorDescription).toMatch(/Set Wait Mode to "Poll"/);
		expect(piApi().counters.creates).toBe(creates);
		expect(answer()).toBe(`The tool failed: ${String(refused.error)}`);
	});
});

async function createPiApiTask(image: string): Promise<string> {
	const response = await request(`${piApi().baseUrl}/api/v1/task`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-api-key': piApi().config.apiKey },
		body: JSON.stringify({
			model: 'Qubico/image-toolkit',
			task_type: 'segment',
			input: { image, prompt: 'bag', negative_prompt: '', segment_factor: 0 },
		}),
	});
	return ((await response.body.json()) as { data: { task_id: string } }).data.task_id;
}
