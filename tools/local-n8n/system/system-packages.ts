/*
 * Debian packages a suite needs on the machine (GraphicsMagick for n8n's Edit Image node,
 * Redis and PostgreSQL for queue mode, Chromium for the demo page): installed with apt-get when
 * missing, once per machine. Needs root (CI and this project's machines run as root).
 */
import { spawnSync } from 'node:child_process';

import { runCommand } from './run-command';

/** Whether a Debian package is installed. */
export function hasDebianPackage(name: string): boolean {
	const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
	return result.status === 0 && result.stdout.includes('install ok installed');
}

let updated = false;

/** Installs the packages that are missing; a no-op when all are there. */
export async function ensureDebianPackages(
	names: string[],
	progress: (line: string) => void = () => {},
): Promise<void> {
	const missing = names.filter((name) => !hasDebianPackage(name));
	if (!missing.length) return;
	if (process.getuid?.() !== 0) {
		throw new Error(
			`Missing Debian packages: ${missing.join(' ')}. Install them (sudo apt-get install -y ${missing.join(' ')}) and run again.`,
		);
	}
	progress(`Installing Debian packages: ${missing.join(' ')} ...`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	// Another suite or clone on the machine may be installing at the same moment: wait for its lock.
	const waitForLock = ['-o', 'DPkg::Lock::Timeout=600'];
	if (!updated) {
		await runCommand('apt-get', [...waitForLock, 'update', '-qq'], { env });
		updated = true;
	}
	await runCommand(
		'apt-get',
		[...waitForLock, 'install', '-y', '-qq', '--no-install-recommends', ...missing],
		{ env },
	);
	const stillMissing = missing.filter((name) => !hasDebianPackage(name));
	if (stillMissing.length) throw new Error(`apt-get did not install: ${stillMissing.join(' ')}`);
}

/**
 * GraphicsMagick, which n8n's Edit Image node runs as `gm` (n8n's Docker image ships it): used
 * when it is on PATH already (any OS), else installed from Debian.
 */
export async function ensureGraphicsMagick(
	progress: (line: string) => void = () => {},
): Promise<void> {
	if (spawnSync('gm', ['version'], { stdio: 'ignore' }).status === 0) return;
	await ensureDebianPackages(['graphicsmagick'], progress);
}
