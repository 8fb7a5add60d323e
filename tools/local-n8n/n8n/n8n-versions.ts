/*
 * The n8n versions the end-to-end suite runs in: each is installed from its own pinned manifest
 * and lockfile in tools/local-n8n/n8n/n8n-versions/<version>/, on the Node.js it supports.
 * N8N_E2E_VERSION picks one (default: the newest).
 */
import { join } from 'node:path';

import { REPO_DIR } from '../paths';

export interface N8nVersion {
	/** The n8n version, also the folder name of its manifest. */
	version: string;
	/** The Node.js it runs on (npm package node-<platform>-<arch>). */
	node: string;
	/** Which users it stands for. */
	label: string;
}

/** Newest first: the first is the default and runs the full suite. */
export const N8N_VERSIONS: readonly N8nVersion[] = [
	{ version: '2.41.3', node: '24.9.0', label: 'newest 2.x' },
	{ version: '2.20.12', node: '24.9.0', label: 'the 2.20 line' },
	{ version: '1.123.81', node: '22.23.5', label: 'last 1.x' },
];

export const N8N_VERSIONS_DIR = join(REPO_DIR, 'tools', 'local-n8n', 'n8n', 'n8n-versions');

export function manifestDir(version: N8nVersion): string {
	return join(N8N_VERSIONS_DIR, version.version);
}

/** The version named by N8N_E2E_VERSION, else the newest. */
export function selectedN8nVersion(name = process.env.N8N_E2E_VERSION): N8nVersion {
	if (!name) return N8N_VERSIONS[0];
	const found = N8N_VERSIONS.find((candidate) => candidate.version === name);
	if (!found)
		throw new Error(
			`N8N_E2E_VERSION=${name} is not in the matrix (${N8N_VERSIONS.map((v) => v.version).join(', ')})`,
		);
	return found;
}
