/*
 * The Node.js that runs an n8n version and builds its native modules: a full Node (binary and
 * C headers) from the npm registry's `node-<platform>-<arch>` package, unpacked into the cache.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { withInstallLock } from '../system/install-lock';
import { E2E_CACHE } from '../paths';
import { npmCommand, runCommand } from '../system/run-command';

export interface NodeRuntime {
	dir: string;
	bin: string;
	version: string;
}

export async function ensureNodeRuntime(
	version: string,
	progress: (line: string) => void = () => {},
): Promise<NodeRuntime> {
	const dir = join(E2E_CACHE, `node-${version}`);
	const runtime = { dir, bin: join(dir, 'bin', 'node'), version };
	const complete = () =>
		existsSync(runtime.bin) && existsSync(join(dir, 'include', 'node', 'node.h'));
	if (complete()) return runtime;

	if (process.platform === 'win32')
		throw new Error('The real-n8n tooling supports Linux and macOS only');
	mkdirSync(E2E_CACHE, { recursive: true });
	return await withInstallLock(dir, async () => {
		if (complete()) return runtime;
		const spec = `node-${process.platform}-${process.arch}@${version}`;
		progress(`Fetching Node.js ${version} with headers (npm package ${spec}) ...`);
		const staging = `${dir}.partial`;
		rmSync(staging, { recursive: true, force: true });
		mkdirSync(staging, { recursive: true });
		const [command, args] = npmCommand(['pack', spec, '--json', '--pack-destination', staging]);
		const packed = await runCommand(command, args, { cwd: staging });
		const [{ filename }] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
		const unpacked = join(staging, 'node');
		mkdirSync(unpacked);
		await runCommand('tar', [
			'-xzf',
			join(staging, filename),
			'-C',
			unpacked,
			'--strip-components=1',
		]);
		if (!existsSync(join(unpacked, 'bin', 'node'))) throw new Error(`${spec} has no bin/node`);
		rmSync(dir, { recursive: true, force: true });
		renameSync(unpacked, dir);
		rmSync(staging, { recursive: true, force: true });
		return runtime;
	});
}
