/* Every user-facing string in nodes/ and credentials/ is written whole on one line, so an error a user pastes can be found with grep. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((entry) => {
		const path = join(dir, entry);
		return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
	});
}

const files = ['nodes', 'credentials', join('packaging', 'vendors')].flatMap((root) =>
	sourceFiles(join(ROOT, root)),
);

test('the sources are found', () => {
	expect(files.length).toBeGreaterThan(40);
});

test('no string is cut with a backslash line continuation', () => {
	const cut = files.flatMap((file) =>
		readFileSync(file, 'utf8')
			.split('\n')
			.map((line, index) => ({ at: `${file.slice(ROOT.length + 1)}:${index + 1}`, line }))
			.filter(({ line }) => line.endsWith('\\')),
	);
	expect(cut.map(({ at }) => at)).toEqual([]);
});
