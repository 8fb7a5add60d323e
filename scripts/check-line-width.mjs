// Fails when a line of nodes/ or credentials/ is wider than Prettier's print width (a tab counts as
// its tab width), which Prettier itself does not enforce for strings and comments.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import prettierConfig from '../.prettierrc.js';

const { printWidth, tabWidth } = prettierConfig;
const roots = ['nodes', 'credentials'];

function files(dir) {
	return readdirSync(dir).flatMap((entry) => {
		const path = join(dir, entry);
		return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
	});
}

const wide = roots.flatMap(files).flatMap((file) =>
	readFileSync(file, 'utf8')
		.split('\n')
		.map((line, index) => ({
			file,
			line: index + 1,
			width: [...line.replace(/\t/g, ' '.repeat(tabWidth))].length,
		}))
		.filter(({ width }) => width > printWidth),
);
for (const { file, line, width } of wide)
	console.error(`${file}:${line}: ${width} columns (print width ${printWidth})`);
if (wide.length) process.exit(1);
console.log(
	`check-line-width: every line of ${roots.join('/ and ')}/ fits in ${printWidth} columns`,
);
