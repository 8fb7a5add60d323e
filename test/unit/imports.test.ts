/*
 * The code n8n loads keeps the layers docs/architecture.md draws (node → vendor → shared →
 * n8n-workflow; credentials/ may read a vendor's profile), every import resolves to a file, and
 * there are no import cycles: every module of nodes/ and credentials/ can be read top-down.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** The packages nodes/ and credentials/ may import: n8n-workflow, and Node's crypto (n8n's scanner allows it; webhook secrets). */
const PACKAGES = ['n8n-workflow', 'crypto', 'node:crypto'];

function tsFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((entry) => {
		const path = join(dir, entry);
		return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
	});
}

/** Every module a file names: `from '…'`, `import '…'`, `import('…')`, `require('…')`. */
function specifiers(code: string): string[] {
	return [
		...code.matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"\n]+)['"]/g),
	].map(([, specifier]) => specifier);
}

/** The file a relative import loads, as Node resolves it: `x.ts`, `x/index.ts`, or `x` itself. */
function resolveImport(fromFile: string, specifier: string): string | undefined {
	const base = join(dirname(fromFile), specifier);
	return [`${base}.ts`, join(base, 'index.ts'), base].find(
		(candidate) => existsSync(candidate) && statSync(candidate).isFile(),
	);
}

/** Where a file sits in docs/architecture.md's layers, from its path relative to the root. */
function layerOf(path: string): { layer: string; owner?: string } {
	const [top, second, third] = path.split(/[\\/]/);
	if (top === 'credentials') return { layer: 'credentials' };
	if (top !== 'nodes') return { layer: 'outside' };
	if (second === 'shared') return { layer: 'shared' };
	if (second === 'vendors')
		return third?.endsWith('.ts') ? { layer: 'registry' } : { layer: 'vendor', owner: third };
	return { layer: 'node', owner: second };
}

/**
 * Why `from` may not import `to` (paths relative to the root), or undefined when the layers allow
 * it: a node its own folder, vendors and shared; a vendor its own folder and shared; the registry
 * the vendors and shared; shared only shared; credentials a vendor's profile.
 */
export function layerViolation(from: string, to: string): string | undefined {
	const source = layerOf(from);
	const target = layerOf(to);
	const same = source.layer === target.layer && source.owner === target.owner;
	switch (source.layer) {
		case 'node':
			if (same || ['vendor', 'registry', 'shared'].includes(target.layer)) return undefined;
			return 'a node imports its own folder, vendors and nodes/shared/ only';
		case 'registry':
			if (['vendor', 'shared'].includes(target.layer)) return undefined;
			return 'the vendor registry imports vendors and nodes/shared/ only';
		case 'vendor':
			if (same || target.layer === 'shared') return undefined;
			return 'a vendor imports its own folder and nodes/shared/ only';
		case 'shared':
			if (target.layer === 'shared') return undefined;
			return 'nodes/shared/ imports nothing but nodes/shared/ (it names no vendor and no node)';
		case 'credentials':
			if (target.layer === 'vendor' && to.split(/[\\/]/).at(-1) === 'profile.ts') return undefined;
			return "credentials/ imports a vendor's profile.ts only";
		default:
			return 'only nodes/ and credentials/ are checked';
	}
}

/** The resolved import graph of nodes/ and credentials/, and every import that breaks a rule. */
function readImports() {
	const files = [...tsFiles(join(ROOT, 'nodes')), ...tsFiles(join(ROOT, 'credentials'))];
	const graph = new Map<string, string[]>();
	const problems: string[] = [];
	for (const file of files) {
		const from = relative(ROOT, file);
		const targets: string[] = [];
		for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
			const named = `${from} imports '${specifier}'`;
			if (!specifier.startsWith('.')) {
				if (!PACKAGES.includes(specifier))
					problems.push(`${named}: nodes/ and credentials/ import only n8n-workflow`);
				continue;
			}
			const target = resolveImport(file, specifier);
			if (!target) {
				problems.push(`${named}: no such file or folder with an index.ts`);
				continue;
			}
			const to = relative(ROOT, target);
			const violation = layerViolation(from, to);
			if (violation) problems.push(`${named} (${to}): ${violation}`);
			if (target.endsWith('.ts')) targets.push(target);
		}
		graph.set(file, targets);
	}
	return { files, graph, problems };
}

function cycles(graph: Map<string, string[]>): string[] {
	const found: string[] = [];
	const state = new Map<string, 'visiting' | 'done'>();
	const visit = (file: string, path: string[]) => {
		if (state.get(file) === 'done') return;
		if (state.get(file) === 'visiting') {
			found.push(
				[...path.slice(path.indexOf(file)), file].map((f) => relative(ROOT, f)).join(' → '),
			);
			return;
		}
		state.set(file, 'visiting');
		for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
		state.set(file, 'done');
	};
	for (const file of graph.keys()) visit(file, []);
	return found;
}

const imports = readImports();

test('every import of nodes/ and credentials/ resolves, and keeps to the layers', () => {
	expect(imports.problems).toEqual([]);
	expect(imports.files.length).toBeGreaterThan(30);
});

test('folder imports count: the registry reaches each vendor through its index.ts', () => {
	const registry = imports.graph.get(join(ROOT, 'nodes', 'vendors', 'registry.ts'));
	expect(registry?.map((file) => relative(ROOT, file))).toEqual(
		expect.arrayContaining([
			join('nodes', 'vendors', 'piapi', 'index.ts'),
			join('nodes', 'vendors', 'sellerpic', 'index.ts'),
		]),
	);
});

test('nodes/ and credentials/ have no import cycles', () => {
	expect(cycles(imports.graph)).toEqual([]);
});

describe('the layer rule', () => {
	const path = (...parts: string[]) => parts.join(sep);
	it.each([
		[path('nodes', 'shared', 'task', 'model.ts'), path('nodes', 'vendors', 'piapi', 'index.ts')],
		[path('nodes', 'shared', 'runtime', 'items.ts'), path('nodes', 'PiApiSegment', 'poll.ts')],
		[
			path('nodes', 'vendors', 'piapi', 'client.ts'),
			path('nodes', 'vendors', 'sellerpic', 'profile.ts'),
		],
		[path('nodes', 'vendors', 'piapi', 'client.ts'), path('nodes', 'PiApiSegment', 'poll.ts')],
		[path('nodes', 'PiApiSegment', 'poll.ts'), path('nodes', 'SellerPicSegment', 'execute.ts')],
		[
			path('credentials', 'PiApiApi.credentials.ts'),
			path('nodes', 'vendors', 'piapi', 'client.ts'),
		],
		[path('nodes', 'PiApiSegment', 'poll.ts'), path('credentials', 'PiApiApi.credentials.ts')],
	])('refuses %s importing %s', (from, to) => {
		expect(layerViolation(from, to)).toEqual(expect.any(String));
	});

	it.each([
		[path('nodes', 'PiApiSegment', 'poll.ts'), path('nodes', 'vendors', 'piapi', 'client.ts')],
		[path('nodes', 'PiApiSegment', 'poll.ts'), path('nodes', 'shared', 'runtime', 'items.ts')],
		[path('nodes', 'vendors', 'registry.ts'), path('nodes', 'vendors', 'piapi', 'index.ts')],
		[path('nodes', 'vendors', 'piapi', 'client.ts'), path('nodes', 'shared', 'errors.ts')],
		[
			path('credentials', 'PiApiApi.credentials.ts'),
			path('nodes', 'vendors', 'piapi', 'profile.ts'),
		],
	])('allows %s importing %s', (from, to) => {
		expect(layerViolation(from, to)).toBeUndefined();
	});
});
