/*
 * One isolated real n8n: its own user folder (database, encryption key, installed packages,
 * binary storage), a quiet environment, and the CLI commands the suite, demo and editor use.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

import { parseExecuteOutput, type ExecutionRun } from './execution';
import type { N8nInstall } from './n8n-install';
import { runCommand, tail, type RunResult } from '../system/run-command';

export interface CredentialJson {
	id: string;
	name: string;
	type: string;
	data: Record<string, string>;
}

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: Array<{
		name: string;
		type: string;
		parameters: Record<string, unknown>;
		[key: string]: unknown;
	}>;
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

/** Variables of the caller's environment that would reconfigure or redirect n8n. */
const INHERITED_CONFIG =
	/^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$|GENERIC_TIMEZONE$|NODE_ENV$|NODE_OPTIONS$|JEST_)/;

export class N8nInstance {
	constructor(
		readonly install: N8nInstall,
		readonly userFolder: string,
		private readonly extraEnv: Record<string, string> = {},
	) {}

	/** A new instance; `fresh` empties its user folder first. */
	static create(
		install: N8nInstall,
		userFolder: string,
		options: { fresh?: boolean; env?: Record<string, string> } = {},
	): N8nInstance {
		if (options.fresh) rmSync(userFolder, { recursive: true, force: true });
		mkdirSync(userFolder, { recursive: true });
		return new N8nInstance(install, userFolder, options.env);
	}

	async env(extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
		const env: NodeJS.ProcessEnv = {};
		for (const [key, value] of Object.entries(process.env))
			if (!INHERITED_CONFIG.test(key)) env[key] = value;
		return {
			...env,
			// n8n starts its task runner with the `node` on PATH: make that the pinned Node too.
			PATH: [join(this.install.node.dir, 'bin'), process.env.PATH].join(delimiter),
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: 'n8n-nodes-segmentation-local-only-key',
			DB_TYPE: 'sqlite',
			// SQLite with a pool and WAL, as n8n 2.x has by default (1.x: legacy single connection), so
			// the suite can read executions while n8n writes.
			DB_SQLITE_POOL_SIZE: '3',
			N8N_LOG_LEVEL: 'info',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
			// The fakes and the sample shop listen on loopback.
			N8N_SSRF_PROTECTION_ENABLED: 'false',
			// Code-node task runners: a free broker port, so instances can run side by side.
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			...this.extraEnv,
			...extra,
		};
	}

	async cli(
		args: string[],
		options: { allowFailure?: boolean; env?: Record<string, string> } = {},
	): Promise<RunResult> {
		return await runCommand(this.install.node.bin, [this.install.cli, ...args], {
			cwd: this.userFolder,
			env: await this.env(options.env),
			allowFailure: options.allowFailure,
		});
	}

	/** Imports (or overwrites, by id) credentials given with plain data; n8n encrypts them. */
	async importCredentials(credentials: CredentialJson[]): Promise<void> {
		const file = join(this.importDir(), 'credentials.json');
		writeFileSync(file, JSON.stringify(credentials, null, 2));
		await this.cli(['import:credentials', `--input=${file}`]);
	}

	/** Imports (or overwrites, by id) workflows in one run of n8n; imported workflows are inactive. */
	async importWorkflows(workflows: WorkflowJson[]): Promise<void> {
		const dir = join(this.importDir(), 'workflows');
		rmSync(dir, { recursive: true, force: true });
		mkdirSync(dir, { recursive: true });
		for (const workflow of workflows)
			writeFileSync(join(dir, `${workflow.id}.json`), JSON.stringify(workflow, null, 2));
		await this.cli(['import:workflow', '--separate', `--input=${dir}`]);
	}

	/** Activates a workflow (n8n 2.x publishes its current version; 1.x sets it active); takes effect at the next `n8n start`. */
	async publishWorkflow(id: string): Promise<void> {
		await this.cli(
			this.install.major >= 2
				? ['publish:workflow', `--id=${id}`]
				: ['update:workflow', `--id=${id}`, '--active=true'],
		);
	}

	/** Runs a workflow from its Manual Trigger and returns the run; throws when none was printed. */
	async execute(id: string): Promise<ExecutionRun> {
		const result = await this.cli(['execute', `--id=${id}`, '--rawOutput'], { allowFailure: true });
		const run = parseExecuteOutput(result.stdout);
		if (!run) {
			throw new Error(
				`n8n execute --id=${id} printed no run (exit ${result.code}):\n${tail(result.stdout + result.stderr, 40)}`,
			);
		}
		return run;
	}

	private importDir(): string {
		const dir = join(this.userFolder, 'import');
		mkdirSync(dir, { recursive: true });
		return dir;
	}
}

/** A TCP port that was free on loopback a moment ago. */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}
