/* Jest global setup of the queue-mode suite: Redis and PostgreSQL from Debian, the n8n under test, and the packed package. */
import { ensureN8n } from '../e2e/n8n-install';
import { selectedN8nVersion } from '../e2e/n8n-versions';
import { buildAndPack } from '../e2e/package-install';
import { ensureDebianPackages } from '../e2e/system-packages';

export default async function globalSetup(): Promise<void> {
	const progress = (line: string): void => console.log(`[queue] ${line}`);
	const version = selectedN8nVersion();
	console.log(`\n[queue] n8n ${version.version} (${version.label}) on Node ${version.node}, in queue mode`);
	await ensureDebianPackages(['redis-server', 'postgresql'], progress);
	await ensureN8n(version, progress);
	process.env.QUEUE_PACKAGE_TARBALL = await buildAndPack('queue', progress);
}
