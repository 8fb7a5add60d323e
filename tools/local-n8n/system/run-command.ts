/* Runs a command to completion, capturing (or streaming to a log file) its output. */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Append stdout and stderr here instead of keeping them in memory. */
	logFile?: string;
	/** Resolve even when the command exits non-zero. */
	allowFailure?: boolean;
	/** Pass stdout and stderr through to this process's own (a child test run) instead of keeping them. */
	stream?: boolean;
	/** Run as this user (the tooling runs as root; PostgreSQL's tools refuse to). */
	user?: { uid: number; gid: number };
}

export interface RunResult {
	code: number;
	stdout: string;
	stderr: string;
}

export async function runCommand(
	command: string,
	args: string[],
	options: RunOptions = {},
): Promise<RunResult> {
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env ?? process.env,
		uid: options.user?.uid,
		gid: options.user?.gid,
		stdio: options.stream ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
	});
	const stdout: Buffer[] = [];
	const stderr: Buffer[] = [];
	const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
	child.stdout?.on('data', (chunk: Buffer) => (log ? log.write(chunk) : stdout.push(chunk)));
	child.stderr?.on('data', (chunk: Buffer) => (log ? log.write(chunk) : stderr.push(chunk)));
	const code = await new Promise<number>((resolve, reject) => {
		child.once('error', reject);
		child.once('close', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
	});
	if (log) await new Promise<void>((resolve) => log.end(() => resolve()));
	const result = {
		code,
		stdout: Buffer.concat(stdout).toString('utf8'),
		stderr: Buffer.concat(stderr).toString('utf8'),
	};
	if (code !== 0 && !options.allowFailure) {
		const where = options.logFile
			? ` (log: ${options.logFile})`
			: `\n${tail(result.stderr || result.stdout, 40)}`;
		throw new Error(`${command} ${args.join(' ')} exited with ${code}${where}`);
	}
	return result;
}

/** The last `lines` lines of a text. */
export function tail(text: string, lines: number): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** The npm running this script (npm_execpath) on the given Node, else npm from PATH. */
export function npmCommand(args: string[], nodeBin = process.execPath): [string, string[]] {
	const npmCli = process.env.npm_execpath;
	if (npmCli && /npm-cli\.js$/.test(npmCli)) return [nodeBin, [npmCli, ...args]];
	return [process.platform === 'win32' ? 'npm.cmd' : 'npm', args];
}
