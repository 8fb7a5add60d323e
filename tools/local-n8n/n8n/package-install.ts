/*
 * This package as users get it: built, `npm pack`ed, and unpacked where n8n looks for
 * community packages ($N8N_USER_FOLDER/.n8n/nodes/node_modules/<name>/), so its node types are
 * `n8n-nodes-segmentation.<node>`.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { E2E_HOME, PACKAGE_NAME, REPO_DIR } from '../paths';
import { npmCommand, runCommand } from '../system/run-command';

/** Builds the package and packs it into .n8n-e2e/package/<slot>/ (one slot per user); returns the tarball's path. */
export async function buildAndPack(
	slot: string,
	progress: (line: string) => void = () => {},
): Promise<string> {
	progress('Building the package (npm run build) ...');
	const [build, buildArgs] = npmCommand(['run', 'build']);
	await runCommand(build, buildArgs, { cwd: REPO_DIR });
	const destination = join(E2E_HOME, 'package', slot);
	rmSync(destination, { recursive: true, force: true });
	mkdirSync(destination, { recursive: true });
	const [pack, packArgs] = npmCommand(['pack', '--json', '--pack-destination', destination]);
	const packed = await runCommand(pack, packArgs, { cwd: REPO_DIR });
	const [{ filename }] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
	progress(`Packed ${filename}.`);
	return join(destination, filename);
}

/** Unpacks the tarball as an installed community package of the n8n user folder. */
export async function installPackage(userFolder: string, tarball: string): Promise<string> {
	const target = join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	await runCommand('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
	return target;
}
