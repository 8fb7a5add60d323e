/*
 * Inputs far over a vendor's byte limit, as a user meets them in a real n8n (the package
 * installed from its tarball): an image URL that serves 800 MB, and an 800 MB file read with
 * Read/Write Files from Disk (binary data in filesystem mode, as the suite's n8n runs). Each item
 * fails with the size error, and n8n's peak memory (VmHWM of the n8n process) stays within 100 MB
 * of the same run with a normal photo. The file host streams the 800 MB from loopback; n8n's Read/Write
 * Files streams the file into its binary storage.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CREDENTIALS } from '../../tools/local-n8n/n8n/examples';
import type { WorkflowJson } from '../../tools/local-n8n/n8n/n8n-instance';
import { startN8n, waitForWebhooks, type RunningN8n } from '../../tools/local-n8n/n8n/n8n-server';
import { startLocalStack, type LocalStack } from '../../tools/local-n8n/local-stack';
import {
	startBigFileServer,
	writeBigPng,
	type BigFileServer,
} from '../../tools/local-n8n/services/big-file-server';
import { SAMPLES_DIR, sampleProduct } from '../../tools/local-n8n/services/sample-photos';
import { peakMemoryDuring } from '../../tools/local-n8n/system/process-memory';
import { postJson } from '../support/post-json';

const MB = 1024 * 1024;
const BIG = 800 * MB;
/** How much more memory the run with the big file may take than the run without it. */
const ALLOWED_GROWTH_MB = 100;
const SIZE_HINT = 'Compress or scale the image down first (for example with the Edit Image node).';

type Case = 'sellerPicUrl' | 'sellerPicBinary' | 'piApiBinary';

const SEGMENT_NODE = 'Segment';

/** Webhook (its body says which image) → [Read/Write Files from Disk] → a Segment node, answering with the Segment node's items. */
function workflow(id: Case, vendor: 'sellerpic' | 'piapi', source: 'url' | 'binary'): WorkflowJson {
	const webhook = {
		id: `${id}-webhook`,
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		position: [0, 0],
		webhookId: `b16e0000-0000-4000-8000-${String(Object.keys(CASES).indexOf(id) + 1).padStart(12, '0')}`,
		parameters: {
			httpMethod: 'POST',
			path: `big-inputs-${id}`,
			responseMode: 'lastNode',
			responseData: 'allEntries',
			options: {},
		},
	};
	const readFile = {
		id: `${id}-read`,
		name: 'Read file',
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		position: [220, 0],
		parameters: { operation: 'read', fileSelector: '={{ $json.body.path }}', options: {} },
	};
	const image =
		source === 'url'
			? { imageSource: 'url', imageUrl: '={{ $json.body.url }}' }
			: { imageSource: 'binary', binaryPropertyName: 'data' };
	const segment = {
		id: `${id}-segment`,
		name: SEGMENT_NODE,
		type:
			vendor === 'sellerpic'
				? 'n8n-nodes-segmentation.sellerPicSegment'
				: 'n8n-nodes-segmentation.piApiSegment',
		typeVersion: 1,
		position: [440, 0],
		parameters: {
			...(vendor === 'sellerpic' ? { mode: 'prompt' } : {}),
			prompt: 'product',
			...image,
			waitForCompletion: false,
			options: {},
		},
		credentials:
			vendor === 'sellerpic'
				? { sellerPicApi: CREDENTIALS.sellerPic }
				: { piApiApi: CREDENTIALS.piApi },
		onError: 'continueRegularOutput',
	};
	const nodes = source === 'url' ? [webhook, segment] : [webhook, readFile, segment];
	return {
		id: `segBigInputs${id[0].toUpperCase()}${id.slice(1)}`.slice(0, 36),
		name: `Big inputs: ${id}`,
		nodes,
		connections: Object.fromEntries(
			nodes
				.slice(0, -1)
				.map((node, index) => [
					node.name,
					{ main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] },
				]),
		),
		active: false,
		settings: { executionOrder: 'v1' },
	};
}

const CASES: Record<
	Case,
	{ vendor: 'sellerpic' | 'piapi'; name: string; source: 'url' | 'binary' }
> = {
	sellerPicUrl: { vendor: 'sellerpic', name: 'SellerPic', source: 'url' },
	sellerPicBinary: { vendor: 'sellerpic', name: 'SellerPic', source: 'binary' },
	piApiBinary: { vendor: 'piapi', name: 'PiAPI', source: 'binary' },
};

let stack: LocalStack;
let host: BigFileServer;
let filesDir: string;
let smallPhoto: string;
let bigFile: string;
const figures: string[] = [];

beforeAll(async () => {
	filesDir = mkdtempSync(join(tmpdir(), 'seg-big-inputs-'));
	stack = await startLocalStack({ name: 'big-inputs', tarball: process.env.E2E_PACKAGE_TARBALL });
	host = await startBigFileServer();
	smallPhoto = join(filesDir, 'photo.jpg');
	copyFileSync(join(SAMPLES_DIR, sampleProduct('sku-1001').file), smallPhoto);
	bigFile = join(filesDir, 'huge.png');
	await writeBigPng(bigFile, BIG);
	const workflows = Object.entries(CASES).map(([id, { vendor, source }]) =>
		workflow(id as Case, vendor, source),
	);
	await stack.n8n.importWorkflows(workflows);
	for (const { id } of workflows) await stack.n8n.publishWorkflow(id);
}, 10 * 60_000);

afterAll(async () => {
	if (figures.length) console.log(`Peak memory of n8n (VmHWM):\n${figures.join('\n')}`);
	await host?.close();
	await stack?.close();
	if (filesDir) rmSync(filesDir, { recursive: true, force: true });
	// Each 800 MB file read is a copy in n8n's binary storage.
	if (stack)
		rmSync(join(stack.n8n.userFolder, '.n8n', 'storage'), { recursive: true, force: true });
});

/**
 * A fresh n8n for each case: memory an earlier run took stays with the process (Node rarely gives
 * it back), and a later run can reuse it without its peak showing.
 */
async function startFreshN8n(id: Case): Promise<RunningN8n> {
	const server = await startN8n(stack.n8n, {
		// Read/Write Files from Disk may read only here.
		env: { N8N_RESTRICT_FILE_ACCESS_TO: filesDir },
	});
	await waitForWebhooks(server, [`big-inputs-${id}`]);
	return server;
}

/** Runs the case's workflow once; its Segment node's single item. */
async function run(server: RunningN8n, id: Case, big: boolean) {
	const body =
		CASES[id].source === 'url'
			? {
					url: big
						? host.fileUrl(BIG)
						: `${stack.shop.baseUrl}/images/${sampleProduct('sku-1001').file}`,
				}
			: { path: big ? bigFile : smallPhoto };
	const reply = await postJson(`${server.url}/webhook/big-inputs-${id}`, body);
	expect(reply.status).toBe(200);
	const items = reply.json as unknown as Array<Record<string, unknown>>;
	expect(items).toHaveLength(1);
	return items[0];
}

describe.each(Object.keys(CASES) as Case[])('%s', (id) => {
	test(`an 800 MB image fails its item with the size error, n8n's peak memory within ${ALLOWED_GROWTH_MB} MB of a normal photo`, async () => {
		const { name } = CASES[id];
		const server = await startFreshN8n(id);
		try {
			// The first run loads the nodes; the second is the measure without the big file.
			expect(await run(server, id, false)).toMatchObject({ taskId: expect.any(String) });
			const small = await peakMemoryDuring(server.pid, async () => await run(server, id, false));
			expect(small.result).toMatchObject({ taskId: expect.any(String) });
			const big = await peakMemoryDuring(server.pid, async () => await run(server, id, true));
			expect(big.result.error).toMatch(
				new RegExp(`^The image is 800\\.0 MB; ${name} accepts at most 10 MB( \\[item 0\\])?$`),
			);
			figures.push(
				`${id}: normal photo ${small.peakMb.toFixed(0)} MB (from ${small.startMb.toFixed(0)}), 800 MB input ${big.peakMb.toFixed(0)} MB (from ${big.startMb.toFixed(0)})`,
			);
			expect(big.result.errorDescription).toBe(SIZE_HINT);
			expect(big.peakMb - small.peakMb).toBeLessThan(ALLOWED_GROWTH_MB);
		} finally {
			await server.stop();
		}
	});
});
