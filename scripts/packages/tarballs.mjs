/*
 * `node scripts/packages/tarballs.mjs [--json]`: the per-vendor tarballs the real-n8n suite
 * (test/packages/) installs, current with the source. Regenerates the trees (a second), and runs
 * check:packages again for each package whose tree (or the checks) differ from those its tarball
 * was checked and packed with, or whose checks did not all pass. With --json the last line is
 * `{ "<package>": "<tarball path>", … }`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { checkerHash, loadConfig, readJson, REPORT, ROOT, treeHash } from './lib.mjs';

/** The report entry of a package when its tarball is of this tree and passed every check. */
function current(vendor) {
	const report = existsSync(REPORT) ? readJson(REPORT) : [];
	const entry = report.find((candidate) => candidate.package === vendor.packageName);
	const passed = entry && Object.values(entry.checks).every((check) => check.ok);
	if (!passed || !entry.tarball?.path || !existsSync(entry.tarball.path)) return undefined;
	const same = entry.treeHash === treeHash(vendor.out) && entry.checkerHash === checkerHash();
	return same ? entry : undefined;
}

const { vendors } = loadConfig();
// Output to stderr: with --json, stdout's last line is the answer.
spawnSync(process.execPath, [join(ROOT, 'scripts', 'packages', 'build.mjs')], {
	cwd: ROOT,
	stdio: ['ignore', 2, 'inherit'],
});
const stale = vendors.filter((vendor) => !current(vendor));
if (stale.length) {
	console.error(
		`Checking again (tree or checks changed, or not checked yet): ${stale.map((v) => v.packageName).join(', ')}`,
	);
	const result = spawnSync(
		process.execPath,
		[join(ROOT, 'scripts', 'packages', 'check.mjs'), ...stale.map((v) => v.id)],
		{ cwd: ROOT, stdio: ['ignore', 2, 'inherit'] },
	);
	if (result.status !== 0) {
		console.error('check:packages failed: no tarballs to test');
		process.exit(1);
	}
}
const tarballs = Object.fromEntries(
	vendors.map((vendor) => [vendor.packageName, current(vendor)?.tarball.path]),
);
const missing = Object.entries(tarballs).filter(([, path]) => !path);
if (missing.length) {
	console.error(`No current tarball for ${missing.map(([name]) => name).join(', ')}`);
	process.exit(1);
}
if (process.argv.includes('--json')) console.log(JSON.stringify(tarballs));
else for (const [name, path] of Object.entries(tarballs)) console.log(`${name}: ${path}`);
