// One defaults configuration in a real n8n (the end-to-end install, `n8n execute`): PiAPI Segment
// with every parameter at its default on N product photos; the node's own execution time is read
// from n8n's run data.
import { CREDENTIALS } from '../../tools/local-n8n/n8n/examples';
import { nodeItems, nodeTime } from '../../tools/local-n8n/n8n/execution';
import { startLocalStack } from '../../tools/local-n8n/local-stack';
import { PACKAGE_NAME } from '../../tools/local-n8n/paths';
import { manualWorkflow } from '../../tools/local-n8n/n8n/workflow-builder';
import type { RealN8nResult } from './report';

const WORKFLOW_ID = 'segBenchDefaultsPiApi';
const NODE = 'PiAPI Segment';

export async function runInRealN8n(options: { images: number; latencyMs: number; cap: number }): Promise<RealN8nResult> {
	console.log(`Running PiAPI Segment at defaults in real n8n on ${options.images} images…`);
	const stack = await startLocalStack({ name: 'bench', progress: (line) => console.log(`  ${line}`) });
	try {
		stack.vendors.piApi.fake!.configure({ taskLatencyMs: options.latencyMs, concurrencyCap: options.cap, minPollIntervalMs: 1_000 });
		const photos = ['sku-1001', 'sku-1002', 'sku-1003', 'sku-1005'].map((id) => `${stack.shop.baseUrl}/images/${id}.jpg`);
		await stack.n8n.importWorkflows([workflow(photos, options.images)]);
		const run = await stack.n8n.execute(WORKFLOW_ID);
		const items = nodeItems(run, NODE);
		if (run.status !== 'success' || items.length !== options.images || items.some((item) => item.json.status !== 'succeeded')) {
			throw new Error(`The real-n8n run did not succeed: ${run.status} ${run.data.resultData.error?.message ?? ''}`);
		}
		return {
			version: stack.n8n.install.version,
			images: options.images,
			latencyMs: options.latencyMs,
			nodeSeconds: (nodeTime(run, NODE) ?? 0) / 1000,
			idealSeconds: (Math.ceil(options.images / options.cap) * options.latencyMs) / 1000,
		};
	} finally {
		await stack.close();
	}
}

function workflow(photos: string[], images: number) {
	const products = Array.from({ length: images }, (_, index) => ({ productId: `P${index + 1}`, imageUrl: photos[index % photos.length] }));
	return manualWorkflow(WORKFLOW_ID, 'Benchmark: PiAPI Segment at defaults', [
		{ name: 'Products', type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode: `return ${JSON.stringify(products)}.map((json) => ({ json }));` } },
		{
			name: NODE,
			type: `${PACKAGE_NAME}.piApiSegment`,
			parameters: { imageUrl: '={{ $json.imageUrl }}', prompt: 'product' },
			credentials: { piApiApi: CREDENTIALS.piApi },
		},
	]);
}
