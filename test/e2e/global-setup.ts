/* Jest global setup of the end-to-end suite: the n8n version under test (installed on first use), GraphicsMagick for its Edit Image node, and the packed package. */
import { ensureN8n } from '../../tools/local-n8n/n8n/n8n-install';
import { selectedN8nVersion } from '../../tools/local-n8n/n8n/n8n-versions';
import { buildAndPack } from '../../tools/local-n8n/n8n/package-install';
import { ensureGraphicsMagick } from '../../tools/local-n8n/system/system-packages';

export default async function globalSetup(): Promise<void> {
	const progress = (line: string): void => console.log(`[e2e] ${line}`);
	const version = selectedN8nVersion();
	console.log(`\n[e2e] n8n ${version.version} (${version.label}) on Node ${version.node}`);
	await ensureGraphicsMagick(progress);
	await ensureN8n(version, progress);
	process.env.E2E_PACKAGE_TARBALL = await buildAndPack('e2e', progress);
}
