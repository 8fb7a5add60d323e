/* Where the real-n8n tooling finds the repository and keeps what it installs. */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const PACKAGE_NAME = 'n8n-nodes-segmentation';

/** The repository root, whether this runs from test/ (Jest) or from .tools-build/. */
function findRepoDir(start: string): string {
	for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
		const manifest = join(dir, 'package.json');
		if (
			existsSync(manifest) &&
			(JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME
		)
			return dir;
	}
	throw new Error(`Cannot find the ${PACKAGE_NAME} repository above ${start}`);
}

export const REPO_DIR = findRepoDir(__dirname);

/** What real-n8n runs create: user folders, packed tarballs, sample photos (git-ignored). N8N_E2E_HOME moves it. */
export const E2E_HOME = resolve(process.env.N8N_E2E_HOME || join(REPO_DIR, '.n8n-e2e'));

/**
 * The big installs (Node.js runtimes, each n8n version), kept outside the clone so that every
 * clone and CI run on the machine reuses them; each is keyed by its manifest. N8N_E2E_CACHE moves it.
 */
export const E2E_CACHE = resolve(
	process.env.N8N_E2E_CACHE || join(homedir(), '.cache', 'n8n-nodes-segmentation-e2e'),
);

export const EXAMPLES_DIR = join(REPO_DIR, 'examples');
