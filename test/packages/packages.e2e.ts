/*
 * The per-vendor packages (packaging/) in a real n8n, the newest of the end-to-end matrix, as users
 * get them: each tarball that check:packages packed and passed is unpacked alone into a fresh n8n
 * user folder's community packages. Its examples run against the fake vendors and the sample shop
 * (`n8n execute`, and `n8n start` for webhooks and the trigger) down to masks read back from n8n's
 * binary storage; its action nodes are offered to AI agents as tools. Then one n8n holds the
 * combined package and both per-vendor packages at once.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { request } from 'undici';

import { messageText, toolResults } from '../fake';
import { agentWorkflow } from '../e2e/agent-workflows';
import { checkCutout, checkWhiteBackground } from '../e2e/cutout-check';
import { inspectMask } from '../support/mask-check';
import { readBinary } from '../../tools/local-n8n/n8n/binary-storage';
import {
	CREDENTIALS,
	EXAMPLE_IDS,
	loadExamples,
	prepareExample,
} from '../../tools/local-n8n/n8n/examples';
import {
	nodeItems,
	toolItems,
	type ExecutionRun,
	type OutputItem,
} from '../../tools/local-n8n/n8n/execution';
import { readExecutions, waitForExecutions } from '../../tools/local-n8n/n8n/executions-db';
import { ensureN8n } from '../../tools/local-n8n/n8n/n8n-install';
import { N8nInstance, type WorkflowJson } from '../../tools/local-n8n/n8n/n8n-instance';
import { startN8n, waitForWebhooks, type RunningN8n } from '../../tools/local-n8n/n8n/n8n-server';
import { N8N_VERSIONS } from '../../tools/local-n8n/n8n/n8n-versions';
import { installPackage } from '../../tools/local-n8n/n8n/package-install';
import {
	COMBINED_PACKAGE,
	installTarball,
	loadedCredentialTypes,
	loadedNodeTypes,
	packageCredentials,
	packageExamples,
	preparePackageExample,
	vendorPackage,
	type VendorPackage,
} from '../../tools/local-n8n/n8n/vendor-packages';
import { E2E_HOME } from '../../tools/local-n8n/paths';
import {
	INITIAL_CATALOG,
	SAMPLES_DIR,
	ensureSamplePhotos,
	sampleProduct,
} from '../../tools/local-n8n/services/sample-photos';
import { startShop, type ShopServer } from '../../tools/local-n8n/services/shop-server';
import { startVendors, type Vendors } from '../../tools/local-n8n/services/vendors';
import { eventually } from '../../tools/local-n8n/system/wait';
import { postJson } from '../support/post-json';

/** The n8n the READMEs of the packages name ("Tested by CI on n8n …"): the newest of the matrix. */
const N8N = N8N_VERSIONS[0];
const TARBALLS = JSON.parse(process.env.PACKAGES_TARBALLS ?? '{}') as Record<string, string>;

const SELLERPIC_ID = /^\d{1,19}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MASK_URL = /^http:\/\/127\.0\.0\.1:\d+\/files\/.+\.png$/;

interface Stack {
	n8n: N8nInstance;
	shop: ShopServer;
	vendors: Vendors;
	close(): Promise<void>;
}

/** A fresh n8n user folder with these tarballs installed as community packages, the shop and the fakes. */
async function startStack(
	name: string,
	install: (userFolder: string) => Promise<void>,
): Promise<Stack> {
	const n8nInstall = await ensureN8n(N8N);
	const n8n = N8nInstance.create(
		n8nInstall,
		join(E2E_HOME, `packages-${name}-n8n-${n8nInstall.version}`),
		{ fresh: true },
	);
	await install(n8n.userFolder);
	const shop = await startShop(await ensureSamplePhotos(), INITIAL_CATALOG);
	const vendors = await startVendors();
	return {
		n8n,
		shop,
		vendors,
		close: async () => await Promise.all([shop.close(), vendors.close()]).then(() => undefined),
	};
}

function tarballOf(pkg: VendorPackage): string {
	const tarball = TARBALLS[pkg.packageName];
	if (!tarball)
		throw new Error(
			`No tarball of ${pkg.packageName} (global setup: scripts/packages/tarballs.mjs)`,
		);
	return tarball;
}

/** The package alone in a fresh n8n: its examples and the fakes' credentials imported. */
async function startPackageStack(
	pkg: VendorPackage,
): Promise<Stack & { examples: WorkflowJson[] }> {
	const stack = await startStack(pkg.id, async (userFolder) => {
		await installTarball(userFolder, tarballOf(pkg), pkg.packageName);
	});
	try {
		const examples = packageExamples(pkg).map((example) =>
			preparePackageExample(pkg, example, { shopBaseUrl: stack.shop.baseUrl }),
		);
		const openAi = stack.vendors.credentials.find((credential) => credential.type === 'openAiApi')!;
		await stack.n8n.importCredentials([...packageCredentials(stack.vendors, [pkg]), openAi]);
		await stack.n8n.importWorkflows(examples);
		return { ...stack, examples };
	} catch (error) {
		await stack.close();
		throw error;
	}
}

function expectSuccess(run: ExecutionRun): void {
	expect({ status: run.status, error: run.data.resultData.error?.message }).toEqual({
		status: 'success',
		error: undefined,
	});
}

/** The item's mask is a PNG of the product photo's size with some white and some black. */
async function expectMask(
	stack: Stack,
	item: OutputItem,
	productId: string,
	field = 'mask',
): Promise<void> {
	const meta = item.binary?.[field];
	expect(meta).toMatchObject({ mimeType: 'image/png' });
	const mask = await inspectMask(await readBinary(stack.n8n.userFolder, meta!));
	const photo = sampleProduct(productId);
	expect(mask).toMatchObject({ format: 'png', width: photo.width, height: photo.height });
	expect(mask.whiteShare).toBeGreaterThan(0.05);
	expect(mask.whiteShare).toBeLessThan(0.95);
}

/** A mask URL of the fake: a PNG of the photo's size. */
async function expectMaskUrl(url: unknown, productId: string): Promise<void> {
	expect(url).toEqual(expect.stringMatching(MASK_URL));
	const response = await request(String(url));
	expect(response.statusCode).toBe(200);
	const photo = sampleProduct(productId);
	expect(await inspectMask(Buffer.from(await response.body.arrayBuffer()))).toMatchObject({
		format: 'png',
		width: photo.width,
		height: photo.height,
	});
}

const exampleId = (examples: WorkflowJson[], file: RegExp): string => {
	const found = examples.filter((example) => file.test(example.name));
	if (found.length !== 1)
		throw new Error(
			`${found.length} examples named like ${file}: ${examples.map((example) => example.name).join('; ')}`,
		);
	return found[0].id;
};

/** The package's nodes in n8n's node list, each with its icon, and a tool variant of each action node. */
async function expectNodesAndTools(server: RunningN8n, pkg: VendorPackage): Promise<void> {
	const types = await loadedNodeTypes(server);
	const ours = types.filter((type) => type.name.startsWith(`${pkg.packageName}.`));
	const expected = [...pkg.nodes, ...pkg.toolNodes.map((name) => `${name}Tool`)]
		.map((name) => `${pkg.packageName}.${name}`)
		.sort();
	expect(ours.map((type) => type.name).sort()).toEqual(expected);
	for (const type of ours) {
		expect({ name: type.name, icon: Boolean(type.iconUrl ?? type.icon) }).toEqual({
			name: type.name,
			icon: true,
		});
		for (const credential of type.credentials ?? [])
			expect(credential.name).toBe(pkg.credentialType);
	}
	expect(pkg.toolNodes.length).toBeGreaterThan(0);
}

/** Node types neither n8n's own nor this package's: none, when it is installed alone. */
const foreignNodeTypes = (types: Array<{ name: string }>, pkg: VendorPackage) =>
	types
		.map((type) => type.name)
		.filter(
			(name) =>
				!/^(n8n-nodes-base|@n8n\/[\w-]+)\./.test(name) && !name.startsWith(`${pkg.packageName}.`),
		);

const namesWith = (types: Array<{ name: string }>, prefix: string) =>
	types
		.map((type) => type.name)
		.filter((name) => name.startsWith(prefix))
		.sort();

/** The catalog example's output: a mask per product with a photo, an error item for each without one. */
async function expectCatalogMasks(
	stack: Parameters<typeof expectMask>[0],
	run: Parameters<typeof nodeItems>[0],
	vendor: string,
	taskId: RegExp,
) {
	const items = nodeItems(run, 'Masks by product id');
	expect(items.map((item) => item.json.productId).sort()).toEqual([...INITIAL_CATALOG].sort());
	for (const item of items) {
		const productId = String(item.json.productId);
		if (sampleProduct(productId).hasPhoto) {
			expect(item.json).toMatchObject({
				vendor,
				ok: true,
				status: 'succeeded',
				taskId: expect.stringMatching(taskId),
			});
			await expectMask(stack, item, productId);
		} else {
			expect(item.json).toMatchObject({ ok: false, error: expect.stringMatching(/\S/) });
		}
	}
}

describe(`n8n-nodes-sellerpic-segment alone in n8n ${N8N.version}`, () => {
	const pkg = vendorPackage('sellerpic');
	let stack: Awaited<ReturnType<typeof startPackageStack>>;
	const id = (name: RegExp) => exampleId(stack.examples, name);

	beforeAll(async () => {
		stack = await startPackageStack(pkg);
	}, 10 * 60_000);

	afterAll(async () => {
		await stack?.close();
	});

	test('1: one product image URL → SellerPic Segment → mask', async () => {
		const run = await stack.n8n.execute(id(/example 1\b|one product image/i));
		expectSuccess(run);
		const [item] = nodeItems(run, 'SellerPic Segment');
		expect(item.json).toMatchObject({
			vendor: 'sellerpic',
			status: 'succeeded',
			done: true,
			taskId: expect.stringMatching(SELLERPIC_ID),
		});
		await expectMask(stack, item, 'sku-1001');
	});

	test('2: catalog run: a mask per product with a photo, an error item for the missing one; the next run sends only that one again', async () => {
		const catalog = id(/catalog/i);
		const run = await stack.n8n.execute(catalog);
		expectSuccess(run);
		await expectCatalogMasks(stack, run, 'sellerpic', SELLERPIC_ID);
		const again = await stack.n8n.execute(catalog);
		expectSuccess(again);
		expect(
			nodeItems(again, 'SellerPic: mask still missing').map((item) => item.json.productId),
		).toEqual(INITIAL_CATALOG.filter((productId) => !sampleProduct(productId).hasPhoto));
	});

	test('4: check later: SellerPic Segment without waiting → Wait → SellerPic Check Task → SellerPic Download URL', async () => {
		const run = await stack.n8n.execute(id(/check later/i));
		expectSuccess(run);
		const [started] = nodeItems(run, 'Start segmentation');
		expect(started.json).toMatchObject({
			done: false,
			taskId: expect.stringMatching(SELLERPIC_ID),
		});
		const [checked] = nodeItems(run, 'SellerPic Check Task');
		expect(checked.json).toMatchObject({
			vendor: 'sellerpic',
			taskId: started.json.taskId,
			status: 'succeeded',
			done: true,
		});
		const [downloaded] = nodeItems(run, 'SellerPic Download URL');
		expect(downloaded.json).toMatchObject({
			url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
		});
		await expectMask(stack, downloaded, 'sku-1002');
	});

	test('8: product photo → SellerPic Segment → Edit Image: transparent where the mask is black', async () => {
		const run = await stack.n8n.execute(id(/transparent|cut-out/i));
		expectSuccess(run);
		const [item] = nodeItems(run, 'Cut-out');
		await expectMask(stack, item, 'sku-1001');
		const read = async (field: string) =>
			await readBinary(stack.n8n.userFolder, item.binary![field]);
		const cutout = await checkCutout(
			await read('cutout'),
			await read('mask'),
			await readFile(join(SAMPLES_DIR, 'sku-1001.jpg')),
		);
		expect(cutout).toMatchObject({
			format: 'png',
			hasAlpha: true,
			transparentWhereBlack: 1,
			opaqueWhereWhite: 1,
		});
	});

	test('an AI agent runs SellerPic Segment as its tool (type <package>.sellerPicSegmentTool) to a mask', async () => {
		const workflow = agentWorkflow({
			id: 'pkgSellerPicAgent',
			prompt: `Cut out the vase in this photo: ${stack.shop.baseUrl}/images/sku-1001.jpg`,
			tool: {
				name: 'SellerPic cut-out',
				nodeName: 'sellerPicSegment',
				parameters: {
					mode: 'prompt',
					imageSource: 'url',
					imageUrl: "={{ $fromAI('imageUrl', `Public http(s) URL of the photo`, 'string') }}",
					prompt: "={{ $fromAI('prompt', `What to cut out`, 'string') }}",
					pollInterval: 0.2,
				},
				credentials: { [pkg.credentialType]: CREDENTIALS.sellerPic },
			},
		});
		const tool = workflow.nodes.find((node) => node.name === 'SellerPic cut-out')!;
		tool.type = `${pkg.packageName}.sellerPicSegmentTool`;
		await stack.n8n.importWorkflows([workflow]);
		stack.vendors.chatModel.reset();
		const run = await stack.n8n.execute(workflow.id);
		expectSuccess(run);
		const [result] = toolItems(run, 'SellerPic cut-out');
		expect(result.json).toMatchObject({ vendor: 'sellerpic', status: 'succeeded', done: true });
		expect(stack.vendors.chatModel.chats[0].tools).toHaveLength(1);
		expect(JSON.parse(toolResults(stack.vendors.chatModel.chats[1])[0])).toEqual([
			expect.objectContaining({ status: 'succeeded' }),
		]);
	});

	test('n8n lists its three nodes with their icons, and each as an AI agent tool; nothing of another vendor', async () => {
		const server = await startN8n(stack.n8n);
		try {
			await expectNodesAndTools(server, pkg);
			const credentials = await loadedCredentialTypes(server);
			expect(namesWith(credentials, 'sellerPic')).toEqual([pkg.credentialType]);
			expect(namesWith(credentials, 'piApi')).toEqual([]);
			expect(foreignNodeTypes(await loadedNodeTypes(server), pkg)).toEqual([]);
		} finally {
			await server.stop();
		}
	});
});

describe(`n8n-nodes-piapi-segment alone in n8n ${N8N.version}`, () => {
	const pkg = vendorPackage('piapi');
	let stack: Awaited<ReturnType<typeof startPackageStack>>;
	let server: RunningN8n;
	const id = (name: RegExp) => exampleId(stack.examples, name);
	const piApi = () => stack.vendors.piApi.fake!;
	const photoUrl = (productId: string) => `${stack.shop.baseUrl}/images/${productId}.jpg`;
	const post = postJson;

	beforeAll(async () => {
		stack = await startPackageStack(pkg);
	}, 10 * 60_000);

	afterAll(async () => {
		await server?.stop();
		await stack?.close();
	});

	test('2: catalog run: a mask per product with a photo, an error item for the missing one', async () => {
		const run = await stack.n8n.execute(id(/catalog/i));
		expectSuccess(run);
		await expectCatalogMasks(stack, run, 'piapi', UUID);
	});

	test('4: check later: PiAPI Segment without waiting → Wait → PiAPI Check Task → the mask file', async () => {
		const run = await stack.n8n.execute(id(/check later/i));
		expectSuccess(run);
		const [started] = nodeItems(run, 'Start segmentation');
		expect(started.json).toMatchObject({ done: false, taskId: expect.stringMatching(UUID) });
		const [checked] = nodeItems(run, 'PiAPI Check Task');
		expect(checked.json).toMatchObject({
			vendor: 'piapi',
			taskId: started.json.taskId,
			status: 'succeeded',
			done: true,
		});
		expect((checked.json.results as Array<{ url?: string }>)[0].url).toEqual(
			expect.stringMatching(MASK_URL),
		);
		const [downloaded] = nodeItems(run, 'Download mask');
		expect(downloaded.binary?.mask).toMatchObject({ mimeType: 'image/png' });
		const mask = await inspectMask(await readBinary(stack.n8n.userFolder, downloaded.binary!.mask));
		expect(mask).toMatchObject({
			format: 'png',
			width: sampleProduct('sku-1003').width,
			height: sampleProduct('sku-1003').height,
		});
	});

	test('7: an AI agent runs PiAPI Segment as its tool (type <package>.piApiSegmentTool) and answers with the mask URL', async () => {
		stack.vendors.chatModel.reset();
		const run = await stack.n8n.execute(id(/agent/i));
		expectSuccess(run);
		const [asked, answered] = stack.vendors.chatModel.chats;
		expect(messageText(asked.messages[0])).toMatch(/Cut out product tool/);
		const [item] = JSON.parse(toolResults(answered)[0]) as Array<Record<string, unknown>>;
		expect(item).toMatchObject({ status: 'succeeded', done: true });
		await expectMaskUrl(item.maskUrl, 'sku-1003');
	});

	test('9: product photo → PiAPI Segment → Edit Image: the product on pure white', async () => {
		const run = await stack.n8n.execute(id(/white/i));
		expectSuccess(run);
		const [item] = nodeItems(run, 'Main image');
		await expectMask(stack, item, 'sku-1002');
		const read = async (field: string) =>
			await readBinary(stack.n8n.userFolder, item.binary![field]);
		const white = await checkWhiteBackground(
			await read('whiteBackground'),
			await read('mask'),
			await readFile(join(SAMPLES_DIR, 'sku-1002.jpg')),
		);
		expect(white).toMatchObject({ format: 'jpeg', darkestOutside: 255 });
	});

	describe('in `n8n start`: webhook (3), callback mode (5), trigger (6), the node list', () => {
		const TRIGGER_PATH = '5e9a0006-0000-4000-8000-000000000090/piapi';
		const deliveries = (taskId: string) =>
			piApi().webhookLog.filter((delivery) => delivery.taskId === taskId);

		beforeAll(async () => {
			for (const name of [/webhook.*mask url/i, /callback/i, /trigger/i])
				await stack.n8n.publishWorkflow(id(name));
			server = await startN8n(stack.n8n);
			await waitForWebhooks(server, ['segment-product-image', 'segment-on-callback', TRIGGER_PATH]);
		}, 3 * 60_000);

		test('n8n lists its three nodes with their icons, and its action nodes as AI agent tools; nothing of another vendor', async () => {
			await expectNodesAndTools(server, pkg);
			expect(pkg.toolNodes.sort()).toEqual(['piApiCheckTask', 'piApiSegment']);
			const credentials = await loadedCredentialTypes(server);
			expect(namesWith(credentials, 'piApi')).toEqual([pkg.credentialType]);
			expect(namesWith(credentials, 'sellerPic')).toEqual([]);
			expect(foreignNodeTypes(await loadedNodeTypes(server), pkg)).toEqual([]);
		});

		test('3: webhook → PiAPI Segment → Respond to Webhook with the mask URL', async () => {
			const { status, json } = await post(`${server.url}/webhook/segment-product-image`, {
				imageUrl: photoUrl('sku-1003'),
				prompt: 'lamp',
			});
			expect({ status, json }).toMatchObject({
				status: 200,
				json: { status: 'succeeded', taskId: expect.stringMatching(UUID) },
			});
			await expectMaskUrl(json.maskUrl, 'sku-1003');
		});

		test('5: callback mode: the execution waits, PiAPI calls back, it resumes with the mask', async () => {
			const workflowId = id(/callback/i);
			const before = readExecutions(stack.n8n.userFolder, workflowId).length;
			const { status } = await post(`${server.url}/webhook/segment-on-callback`, {
				imageUrl: photoUrl('sku-1003'),
				prompt: 'product',
			});
			expect(status).toBe(200);
			const waiting = await waitForExecutions(stack.n8n.userFolder, workflowId, (all) =>
				all.length > before && all.at(-1)!.status === 'waiting' ? all.at(-1) : undefined,
			);
			const taskId = String(nodeItems(waiting, 'PiAPI Segment')[0].json.taskId);
			expect(piApi().tasks.get(taskId)!.config.webhook_config.endpoint).toMatch(
				new RegExp(`^${server.url}/webhook-waiting/${waiting.id}\\?signature=`),
			);
			const execution = await waitForExecutions(stack.n8n.userFolder, workflowId, (all) => {
				const found = all.find((candidate) => candidate.id === waiting.id);
				return found && found.status !== 'waiting' && found.status !== 'running'
					? found
					: undefined;
			});
			expectSuccess(execution);
			const [item] = nodeItems(execution, 'Mask ready');
			expect(item.json).toMatchObject({ vendor: 'piapi', status: 'succeeded', done: true, taskId });
			await expectMask(stack, item, 'sku-1003');
			expect(deliveries(taskId).map((delivery) => delivery.status)).toContain(200);
		});

		test('6: PiAPI Trigger starts the workflow once per finished task, with its mask; a wrong secret starts nothing', async () => {
			const workflowId = id(/trigger/i);
			const fake = piApi();
			const createTask = async (secret: string) => {
				const { json } = await post(
					`${fake.baseUrl}/api/v1/task`,
					{
						model: 'Qubico/image-toolkit',
						task_type: 'segment',
						input: {
							image: photoUrl('sku-1001'),
							prompt: 'product',
							negative_prompt: '',
							segment_factor: 0,
						},
						config: {
							webhook_config: { endpoint: `${server.url}/webhook/${TRIGGER_PATH}`, secret },
						},
					},
					{ 'x-api-key': fake.config.apiKey },
				);
				return String((json.data as { task_id: string }).task_id);
			};
			const runsOf = (taskId: string) =>
				readExecutions(stack.n8n.userFolder, workflowId).filter(
					(run) => nodeItems(run, 'PiAPI Trigger')[0]?.json.taskId === taskId,
				);

			const taskId = await createTask('replace-with-a-long-random-secret');
			const execution = await waitForExecutions(stack.n8n.userFolder, workflowId, () => {
				const [run] = runsOf(taskId);
				return run?.status === 'success' ? run : undefined;
			});
			const [item] = nodeItems(execution, 'Mask ready');
			expect(item.json).toMatchObject({ vendor: 'piapi', taskId, status: 'succeeded', done: true });
			await expectMask(stack, item, 'sku-1001');

			const refused = await createTask('not-the-secret');
			await eventually(
				() => deliveries(refused).length === 3,
				'PiAPI gave up delivering',
				20_000,
				100,
			);
			expect(deliveries(refused).map((delivery) => delivery.status)).toEqual([401, 401, 401]);
			expect(runsOf(refused)).toHaveLength(0);
		});
	});
});

describe(`the combined package and both per-vendor packages in one n8n ${N8N.version}`, () => {
	const sellerPic = vendorPackage('sellerpic');
	const piApi = vendorPackage('piapi');
	/** Credential ids are unique in an n8n: the per-vendor packages' credentials get their own. */
	const IDS = {
		[sellerPic.credentialType]: 'SellerPicPkgCred1',
		[piApi.credentialType]: 'PiApiPkgCred00001',
	};
	let stack: Stack;
	const WORKFLOWS = {
		combined: EXAMPLE_IDS.oneImage,
		sellerPic: 'pkgSellerPicExample1',
		piApi: 'pkgPiApiExample4',
	};

	beforeAll(async () => {
		stack = await startStack('all', async (userFolder) => {
			await installPackage(userFolder, process.env.E2E_PACKAGE_TARBALL!);
			await installTarball(userFolder, tarballOf(sellerPic), sellerPic.packageName);
			await installTarball(userFolder, tarballOf(piApi), piApi.packageName);
		});
		const shopBaseUrl = stack.shop.baseUrl;
		const combined = loadExamples().find((example) => example.id === WORKFLOWS.combined)!;
		const pick = (pkg: VendorPackage, name: RegExp, workflowId: string) =>
			preparePackageExample(pkg, packageExamples(pkg).find((example) => name.test(example.name))!, {
				shopBaseUrl,
				id: workflowId,
				credentialIds: IDS,
			});
		await stack.n8n.importCredentials([
			...stack.vendors.credentials,
			...packageCredentials(stack.vendors, [sellerPic, piApi], IDS),
		]);
		await stack.n8n.importWorkflows([
			prepareExample(combined, { shopBaseUrl, fastVendors: ['sellerpic', 'piapi'] }),
			pick(sellerPic, /example 1\b|one product image/i, WORKFLOWS.sellerPic),
			pick(piApi, /check later/i, WORKFLOWS.piApi),
		]);
	}, 10 * 60_000);

	afterAll(async () => {
		await stack?.close();
	});

	test("a workflow of each package runs to a mask, each with its own package's credential", async () => {
		const combined = await stack.n8n.execute(WORKFLOWS.combined);
		expectSuccess(combined);
		await expectMask(stack, nodeItems(combined, 'SellerPic Segment')[0], 'sku-1001');

		const sellerPicRun = await stack.n8n.execute(WORKFLOWS.sellerPic);
		expectSuccess(sellerPicRun);
		await expectMask(stack, nodeItems(sellerPicRun, 'SellerPic Segment')[0], 'sku-1001');

		const piApiRun = await stack.n8n.execute(WORKFLOWS.piApi);
		expectSuccess(piApiRun);
		const [checked] = nodeItems(piApiRun, 'PiAPI Check Task');
		expect(checked.json).toMatchObject({ vendor: 'piapi', status: 'succeeded', done: true });
		expect(nodeItems(piApiRun, 'Download mask')[0].binary?.mask).toMatchObject({
			mimeType: 'image/png',
		});
	});

	test('n8n loads all three: every node and credential type once, none of them colliding', async () => {
		const server = await startN8n(stack.n8n);
		try {
			const types = await loadedNodeTypes(server);
			for (const pkg of [sellerPic, piApi]) {
				const names = namesWith(types, `${pkg.packageName}.`);
				expect(names).toEqual(
					[...pkg.nodes, ...pkg.toolNodes.map((name) => `${name}Tool`)]
						.map((name) => `${pkg.packageName}.${name}`)
						.sort(),
				);
			}
			expect(namesWith(types, `${COMBINED_PACKAGE}.`).length).toBeGreaterThanOrEqual(5);
			// With both per-vendor packages, every node is told apart by its name and its icon.
			const vendorNodes = types.filter(
				(type) =>
					[sellerPic.packageName, piApi.packageName].includes(type.name.split('.')[0]) &&
					!type.name.endsWith('Tool'),
			);
			const displayNames = vendorNodes.map((type) => type.displayName);
			expect(new Set(displayNames).size).toBe(displayNames.length);
			for (const type of vendorNodes) {
				const vendor = type.name.startsWith(`${sellerPic.packageName}.`) ? 'SellerPic' : 'PiAPI';
				expect(type.displayName.startsWith(`${vendor} `)).toBe(true);
				expect(JSON.stringify(type.iconUrl ?? type.icon)).toMatch(
					vendor === 'SellerPic' ? /sellerpic(\.dark)?\.svg/ : /piapi(\.dark)?\.svg/,
				);
			}
			// n8n lists a node once per version it has.
			const ours = types.filter((type) =>
				[COMBINED_PACKAGE, sellerPic.packageName, piApi.packageName].includes(
					type.name.split('.')[0],
				),
			);
			const versions = ours.map((type) => `${type.name}@${JSON.stringify(type.version)}`);
			expect(new Set(versions).size).toBe(versions.length);
			const credentials = (await loadedCredentialTypes(server)).map((type) => type.name);
			expect(credentials.filter((name) => /^(sellerPic|piApi)/.test(name)).sort()).toEqual(
				['piApiApi', 'piApiSegmentApi', 'sellerPicApi', 'sellerPicSegmentApi'].sort(),
			);
			expect(new Set(credentials).size).toBe(credentials.length);
			// No loading error naming one of the packages (the cache folder n8n-nodes-segmentation-e2e is not one).
			const log = await readFile(server.logFile, 'utf8');
			const ourPackage =
				/(n8n-nodes-segmentation|n8n-nodes-sellerpic-segment|n8n-nodes-piapi-segment)(?![\w-])/;
			expect(
				log.split('\n').filter((line) => /error|failed/i.test(line) && ourPackage.test(line)),
			).toEqual([]);
		} finally {
			await server.stop();
		}
	});
});
