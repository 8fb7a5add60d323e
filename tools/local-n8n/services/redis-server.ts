/* A Redis server the queue suite owns: Debian's redis-server on a free loopback port, nothing saved to disk. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../n8n/n8n-instance';
import { startService } from '../system/service-process';

export interface RedisServer {
	port: number;
	/** What n8n needs to use this Redis for its queue (QUEUE_BULL_REDIS_* variables). */
	n8nEnv: Record<string, string>;
	stop(): Promise<void>;
}

export async function startRedis(
	logDir: string,
	progress: (line: string) => void = () => {},
): Promise<RedisServer> {
	const dir = mkdtempSync(join(tmpdir(), 'n8n-queue-redis-'));
	try {
		const port = await freePort();
		const server = await startService({
			name: 'Redis',
			command: 'redis-server',
			args: [
				'--port',
				String(port),
				'--bind',
				'127.0.0.1',
				'--save',
				'',
				'--appendonly',
				'no',
				'--dir',
				dir,
			],
			cwd: dir,
			logFile: join(logDir, 'redis.log'),
			ready: /Ready to accept connections/,
		});
		progress(`Redis listens on 127.0.0.1:${port}.`);
		return {
			port,
			n8nEnv: { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) },
			stop: async () => {
				await server.stop();
				rmSync(dir, { recursive: true, force: true });
			},
		};
	} catch (error) {
		rmSync(dir, { recursive: true, force: true });
		throw error;
	}
}
