/* The code n8n loads has no import cycles: every module of nodes/ and credentials/ can be read top-down. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function tsFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((entry) => {
		const path = join(dir, entry);
		return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
	});
}

function relativeImports(file: string): string[] {
	const code = readFileSync(file, 'utf8');
	return [...code.matchAll(/from '(\.{1,2}\/[^']+)'/g)].map(
		([, target]) => normalize(join(dirname(file), target)) + '.ts',
	);
}

test('nodes/ and credentials/ have no import cycles', () => {
	const files = [...tsFiles(join(ROOT, 'nodes')), ...tsFiles(join(ROOT, 'credentials'))];
	const graph = new Map(files.map((file) => [file, relativeImports(file)]));
	const cycles: string[] = [];
	const state = new Map<string, 'visiting' | 'done'>();
	const visit = (file: string, path: string[]) => {
		if (state.get(file) === 'done') return;
		if (state.get(file) === 'visiting') {
			cycles.push(
				[...path.slice(path.indexOf(file)), file].map((f) => relative(ROOT, f)).join(' → '),
			);
			return;
		}
		state.set(file, 'visiting');
		for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
		state.set(file, 'done');
	};
	for (const file of files) visit(file, []);
	expect(cycles).toEqual([]);
	expect(files.length).toBeGreaterThan(30);
});
