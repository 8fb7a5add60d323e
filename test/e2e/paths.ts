/* Where the real-n8n tooling finds the repository and keeps what it installs. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const PACKAGE_NAME = 'n8n-nodes-segmentation';

/** The repository root, whether this runs from test/ (Jest) or from .tools-build/. */
function findRepoDir(start: string): string {
	for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
		const manifest = join(dir, 'package.json');
		if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
	}
	throw new Error(`Cannot find the ${PACKAGE_NAME} repository above ${start}`);
}

export const REPO_DIR = findRepoDir(__dirname);

/** Everything installed or created for real-n8n runs (git-ignored). N8N_E2E_HOME moves it. */
export const E2E_HOME = resolve(process.env.N8N_E2E_HOME || join(REPO_DIR, '.n8n-e2e'));

/** The committed manifest and lockfile of the pinned n8n. */
export const N8N_MANIFEST_DIR = join(REPO_DIR, 'test', 'e2e', 'n8n-install');

export const EXAMPLES_DIR = join(REPO_DIR, 'examples');
