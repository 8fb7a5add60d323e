/*
 * The pinned real n8n in .n8n-e2e/n8n/, installed from the committed manifest and lockfile in
 * test/e2e/n8n-install/ with `npm install --legacy-peer-deps` on the pinned Node (its headers
 * let sqlite3 compile). Reused while the marker holds the manifest's hash.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

import { ensureNodeRuntime, type NodeRuntime } from './node-runtime';
import { E2E_HOME, N8N_MANIFEST_DIR } from './paths';
import { npmCommand, runCommand, tail } from './run-command';

const MANIFEST_FILES = ['package.json', 'package-lock.json'];

export interface N8nInstall {
	node: NodeRuntime;
	dir: string;
	/** The n8n CLI script; run it with node.bin. */
	cli: string;
	version: string;
}

export function manifestHash(): string {
	const hash = createHash('sha256');
	for (const file of MANIFEST_FILES) hash.update(readFileSync(join(N8N_MANIFEST_DIR, file)));
	return hash.digest('hex');
}

export async function ensureN8n(progress: (line: string) => void = () => {}): Promise<N8nInstall> {
	const node = await ensureNodeRuntime(progress);
	const dir = join(E2E_HOME, 'n8n');
	const marker = join(dir, '.installed-manifest-sha256');
	const hash = manifestHash();
	const install = { node, dir, cli: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), version: pinnedVersion() };
	if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === hash && existsSync(install.cli)) return install;

	mkdirSync(dir, { recursive: true });
	for (const file of MANIFEST_FILES) {
		const target = join(dir, file);
		if (existsSync(target)) chmodSync(target, 0o644);
		copyFileSync(join(N8N_MANIFEST_DIR, file), target);
	}
	const logFile = join(E2E_HOME, 'n8n-install.log');
	progress(
		existsSync(join(dir, 'node_modules'))
			? `Updating n8n in ${dir} to the changed manifest (log: ${logFile}) ...`
			: `Installing n8n ${install.version} into ${dir} (first time only: ~2,200 packages, a few minutes; log: ${logFile}) ...`,
	);
	const started = Date.now();
	const ticker = setInterval(() => progress(`  ... still installing n8n (${elapsed(started)})`), 30_000);
	try {
		const env = {
			...process.env,
			PATH: [join(node.dir, 'bin'), process.env.PATH].join(delimiter),
			// node-gyp builds sqlite3 against these headers instead of downloading them.
			npm_config_nodedir: node.dir,
		};
		const [command, args] = npmCommand(['install', '--legacy-peer-deps', '--no-audit', '--no-fund'], node.bin);
		const result = await runCommand(command, args, { cwd: dir, env, logFile, allowFailure: true });
		if (result.code !== 0) throw new Error(`n8n install failed (exit ${result.code}):\n${tail(readFileSync(logFile, 'utf8'), 30)}`);
	} finally {
		clearInterval(ticker);
	}
	if (!existsSync(install.cli)) throw new Error(`n8n install finished but ${install.cli} is missing (log: ${logFile})`);
	if (!readFileSync(join(dir, 'package-lock.json')).equals(readFileSync(join(N8N_MANIFEST_DIR, 'package-lock.json')))) {
		progress(`Note: npm changed the lockfile; to pin what was installed, copy ${join(dir, 'package-lock.json')} to ${N8N_MANIFEST_DIR}/.`);
	}
	writeFileSync(marker, `${hash}\n`);
	progress(`n8n ${install.version} installed in ${elapsed(started)}.`);
	return install;
}

function pinnedVersion(): string {
	const manifest = JSON.parse(readFileSync(join(N8N_MANIFEST_DIR, 'package.json'), 'utf8')) as { dependencies: { n8n: string } };
	return manifest.dependencies.n8n;
}

export function elapsed(since: number): string {
	const seconds = Math.round((Date.now() - since) / 1000);
	return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
