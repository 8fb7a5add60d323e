// Benchmark configurations in a real n8n (the end-to-end install, `n8n execute`, the package from
// its tarball): the Segment node on N product photos by URL; the node's own execution time is read
// from n8n's run data, refused creates and the tasks at the vendor from the fakes.
import { CREDENTIALS } from '../../tools/local-n8n/n8n/examples';
import { nodeItems, nodeTime } from '../../tools/local-n8n/n8n/execution';
import { startLocalStack } from '../../tools/local-n8n/local-stack';
import { PACKAGE_NAME } from '../../tools/local-n8n/paths';
import { manualWorkflow } from '../../tools/local-n8n/n8n/workflow-builder';
import { settledConcurrency, type RealN8nCase, type RealN8nResult } from './report';

const NODE_NAME = { piapi: 'PiAPI Segment', sellerpic: 'SellerPic Segment' } as const;
const CREATE_ENDPOINT = { piapi: 'createTask', sellerpic: 'promptSegmentation' } as const;

export async function runInRealN8n<Case extends RealN8nCase>(
	cases: Case[],
): Promise<Array<RealN8nResult & Case>> {
	const stack = await startLocalStack({
		name: 'bench',
		progress: (line) => console.log(`  ${line}`),
	});
	const results: Array<RealN8nResult & Case> = [];
	try {
		for (const [index, run] of cases.entries()) {
			console.log(
				`Running ${NODE_NAME[run.vendor]}, ${run.label}, cap ${run.cap}, in real n8n on ${run.images} images…`,
			);
			const fake =
				run.vendor === 'piapi' ? stack.vendors.piApi.fake! : stack.vendors.sellerPic.fake!;
			fake.reset();
			fake.configure({
				taskLatencyMs: run.latencyMs,
				concurrencyCap: run.cap,
				minPollIntervalMs: run.minPollMs,
				...(run.account ? { account: run.account } : {}),
			});
			const photos = ['sku-1001', 'sku-1002', 'sku-1003', 'sku-1005'].map(
				(id) => `${stack.shop.baseUrl}/images/${id}.jpg`,
			);
			const workflowId = `segBenchReal${index}${run.vendor}`;
			await stack.n8n.importWorkflows([workflow(workflowId, run, photos)]);
			const inFlight: number[] = [];
			const sampler = setInterval(() => inFlight.push(fake.inFlight()), 50);
			const execution = await stack.n8n.execute(workflowId).finally(() => clearInterval(sampler));
			if (process.env.BENCH_TRACE) {
				const start = fake.requests[0]?.at ?? 0;
				for (const request of fake.requests)
					console.log(
						`  ${((request.at - start) / 1000).toFixed(2)} ${request.endpoint} ${request.path.replace(/^.*[?/]/, '')}`,
					);
			}
			const node = NODE_NAME[run.vendor];
			const items = nodeItems(execution, node);
			if (
				execution.status !== 'success' ||
				items.length !== run.images ||
				items.some((item) => item.json.status !== 'succeeded')
			) {
				throw new Error(
					`The real-n8n run did not succeed: ${execution.status} ${execution.data.resultData.error?.message ?? ''}`,
				);
			}
			results.push({
				...run,
				where: `real n8n ${stack.n8n.install.version}`,
				version: stack.n8n.install.version,
				nodeSeconds: (nodeTime(execution, node) ?? 0) / 1000,
				idealSeconds: (Math.ceil(run.images / run.cap) * run.latencyMs) / 1000,
				refusedPerImage:
					(fake.counters.calls[CREATE_ENDPOINT[run.vendor]] - fake.counters.creates) / run.images,
				settledInFlight: settledConcurrency(inFlight),
				peakInFlight: fake.counters.peakInFlight,
			});
		}
	} finally {
		await stack.close();
	}
	return results;
}

function workflow(id: string, run: RealN8nCase, photos: string[]) {
	const products = Array.from({ length: run.images }, (_, index) => ({
		productId: `P${index + 1}`,
		imageUrl: photos[index % photos.length],
	}));
	const parameters =
		run.vendor === 'piapi'
			? { imageUrl: '={{ $json.imageUrl }}', prompt: 'product', ...run.parameters }
			: {
					mode: 'prompt',
					prompt: 'product',
					imageSource: 'url',
					imageUrl: '={{ $json.imageUrl }}',
					...run.parameters,
				};
	return manualWorkflow(id, `Benchmark: ${NODE_NAME[run.vendor]}, ${run.label}`, [
		{
			name: 'Products',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: { jsCode: `return ${JSON.stringify(products)}.map((json) => ({ json }));` },
		},
		{
			name: NODE_NAME[run.vendor],
			type: `${PACKAGE_NAME}.${run.vendor === 'piapi' ? 'piApiSegment' : 'sellerPicSegment'}`,
			parameters,
			credentials:
				run.vendor === 'piapi'
					? { piApiApi: CREDENTIALS.piApi }
					: { sellerPicApi: CREDENTIALS.sellerPic },
		},
	]);
}
