/*
 * Jest global setup of the per-vendor package suite: the tarballs check:packages packed and passed
 * (checked again where the generated trees changed), the combined package packed, the newest n8n
 * of the matrix (installed on first use) and GraphicsMagick for the Edit Image examples.
 */
import { ensureN8n } from '../../tools/local-n8n/n8n/n8n-install';
import { N8N_VERSIONS } from '../../tools/local-n8n/n8n/n8n-versions';
import { buildAndPack } from '../../tools/local-n8n/n8n/package-install';
import { currentTarballs } from '../../tools/local-n8n/n8n/vendor-packages';
import { ensureGraphicsMagick } from '../../tools/local-n8n/system/system-packages';

export default async function globalSetup(): Promise<void> {
	const progress = (line: string): void => console.log(`[packages] ${line}`);
	const [version] = N8N_VERSIONS;
	console.log(`\n[packages] n8n ${version.version} (${version.label}) on Node ${version.node}`);
	await ensureGraphicsMagick(progress);
	await ensureN8n(version, progress);
	const tarballs = currentTarballs();
	for (const [name, path] of Object.entries(tarballs)) progress(`${name}: ${path}`);
	process.env.PACKAGES_TARBALLS = JSON.stringify(tarballs);
	process.env.E2E_PACKAGE_TARBALL = await buildAndPack('packages', progress);
}
