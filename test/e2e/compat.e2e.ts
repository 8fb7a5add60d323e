/*
 * The guard against n8n dropping or changing an API this package uses, run against every n8n
 * version in the matrix (N8N_E2E_VERSION): the sources type-check against that n8n's own
 * n8n-workflow, the packed package loads there using only exports it has, and one item that
 * waits (sleeps between status checks) runs in that real n8n.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { CREDENTIALS } from '../../tools/local-n8n/n8n/examples';
import { nodeItems } from '../../tools/local-n8n/n8n/execution';
import { startLocalStack, type LocalStack } from '../../tools/local-n8n/local-stack';
import { selectedN8nVersion } from '../../tools/local-n8n/n8n/n8n-versions';
import { installPackage } from '../../tools/local-n8n/n8n/package-install';
import { E2E_HOME, PACKAGE_NAME, REPO_DIR } from '../../tools/local-n8n/paths';
import { runCommand } from '../../tools/local-n8n/system/run-command';
import { manualWorkflow } from '../../tools/local-n8n/n8n/workflow-builder';

const version = selectedN8nVersion();
const manifest = JSON.parse(readFileSync(join(REPO_DIR, 'package.json'), 'utf8')) as {
	n8n: { nodes: string[]; credentials: string[] };
};

let stack: LocalStack;

beforeAll(async () => {
	stack = await startLocalStack({
		name: 'compat',
		version,
		tarball: process.env.E2E_PACKAGE_TARBALL,
	});
}, 10 * 60_000);

afterAll(async () => {
	await stack?.close();
});

describe(`n8n ${version.version} (${version.label})`, () => {
	test("nodes/ and credentials/ type-check against this n8n's n8n-workflow", async () => {
		const dir = join(E2E_HOME, `typecheck-n8n-${version.version}`);
		mkdirSync(dir, { recursive: true });
		const config = {
			extends: join(REPO_DIR, 'tsconfig.json'),
			compilerOptions: {
				noEmit: true,
				baseUrl: REPO_DIR,
				paths: { 'n8n-workflow': [join(stack.n8n.install.dir, 'node_modules', 'n8n-workflow')] },
				types: ['node'],
				typeRoots: [join(REPO_DIR, 'node_modules', '@types')],
			},
			include: [join(REPO_DIR, 'nodes', '**', '*.ts'), join(REPO_DIR, 'credentials', '**', '*.ts')],
		};
		writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config, null, 2));
		const tsc = join(REPO_DIR, 'node_modules', 'typescript', 'bin', 'tsc');
		const result = await runCommand(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], {
			allowFailure: true,
		});
		expect({ exitCode: result.code, errors: result.stdout.trim() }).toEqual({
			exitCode: 0,
			errors: '',
		});
	}, 120_000);

	test("every node and credential of the packed package loads with this n8n's n8n-workflow, using only exports it has", async () => {
		const packageDir = await installPackage(
			join(E2E_HOME, `probe-n8n-${version.version}`),
			process.env.E2E_PACKAGE_TARBALL!,
		);
		const probe = await runCommand(stack.n8n.install.node.bin, [
			join(__dirname, 'package-probe.js'),
			packageDir,
			join(stack.n8n.install.dir, 'node_modules', 'n8n'),
		]);
		const report = JSON.parse(probe.stdout) as {
			workflowVersion: string;
			usedExports: string[];
			missingExports: Array<{ name: string; files: string[] }>;
			lookups: Array<{ name: string; present: boolean }>;
			nodes: Array<{ name: string; execute: boolean; webhook: boolean; properties: number }>;
			credentials: Array<{ name: string }>;
		};
		expect(report.missingExports).toEqual([]);
		expect(report.usedExports).toEqual(
			expect.arrayContaining(['NodeApiError', 'NodeOperationError', 'sleep']),
		);
		// The only export looked up at run time: nodes/shared/sleep.ts uses it where it exists.
		expect(report.lookups.map((lookup) => lookup.name)).toEqual(['sleepWithAbort']);
		expect(report.nodes).toHaveLength(manifest.n8n.nodes.length);
		for (const node of report.nodes) {
			expect(node.execute || node.webhook).toBe(true);
			expect(node.properties).toBeGreaterThan(0);
		}
		expect(report.credentials.map((credential) => credential.name).sort()).toEqual([
			'piApiApi',
			'sellerPicApi',
		]);
	}, 60_000);

	test('an item that waits between status checks runs to its mask in this real n8n', async () => {
		const fake = stack.vendors.piApi.fake!;
		fake.configure({ taskLatencyMs: 1_500 });
		const before = fake.counters.polls;
		await stack.n8n.importWorkflows([
			waitingItemWorkflow(`${stack.shop.baseUrl}/images/sku-1001.jpg`),
		]);
		const run = await stack.n8n.execute(WAITING_WORKFLOW_ID);
		expect({ status: run.status, error: run.data.resultData.error?.message }).toEqual({
			status: 'success',
			error: undefined,
		});
		const [item] = nodeItems(run, 'PiAPI Segment');
		expect(item.json).toMatchObject({ status: 'succeeded', done: true });
		expect(item.binary?.mask).toMatchObject({ mimeType: 'image/png' });
		// More than one status check: the node slept between them, with this n8n's own sleep.
		expect(fake.counters.polls - before).toBeGreaterThanOrEqual(2);
	}, 120_000);
});

const WAITING_WORKFLOW_ID = 'segCompatWaitingItem';

function waitingItemWorkflow(imageUrl: string) {
	return manualWorkflow(WAITING_WORKFLOW_ID, 'Compatibility: one item that waits', [
		{
			name: 'PiAPI Segment',
			type: `${PACKAGE_NAME}.piApiSegment`,
			parameters: { imageUrl, prompt: 'product', pollInterval: 0.5 },
			credentials: { piApiApi: CREDENTIALS.piApi },
		},
	]);
}
