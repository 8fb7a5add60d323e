/*
 * n8n in queue mode as production runs it, on loopback: PostgreSQL and Redis, a main process
 * (`n8n start`), workers (`n8n worker`) and a webhook processor (`n8n webhook`), each with its
 * own user folder and this package installed there from its tarball, as users install it.
 * WEBHOOK_URL is the webhook processor on every process, so resume URLs built on a worker point
 * where a vendor can call. Binary data lives in the database, which every process shares.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { N8nInstall } from '../n8n/n8n-install';
import { N8nInstance, freePort, type CredentialJson, type WorkflowJson } from '../n8n/n8n-instance';
import { startN8n, waitForWebhooks, type RunningN8n } from '../n8n/n8n-server';
import { installPackage } from '../n8n/package-install';
import { E2E_HOME } from '../paths';
import { startPostgres, type PostgresServer } from './postgres-server';
import { startRedis, type RedisServer } from './redis-server';

export interface QueueClusterOptions {
	install: N8nInstall;
	/** This package, packed. */
	tarball: string;
	workers: number;
	/** Executions each worker runs at once (`n8n worker --concurrency`). */
	workerConcurrency: number;
	credentials: CredentialJson[];
	workflows: WorkflowJson[];
	/** Workflows to activate (their webhooks are then served by main and the webhook processor). */
	activate: string[];
	/** Production webhook paths of those workflows, waited for on main and the webhook processor. */
	webhookPaths: string[];
	/** More environment for every n8n process (N8N_LOG_LEVEL=debug, say). */
	env?: Record<string, string>;
	progress?: (line: string) => void;
}

export type NamedN8n = RunningN8n & { name: string };

export interface QueueCluster {
	main: RunningN8n;
	/** The webhook processor: WEBHOOK_URL points here. */
	webhook: RunningN8n;
	workers: NamedN8n[];
	postgres: PostgresServer;
	/** Stops every process the cluster started; safe to call twice. */
	stop(): Promise<void>;
}

interface Stoppable {
	stop(): Promise<void>;
}

/** The variable each worker gets its name in, readable as `$env` in workflows of this suite. */
export const WORKER_NAME_VARIABLE = 'SEGMENTATION_QUEUE_WORKER';

export async function startQueueCluster(options: QueueClusterOptions): Promise<QueueCluster> {
	const progress = options.progress ?? (() => {});
	const started: Stoppable[] = [];
	let stopped = false;
	const stop = async (): Promise<void> => {
		if (stopped) return;
		stopped = true;
		// n8n first, then what it uses.
		for (const service of started.reverse()) await service.stop().catch(() => undefined);
	};
	try {
		const logDir = join(E2E_HOME, 'queue', 'logs');
		mkdirSync(logDir, { recursive: true });
		const [postgres, redis] = (await whenAllUp<PostgresServer | RedisServer>(
			[startPostgres(logDir, progress), startRedis(logDir, progress)],
			started,
		)) as [PostgresServer, RedisServer];
		const [mainPort, webhookPort] = [await freePort(), await freePort()];
		const shared = {
			...sharedEnv(postgres, redis, `http://127.0.0.1:${webhookPort}/`),
			...options.env,
		};
		const instance = async (role: string): Promise<N8nInstance> => {
			const n8n = N8nInstance.create(
				options.install,
				join(E2E_HOME, 'queue', `${role}-n8n-${options.install.version}`),
				{ fresh: true, env: shared },
			);
			await installPackage(n8n.userFolder, options.tarball);
			return n8n;
		};
		const mainInstance = await instance('main');

		progress('Importing credentials and workflows into PostgreSQL ...');
		await mainInstance.importCredentials(options.credentials);
		await mainInstance.importWorkflows(options.workflows);
		for (const id of options.activate) await mainInstance.publishWorkflow(id);

		progress('Starting n8n main, the webhook processor and the workers ...');
		const main = await startN8n(mainInstance, { port: mainPort, env: shared });
		started.push(main);
		const webhookInstance = await instance('webhook');
		const workerInstances = await Promise.all(
			Array.from(
				{ length: options.workers },
				async (_, index) => await instance(`worker-${index + 1}`),
			),
		);
		const webhook = async (): Promise<NamedN8n> => ({
			...(await startN8n(webhookInstance, { command: 'webhook', port: webhookPort, env: shared })),
			name: 'webhook',
		});
		const worker = async (instance: N8nInstance, name: string): Promise<NamedN8n> => {
			const env = { ...shared, [WORKER_NAME_VARIABLE]: name };
			return {
				...(await startN8n(instance, {
					command: 'worker',
					args: [`--concurrency=${options.workerConcurrency}`],
					env,
				})),
				name,
			};
		};
		const [webhookProcessor, ...runningWorkers] = await whenAllUp(
			[
				webhook(),
				...workerInstances.map(
					async (instance, index) => await worker(instance, `worker-${index + 1}`),
				),
			],
			started,
		);

		// n8n 2.41 registers webhooks after it reports ready; the webhook processor reads them from the database.
		await waitForWebhooks(main, options.webhookPaths);
		await waitForWebhooks(webhookProcessor, options.webhookPaths);
		progress(
			`Queue mode is up: main ${main.url}, webhook processor ${webhookProcessor.url}, ${runningWorkers.length} workers.`,
		);
		return { main, webhook: webhookProcessor, workers: runningWorkers, postgres, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

/** Waits for services started together; those that came up are kept for stopping even when another failed. */
async function whenAllUp<T extends Stoppable>(
	starting: Array<Promise<T>>,
	started: Stoppable[],
): Promise<T[]> {
	const results = await Promise.allSettled(starting);
	const up = results
		.filter((result): result is PromiseFulfilledResult<Awaited<T>> => result.status === 'fulfilled')
		.map((result) => result.value);
	started.push(...up);
	const failed = results.find(
		(result): result is PromiseRejectedResult => result.status === 'rejected',
	);
	if (failed) throw failed.reason;
	return up;
}

function sharedEnv(
	postgres: PostgresServer,
	redis: RedisServer,
	webhookUrl: string,
): Record<string, string> {
	return {
		...postgres.n8nEnv,
		...redis.n8nEnv,
		EXECUTIONS_MODE: 'queue',
		// Every process reads and writes the binary data of executions it did not start.
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		// Resume URLs are built where the node runs: on a worker.
		WEBHOOK_URL: webhookUrl,
		// Lets workflows of this suite read the worker's name ($env), to see where executions ran.
		N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
	};
}
