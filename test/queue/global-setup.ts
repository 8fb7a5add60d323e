/* Jest global setup of the queue-mode suite: Redis and PostgreSQL from Debian, the n8n under test, and the packed package. */
import { ensureN8n } from '../../tools/local-n8n/n8n/n8n-install';
import { selectedN8nVersion } from '../../tools/local-n8n/n8n/n8n-versions';
import { buildAndPack } from '../../tools/local-n8n/n8n/package-install';
import { ensureDebianPackages } from '../../tools/local-n8n/system/system-packages';

export default async function globalSetup(): Promise<void> {
	const progress = (line: string): void => console.log(`[queue] ${line}`);
	const version = selectedN8nVersion();
	console.log(
		`\n[queue] n8n ${version.version} (${version.label}) on Node ${version.node}, in queue mode`,
	);
	await ensureDebianPackages(['redis-server', 'postgresql'], progress);
	await ensureN8n(version, progress);
	process.env.QUEUE_PACKAGE_TARBALL = await buildAndPack('queue', progress);
}
