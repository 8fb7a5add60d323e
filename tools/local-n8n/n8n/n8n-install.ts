/*
 * A real n8n of one version, installed as a user would install it: `npm ci` of its committed
 * manifest and lockfile (tools/local-n8n/n8n/n8n-versions/<version>/) on the Node.js it supports, whose
 * headers let sqlite3 compile. Kept in the cache outside the clone, keyed by the hash of the
 * manifest and lockfile, so a changed manifest gets a fresh install and an unchanged one is reused.
 */
import { createHash } from 'node:crypto';
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';

import { withInstallLock } from '../system/install-lock';
import { manifestDir, selectedN8nVersion, type N8nVersion } from './n8n-versions';
import { ensureNodeRuntime, type NodeRuntime } from './node-runtime';
import { E2E_CACHE } from '../paths';
import { npmCommand, runCommand, tail } from '../system/run-command';

const MANIFEST_FILES = ['package.json', 'package-lock.json'];
const MARKER = '.installed';

export interface N8nInstall {
	node: NodeRuntime;
	dir: string;
	/** The n8n CLI script; run it with node.bin. */
	cli: string;
	version: string;
	major: number;
}

export function manifestHash(version: N8nVersion): string {
	const hash = createHash('sha256');
	for (const file of MANIFEST_FILES) hash.update(readFileSync(join(manifestDir(version), file)));
	return hash.digest('hex');
}

/** Where a version's install lives: one folder per manifest hash. */
export function installDir(version: N8nVersion): string {
	return join(E2E_CACHE, `n8n-${version.version}-${manifestHash(version).slice(0, 16)}`);
}

export async function ensureN8n(
	version: N8nVersion = selectedN8nVersion(),
	progress: (line: string) => void = () => {},
): Promise<N8nInstall> {
	const node = await ensureNodeRuntime(version.node, progress);
	const dir = installDir(version);
	const install: N8nInstall = {
		node,
		dir,
		cli: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		version: version.version,
		major: Number(version.version.split('.')[0]),
	};
	const complete = () => existsSync(join(dir, MARKER)) && existsSync(install.cli);
	if (complete()) return install;

	mkdirSync(E2E_CACHE, { recursive: true });
	return await withInstallLock(dir, async () => {
		if (complete()) return install;
		removeOtherInstalls(version, dir);
		rmSync(dir, { recursive: true, force: true });
		mkdirSync(dir, { recursive: true });
		for (const file of MANIFEST_FILES)
			copyFileSync(join(manifestDir(version), file), join(dir, file));
		const logFile = `${dir}.install.log`;
		rmSync(logFile, { force: true });
		progress(
			`Installing n8n ${version.version} on Node ${node.version} into ${dir} (npm ci, a few minutes; log: ${logFile}) ...`,
		);
		const started = Date.now();
		const ticker = setInterval(
			() => progress(`  ... still installing n8n ${version.version} (${elapsed(started)})`),
			60_000,
		);
		try {
			const env = {
				...process.env,
				PATH: [join(node.dir, 'bin'), process.env.PATH].join(delimiter),
				// node-gyp builds sqlite3 against these headers instead of downloading them.
				npm_config_nodedir: node.dir,
			};
			const [command, args] = npmCommand(
				['ci', '--legacy-peer-deps', '--no-audit', '--no-fund'],
				node.bin,
			);
			const result = await runCommand(command, args, {
				cwd: dir,
				env,
				logFile,
				allowFailure: true,
			});
			if (result.code !== 0) {
				throw new Error(
					`n8n ${version.version} install failed (exit ${result.code}):\n${tail(readFileSync(logFile, 'utf8'), 30)}`,
				);
			}
		} finally {
			clearInterval(ticker);
		}
		if (!existsSync(install.cli))
			throw new Error(`n8n install finished but ${install.cli} is missing (log: ${logFile})`);
		writeFileSync(join(dir, MARKER), `${new Date().toISOString()} in ${elapsed(started)}\n`);
		progress(`n8n ${version.version} installed in ${elapsed(started)}.`);
		return install;
	});
}

/** Installs of the same version from an older manifest: nothing uses them any more. */
function removeOtherInstalls(version: N8nVersion, keep: string): void {
	const prefix = `n8n-${version.version}-`;
	for (const entry of readdirSync(E2E_CACHE)) {
		const path = join(E2E_CACHE, entry);
		if (
			!entry.startsWith(prefix) ||
			path === keep ||
			entry.endsWith('.lock') ||
			existsSync(`${path}.lock`)
		)
			continue;
		rmSync(path, { recursive: true, force: true });
	}
}

export function elapsed(since: number): string {
	const seconds = Math.round((Date.now() - since) / 1000);
	return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
