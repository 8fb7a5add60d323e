/*
 * The Node.js that runs n8n and builds its native modules: a full Node (binary and C headers)
 * from the npm registry's `node-<platform>-<arch>` package, unpacked into .n8n-e2e/node<major>/.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { E2E_HOME } from './paths';
import { npmCommand, runCommand } from './run-command';

/** n8n 2.20 runs on Node 20+, later n8n on 24+: pin the Node the suite tests with. */
export const NODE_VERSION = '24.9.0';

export interface NodeRuntime {
	dir: string;
	bin: string;
	version: string;
}

export async function ensureNodeRuntime(progress: (line: string) => void = () => {}): Promise<NodeRuntime> {
	const dir = join(E2E_HOME, `node${NODE_VERSION.split('.')[0]}`);
	const bin = join(dir, 'bin', 'node');
	const runtime = { dir, bin, version: NODE_VERSION };
	if (existsSync(bin) && existsSync(join(dir, 'include', 'node', 'node.h'))) return runtime;

	if (process.platform === 'win32') throw new Error('The real-n8n tooling supports Linux and macOS only');
	const spec = `node-${process.platform}-${process.arch}@${NODE_VERSION}`;
	progress(`Fetching Node.js ${NODE_VERSION} with headers (npm package ${spec}) ...`);
	mkdirSync(E2E_HOME, { recursive: true });
	const [command, args] = npmCommand(['pack', spec, '--json', '--pack-destination', E2E_HOME]);
	const packed = await runCommand(command, args, { cwd: E2E_HOME });
	const [{ filename }] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
	const tarball = join(E2E_HOME, filename);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	await runCommand('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
	rmSync(tarball, { force: true });
	if (!existsSync(bin)) throw new Error(`${spec} has no bin/node`);
	return runtime;
}
