/* Jest global setup of the end-to-end suite: the pinned n8n (installed on first use) and the packed package. */
import { ensureN8n } from './n8n-install';
import { buildAndPack } from './package-install';

export default async function globalSetup(): Promise<void> {
	const progress = (line: string): void => console.log(`[e2e] ${line}`);
	console.log('');
	await ensureN8n(progress);
	process.env.E2E_PACKAGE_TARBALL = await buildAndPack('e2e', progress);
}
