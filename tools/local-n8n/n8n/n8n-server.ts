/*
 * A running n8n of an instance: `n8n start` on a loopback port (webhooks, Wait nodes, the
 * editor), and for queue mode `n8n webhook` (a webhook processor, also on a port) and
 * `n8n worker`.
 */
import { join } from 'node:path';
import { request } from 'undici';

import { eventually } from '../system/wait';
import { freePort, type N8nInstance } from './n8n-instance';
import { startService } from '../system/service-process';

export type N8nCommand = 'start' | 'webhook' | 'worker';

export interface StartOptions {
	/** Default `start`. */
	command?: N8nCommand;
	/** More command-line arguments, e.g. `--concurrency=10` for a worker. */
	args?: string[];
	/** Default: a free port. */
	port?: number;
	/** Also print n8n's output here (the editor); it always goes to <userFolder>/n8n-<command>.log. */
	echo?: NodeJS.WritableStream;
	env?: Record<string, string>;
	readyTimeoutMs?: number;
}

export interface RunningN8n {
	/** Where it listens (a worker listens nowhere; its URL is unused). */
	url: string;
	port: number;
	/** The n8n process (its memory is read from /proc/<pid>). */
	pid: number;
	logFile: string;
	stop(): Promise<void>;
	/** Resolves when n8n exits by itself or is stopped. */
	exited: Promise<number>;
}

/** What each command prints once it serves (`start`: once its server listens and active workflows are registered). */
const READY_LINES: Record<N8nCommand, RegExp> = {
	start: /Editor is now accessible via/,
	webhook: /Webhook listener waiting for requests/,
	worker: /n8n worker is now ready/,
};

export async function startN8n(
	instance: N8nInstance,
	options: StartOptions = {},
): Promise<RunningN8n> {
	const command = options.command ?? 'start';
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
	const service = await startService({
		name: `n8n ${command}`,
		command: instance.install.node.bin,
		args: [instance.install.cli, command, ...(options.args ?? [])],
		cwd: instance.userFolder,
		env,
		logFile: join(instance.userFolder, `n8n-${command}.log`),
		echo: options.echo,
		ready: READY_LINES[command],
		readyTimeoutMs: options.readyTimeoutMs,
	});
	return {
		url,
		port,
		pid: service.pid,
		logFile: service.logFile,
		stop: service.stop,
		exited: service.exited,
	};
}

/**
 * Waits until n8n serves these production webhook paths. n8n 2.41 activates published workflows
 * after it reports ready. A CORS preflight (OPTIONS with an Origin) asks n8n which methods a
 * path has without running anything: 204 once the path is registered, 404 before.
 */
export async function waitForWebhooks(
	server: RunningN8n,
	paths: string[],
	timeoutMs = 60_000,
): Promise<void> {
	const registered = async (path: string): Promise<boolean> => {
		const response = await request(`${server.url}/webhook/${path}`, {
			method: 'OPTIONS',
			headers: { origin: server.url, 'access-control-request-method': 'POST' },
		});
		await response.body.dump();
		return response.statusCode === 204;
	};
	for (const path of paths) {
		await eventually(
			async () => ((await registered(path)) ? true : undefined),
			`n8n to register the webhook ${path}`,
			timeoutMs,
			250,
		);
	}
}
