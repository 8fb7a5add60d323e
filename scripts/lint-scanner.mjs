/*
 * n8n's verification scanner, run as n8n runs it (`npm run lint:scanner`): its own
 * `analyzePackage` (community-node rules, inline eslint-disable comments ignored) on the source
 * tree and on the unpacked `npm pack` tarball. Fails on any problem in either.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

function packTarball() {
	const dir = mkdtempSync(join(tmpdir(), 'n8n-scan-'));
	execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], {
		cwd: repo,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	const [tarball] = readdirSync(dir).filter((file) => file.endsWith('.tgz'));
	const unpacked = join(dir, 'package');
	execFileSync('tar', ['-xzf', join(dir, tarball), '-C', dir]);
	return { dir, unpacked };
}

const legs = [
	{
		name: 'sources (package.json, nodes/, credentials/)',
		dir: repo,
		patterns: SOURCE_FILE_PATTERNS,
	},
];
const packed = packTarball();
legs.push({
	name: 'published tarball (npm pack)',
	dir: packed.unpacked,
	patterns: ['**/*.js', 'package.json'],
});

let failed = false;
try {
	for (const leg of legs) {
		const result = await analyzePackage(leg.dir, leg.patterns);
		if (result.passed) {
			console.log(`scanner: ${leg.name}: 0 problems`);
		} else {
			failed = true;
			console.log(`scanner: ${leg.name}: ${result.message}`);
			if (result.details) console.log(result.details);
		}
	}
} finally {
	rmSync(packed.dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
