/* `n8n start` of an instance on a loopback port: for webhooks, Wait nodes and the editor. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';

import { eventually } from '../support/wait';
import { freePort, type N8nInstance } from './n8n-instance';

export interface StartOptions {
	/** Default: a free port. */
	port?: number;
	/** Also print n8n's output here (the editor); it always goes to <userFolder>/n8n-start.log. */
	echo?: NodeJS.WritableStream;
	env?: Record<string, string>;
	readyTimeoutMs?: number;
}

export interface RunningN8n {
	url: string;
	port: number;
	logFile: string;
	stop(): Promise<void>;
	/** Resolves when n8n exits by itself or is stopped. */
	exited: Promise<number>;
}

/** The line n8n prints once its server listens and active workflows (webhooks) are registered. */
const READY_LINE = /Editor is now accessible via/;

export async function startN8n(instance: N8nInstance, options: StartOptions = {}): Promise<RunningN8n> {
	const port = options.port ?? (await freePort());
	const url = `http://127.0.0.1:${port}`;
	const env = await instance.env({
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `${url}/`,
		N8N_EDITOR_BASE_URL: `${url}/`,
		// Plain http on loopback: without this the editor refuses to log in outside "localhost".
		N8N_SECURE_COOKIE: 'false',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		...options.env,
	});
	const logFile = join(instance.userFolder, 'n8n-start.log');
	const log = createWriteStream(logFile, { flags: 'a' });
	// Own process group: stop() also ends the task runner n8n starts.
	const child = spawn(instance.install.node.bin, [instance.install.cli, 'start'], {
		cwd: instance.userFolder,
		env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
	let output = '';
	const ready = new Promise<void>((resolve, reject) => {
		const onData = (chunk: Buffer): void => {
			log.write(chunk);
			options.echo?.write(chunk);
			if (output.length < 200_000) output += chunk.toString('utf8');
			if (READY_LINE.test(output)) resolve();
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
		void exited.then((code) => reject(new Error(`n8n start exited with ${code} before it was ready (log: ${logFile})\n${output.slice(-3000)}`)));
		const timeout = options.readyTimeoutMs ?? 120_000;
		setTimeout(() => reject(new Error(`n8n start was not ready after ${timeout / 1000} s (log: ${logFile})`)), timeout).unref();
	});
	const stop = async (): Promise<void> => {
		await stopProcessGroup(child, exited);
		log.end();
	};
	try {
		await ready;
	} catch (error) {
		await stop();
		throw error;
	}
	return { url, port, logFile, stop, exited };
}

/**
 * Waits until n8n serves these production webhook paths. n8n 2.41 activates published workflows
 * after it reports ready. A CORS preflight (OPTIONS with an Origin) asks n8n which methods a
 * path has without running anything: 204 once the path is registered, 404 before.
 */
export async function waitForWebhooks(server: RunningN8n, paths: string[], timeoutMs = 60_000): Promise<void> {
	const registered = async (path: string): Promise<boolean> => {
		const response = await request(`${server.url}/webhook/${path}`, {
			method: 'OPTIONS',
			headers: { origin: server.url, 'access-control-request-method': 'POST' },
		});
		await response.body.dump();
		return response.statusCode === 204;
	};
	for (const path of paths) {
		await eventually(async () => ((await registered(path)) ? true : undefined), `n8n to register the webhook ${path}`, timeoutMs, 250);
	}
}

async function stopProcessGroup(child: ChildProcess, exited: Promise<number>): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
	const signalGroup = (signal: NodeJS.Signals): void => {
		try {
			process.kill(-child.pid!, signal);
		} catch {
			// Already gone.
		}
	};
	// n8n stops its task runner on SIGTERM; the group gets SIGKILL only if it hangs, or for leftovers.
	child.kill('SIGTERM');
	const timer = setTimeout(() => signalGroup('SIGKILL'), 15_000);
	await exited;
	clearTimeout(timer);
	// The task runner may outlive n8n by a moment.
	signalGroup('SIGKILL');
}
