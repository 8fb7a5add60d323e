/*
 * A long-running process the tooling owns (n8n, Redis, PostgreSQL): started in its own process
 * group, ready once it prints its ready line, its output kept in a log file, and stopped with
 * everything it started. Groups still running when this process exits are killed, so a failed
 * or interrupted run leaves nothing behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface ServiceOptions {
	/** For messages: "n8n worker", "Redis", ... */
	name: string;
	command: string;
	args: string[];
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Run as this user (the tooling runs as root; PostgreSQL refuses to). */
	user?: { uid: number; gid: number };
	/** stdout and stderr are appended here. */
	logFile: string;
	/** Also copy the output here (the editor). */
	echo?: NodeJS.WritableStream;
	/** The line the process prints once it serves. */
	ready: RegExp;
	readyTimeoutMs?: number;
	/** How the process is asked to stop (default SIGTERM); SIGKILL follows after `stopTimeoutMs`. */
	stopSignal?: NodeJS.Signals;
	stopTimeoutMs?: number;
}

export interface ServiceProcess {
	pid: number;
	logFile: string;
	/** Resolves with the exit code when the process ends, by itself or stopped. */
	exited: Promise<number>;
	stop(): Promise<void>;
}

const runningGroups = new Set<number>();
process.once('exit', () => {
	for (const pid of runningGroups) signalGroup(pid, 'SIGKILL');
});

export async function startService(options: ServiceOptions): Promise<ServiceProcess> {
	const log = createWriteStream(options.logFile, { flags: 'a' });
	const child = spawn(options.command, options.args, {
		cwd: options.cwd,
		env: options.env ?? process.env,
		uid: options.user?.uid,
		gid: options.user?.gid,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	if (child.pid === undefined) {
		const error = await new Promise<Error>((resolve) => child.once('error', resolve));
		throw new Error(`Could not start ${options.name} (${options.command}): ${error.message}`);
	}
	const pid = child.pid;
	runningGroups.add(pid);
	const exited = new Promise<number>((resolve) =>
		child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))),
	);
	let output = '';
	const ready = new Promise<void>((resolve, reject) => {
		const onData = (chunk: Buffer): void => {
			log.write(chunk);
			options.echo?.write(chunk);
			if (output.length < 200_000) output += chunk.toString('utf8');
			if (options.ready.test(output)) resolve();
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
		void exited.then((code) =>
			reject(
				new Error(
					`${options.name} exited with ${code} before it was ready (log: ${options.logFile})\n${output.slice(-3000)}`,
				),
			),
		);
		const timeout = options.readyTimeoutMs ?? 120_000;
		setTimeout(
			() =>
				reject(
					new Error(
						`${options.name} was not ready after ${timeout / 1000} s (log: ${options.logFile})`,
					),
				),
			timeout,
		).unref();
	});
	const stop = async (): Promise<void> => {
		await stopGroup(
			child,
			exited,
			options.stopSignal ?? 'SIGTERM',
			options.stopTimeoutMs ?? 15_000,
		);
		log.end();
	};
	try {
		await ready;
	} catch (error) {
		await stop();
		throw error;
	}
	return { pid, logFile: options.logFile, exited, stop };
}

async function stopGroup(
	child: ChildProcess,
	exited: Promise<number>,
	signal: NodeJS.Signals,
	timeoutMs: number,
): Promise<void> {
	const pid = child.pid!;
	if (child.exitCode === null && child.signalCode === null) {
		child.kill(signal);
		const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), timeoutMs);
		await exited;
		clearTimeout(timer);
	}
	// Children of the process (n8n's task runner) may outlive it by a moment.
	signalGroup(pid, 'SIGKILL');
	runningGroups.delete(pid);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// Already gone.
	}
}
