/*
 * A PostgreSQL server the queue suite owns: Debian's binaries, a throwaway cluster in a temp
 * folder, run as the `postgres` user (initdb and the server refuse root) on a free loopback port,
 * with one database for n8n. Durability is off: the data lives only as long as the suite.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../n8n/n8n-instance';
import { runCommand } from '../system/run-command';
import { startService } from '../system/service-process';

const DEBIAN_POSTGRESQL = '/usr/lib/postgresql';
const DATABASE = 'n8n';
const SUPERUSER = 'postgres';

export interface PostgresServer {
	port: number;
	/** What n8n needs to use this database (DB_* variables). */
	n8nEnv: Record<string, string>;
	/** Runs SQL and returns what psql prints (unaligned, tuples only). */
	query(sql: string): Promise<string>;
	stop(): Promise<void>;
}

export async function startPostgres(
	logDir: string,
	progress: (line: string) => void = () => {},
): Promise<PostgresServer> {
	const bin = postgresBinDir();
	const user = systemUser(SUPERUSER);
	const dir = mkdtempSync(join(tmpdir(), 'n8n-queue-postgres-'));
	chownSync(dir, user.uid, user.gid);
	const data = join(dir, 'data');
	const env = { ...process.env, LC_ALL: 'C', HOME: dir };
	const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
	try {
		progress(`Creating a PostgreSQL cluster in ${data} ...`);
		await runCommand(
			join(bin, 'initdb'),
			['-D', data, '-U', SUPERUSER, '-A', 'trust', '-E', 'UTF8', '--no-sync'],
			{ env, user, cwd: dir },
		);
		const port = await freePort();
		const server = await startService({
			name: 'PostgreSQL',
			command: join(bin, 'postgres'),
			args: [
				'-D',
				data,
				'-p',
				String(port),
				'-k',
				dir,
				'-c',
				'listen_addresses=127.0.0.1',
				'-c',
				'fsync=off',
				'-c',
				'synchronous_commit=off',
				'-c',
				'full_page_writes=off',
			],
			cwd: dir,
			env,
			user,
			logFile: join(logDir, 'postgres.log'),
			ready: /database system is ready to accept connections/,
			// SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to disconnect.
			stopSignal: 'SIGINT',
		});
		const psql = async (database: string, sql: string): Promise<string> =>
			(
				await runCommand(
					join(bin, 'psql'),
					[
						'-h',
						'127.0.0.1',
						'-p',
						String(port),
						'-U',
						SUPERUSER,
						'-d',
						database,
						'-v',
						'ON_ERROR_STOP=1',
						'-Atq',
						'-c',
						sql,
					],
					{ env },
				)
			).stdout;
		try {
			await psql('postgres', `CREATE DATABASE ${DATABASE}`);
		} catch (error) {
			await server.stop();
			throw error;
		}
		progress(`PostgreSQL listens on 127.0.0.1:${port}.`);
		return {
			port,
			n8nEnv: {
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: '127.0.0.1',
				DB_POSTGRESDB_PORT: String(port),
				DB_POSTGRESDB_DATABASE: DATABASE,
				DB_POSTGRESDB_USER: SUPERUSER,
				DB_POSTGRESDB_PASSWORD: '',
			},
			query: async (sql) => await psql(DATABASE, sql),
			stop: async () => {
				await server.stop();
				removeDir();
			},
		};
	} catch (error) {
		removeDir();
		throw error;
	}
}

/** The newest PostgreSQL Debian installed (its binaries are not on PATH). */
function postgresBinDir(): string {
	const versions = existsSync(DEBIAN_POSTGRESQL)
		? readdirSync(DEBIAN_POSTGRESQL).filter((name) => /^\d+$/.test(name))
		: [];
	const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
	if (!newest)
		throw new Error(
			`No PostgreSQL under ${DEBIAN_POSTGRESQL}: install the Debian package postgresql`,
		);
	return join(DEBIAN_POSTGRESQL, newest, 'bin');
}

function systemUser(name: string): { uid: number; gid: number } {
	const id = (flag: string): number => {
		const result = spawnSync('id', [flag, name], { encoding: 'utf8' });
		if (result.status !== 0)
			throw new Error(`No system user ${name} (the Debian package postgresql creates it)`);
		return Number(result.stdout.trim());
	};
	return { uid: id('-u'), gid: id('-g') };
}
