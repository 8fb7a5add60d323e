/*
 * The nodes as an AI agent's tools, in n8n's engine: n8n runs a tool under the node's type plus
 * "Tool" with the node's own execute (test/harness/node-types.ts serves it so). The agent, the
 * chat model and the tool schema are covered in a real n8n by test/e2e/agent.e2e.ts.
 */
import { NodeHelpers, type INodeProperties } from 'n8n-workflow';

import { startPiApiFake, type PiApiFake } from '../fake';
import { makeProductPhoto } from '../fake/images';
import { startReceiver, type Receiver } from '../fake/test-client';
import { getEngine, PACKAGE_NAME, runWorkflow } from '../harness/engine';
import { CallbackServer } from '../support/callback-server';
import { toolText } from '../support/tool-text';
import { eventually } from '../../tools/local-n8n/system/wait';
import { piApiCredentials } from '../support/vendor-fakes';
import { NODE_UNDER_TEST, workflowFor } from '../support/workflows';

const API_KEY = 'pi-live-KEY-tool-0123456789';
let fake: PiApiFake;
let imageHost: Receiver;
let imageUrl: string;

const credentials = () => piApiCredentials(fake, API_KEY);

beforeAll(async () => {
	fake = await startPiApiFake({ apiKey: API_KEY, taskLatencyMs: 100 });
	imageHost = await startReceiver(await makeProductPhoto({ width: 240, height: 180, seed: 9 }));
	imageUrl = `${imageHost.url}/image.png`;
});
beforeEach(() => fake.reset());
afterAll(async () => {
	await fake.close();
	await imageHost.close();
});

function piApiWorkflow(
	nodeType: 'piApiSegment' | 'piApiSegmentTool',
	parameters: Record<string, unknown>,
	items = [{ json: {} }],
	continueOnFail = false,
) {
	const base = {
		imageSource: 'url',
		imageUrl,
		prompt: 'sofa',
		pollInterval: 0.05,
		options: { downloadMask: false },
	};
	return workflowFor(nodeType, { ...base, ...parameters } as never, items, {
		credentials: ['piApiApi'],
		continueOnFail,
	});
}

describe('PiAPI Segment as a tool', () => {
	it('refuses Wait Mode "Webhook Callback" with an error naming the item and the fix, before any request', async () => {
		const run = await runWorkflow(piApiWorkflow('piApiSegmentTool', { waitMode: 'callback' }), {
			credentials: credentials(),
		});
		expect(run.status).toBe('error');
		const error = run.nodeError(NODE_UNDER_TEST);
		expect(error?.message).toBe(
			'Wait Mode "Webhook Callback" cannot be used when this node is an AI agent\'s tool [item 0]',
		);
		expect(error?.description).toBe(
			'It pauses the execution until PiAPI calls back, while the agent waits for the tool\'s answer. Set Wait Mode to "Poll" in this tool node.',
		);
		expect(fake.requests).toHaveLength(0);
	});

	it('with On Error → Continue, every item comes out as an error item (what the agent gets as the tool result)', async () => {
		const items = [{ json: { n: 1 } }, { json: { n: 2 } }];
		const run = await runWorkflow(
			piApiWorkflow('piApiSegmentTool', { waitMode: 'callback' }, items, true),
			{ credentials: credentials() },
		);
		expect(run.status).toBe('success');
		const output = run.output(NODE_UNDER_TEST);
		expect(output.map((item) => [item.pairedItem, item.json.error])).toEqual([
			[
				{ item: 0 },
				expect.stringMatching(/^Wait Mode "Webhook Callback" cannot be used .* \[item 0\]$/),
			],
			[{ item: 1 }, expect.stringMatching(/\[item 1\]$/)],
		]);
		expect(output[0].json.errorDescription).toMatch(/Set Wait Mode to "Poll"/);
		expect(fake.counters.creates).toBe(0);
	});

	it('polls as a tool and returns the mask URL, without a file when Download Mask is off', async () => {
		const run = await runWorkflow(piApiWorkflow('piApiSegmentTool', {}), {
			credentials: credentials(),
		});
		expect(run.status).toBe('success');
		const [item] = run.output(NODE_UNDER_TEST);
		expect(item.json).toMatchObject({
			status: 'succeeded',
			done: true,
			prompt: 'sofa',
			maskUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\//),
		});
		expect(item.binary).toBeUndefined();
		expect(fake.counters.creates).toBe(1);
	});

	it('still waits for the callback when it is not a tool', async () => {
		fake.configure({ taskOutcome: () => 'never' });
		const n8n = await CallbackServer.start();
		try {
			const run = await n8n.runUntilWaiting(
				piApiWorkflow('piApiSegment', { waitMode: 'callback', maxWait: 60 }),
				{ credentials: credentials() },
			);
			expect(run.status).toBe('waiting');
			expect(fake.counters.creates).toBe(1);
			// Once waiting, the node checks in at its resume URL; n8n answers that the task still runs.
			await eventually(
				() => n8n.answers.find((answer) => answer.executionId === run.executionId),
				'the check-in',
				10_000,
				50,
			);
		} finally {
			await n8n.close();
		}
	});
});

describe('Binary image input as a tool', () => {
	it.each([
		['piApiSegmentTool', 'piApiApi'],
		['sellerPicSegmentTool', 'sellerPicApi'],
	])(
		'%s without the file says that an agent passes no files, and what to set instead',
		async (nodeType, credential) => {
			const workflow = workflowFor(
				nodeType,
				{ imageSource: 'binary', prompt: 'sofa' } as never,
				[{ json: { prompt: 'sofa' } }],
				{ credentials: [credential] },
			);
			const run = await runWorkflow(workflow, {
				credentials: {
					[credential]: { apiKey: 'unused-key-0123456789', baseUrl: 'http://127.0.0.1:9' },
				},
			});
			const error = run.nodeError(NODE_UNDER_TEST);
			expect(error?.message).toBe(
				'Image Source "Binary File" cannot be used when this node is an AI agent\'s tool [item 0]',
			);
			expect(error?.description).toBe(
				'An agent passes no files to its tools, only the arguments the model fills in. Set Image Source to "URL" and let the model fill Image URL.',
			);
		},
	);
});

describe('Descriptions written for a model', () => {
	async function toolNodes() {
		const { nodeTypes } = await getEngine();
		return Object.keys(nodeTypes.getKnownTypes())
			.map(
				(name) =>
					NodeHelpers.getVersionedNodeType(nodeTypes.getByName(`${PACKAGE_NAME}.${name}`))
						.description,
			)
			.filter((description) => description.usableAsTool);
	}

	it('each tool says what it needs, what it returns in which field, and how long it takes', async () => {
		const said = Object.fromEntries(
			(await toolNodes()).map((description) => [description.name, toolText(description)]),
		);
		expect(Object.keys(said).sort()).toEqual([
			'checkSegmentationTask',
			'getSegmentationDownloadUrl',
			'piApiSegment',
			'sellerPicSegment',
		]);
		const expected: Record<string, RegExp[]> = {
			piApiSegment: [
				/public image URL/,
				/comma-separated list of objects/,
				/maskUrl/,
				/white = the objects/,
				/few seconds/,
				/credits/,
			],
			sellerPicSegment: [
				/URL n8n can download/,
				/in a few words/,
				/maskUrl/,
				/white = the object/,
				/seconds/,
			],
			checkSegmentationTask: [
				/task ID/,
				/UUIDs/,
				/status \(queued, running, succeeded or failed\)/,
				/error/,
				/second/,
			],
			getSegmentationDownloadUrl: [/task ID or result ID/, /in url/, /needs no API key/, /second/],
		};
		for (const [name, patterns] of Object.entries(expected))
			for (const pattern of patterns)
				expect([name, said[name]]).toEqual([name, expect.stringMatching(pattern)]);
	});

	it('people get one short sentence in the nodes panel, while the model reads the whole text', async () => {
		for (const description of await toolNodes()) {
			expect([description.name, description.description]).toEqual([
				description.name,
				expect.stringMatching(/^[^.]{20,120}$/),
			]);
			expect(toolText(description).length).toBeGreaterThan(2 * description.description.length);
			// Shown on the tool only: the node itself does not have the field.
			const field = description.properties.find(({ name }) => name === 'toolDescription');
			expect(field?.displayOptions).toEqual({ show: { '@tool': [true] } });
		}
	});

	it('every parameter a model may fill has a description', async () => {
		const missing: string[] = [];
		const walk = (node: string, properties: INodeProperties[], path: string) => {
			for (const property of properties) {
				if (property.type === 'collection' || property.type === 'fixedCollection') {
					walk(node, (property.options ?? []) as INodeProperties[], `${path}${property.name}.`);
				} else if (
					!property.noDataExpression &&
					property.type !== 'notice' &&
					!property.description
				) {
					missing.push(`${node}: ${path}${property.name}`);
				}
			}
		};
		for (const description of await toolNodes()) walk(description.name, description.properties, '');
		expect(missing).toEqual([]);
	});
});
