/*
 * `npm run packages:lock`: (re)writes packaging/common/package-lock.json, the lockfile every
 * generated package installs from with `npm ci`, for the devDependencies of
 * packaging/common/package.json. The generator fills in each package's name and version.
 * Resolved in a temporary folder outside the repository.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PACKAGING, readJson, TREE_ENV } from './lib.mjs';

const base = readJson(join(PACKAGING, 'common', 'package.json'));
const dir = mkdtempSync(join(tmpdir(), 'n8n-packages-lock-'));
try {
	const { license, engines, devDependencies, peerDependencies, allowScripts } = base;
	const pkg = {
		name: 'n8n-nodes-packaging-lock',
		version: '0.0.0',
		license,
		engines,
		devDependencies,
		peerDependencies,
		allowScripts,
	};
	writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, '\t')}\n`);
	execFileSync(
		'npm',
		['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'],
		{ cwd: dir, stdio: 'inherit', env: TREE_ENV },
	);
	copyFileSync(join(dir, 'package-lock.json'), join(PACKAGING, 'common', 'package-lock.json'));
	const lock = readJson(join(PACKAGING, 'common', 'package-lock.json'));
	console.log(
		`packaging/common/package-lock.json: ${Object.keys(lock.packages).length - 1} packages`,
	);
} finally {
	rmSync(dir, { recursive: true, force: true });
}
