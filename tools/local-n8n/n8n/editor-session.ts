/*
 * A real n8n editor for page tests: the selected n8n with this package installed from its
 * tarball (as users install it), `n8n start` on a loopback port, and an owner account set up
 * through n8n's own owner-setup endpoint, which also logs the browser in. No vendors, shop or
 * credentials: the editor's panels need none.
 */
import { join } from 'node:path';

import type { BrowserContext } from 'playwright-core';

import { ensureN8n } from './n8n-install';
import { N8nInstance, type WorkflowJson } from './n8n-instance';
import { startN8n, type RunningN8n } from './n8n-server';
import { selectedN8nVersion } from './n8n-versions';
import { buildAndPack, installPackage } from './package-install';
import { E2E_HOME } from '../paths';

export interface EditorSession {
	n8n: N8nInstance;
	server: RunningN8n;
	owner: { email: string; password: string };
	close(): Promise<void>;
}

export interface EditorOptions {
	/** Folder name under .n8n-e2e/ for the n8n user folder (the n8n version is added to it). */
	name: string;
	/** A tarball packed earlier (the suite's global setup); default: build and pack now. */
	tarball?: string;
	/** Imported before n8n starts (the editor then opens them by id). */
	workflows?: WorkflowJson[];
	progress?: (line: string) => void;
}

const OWNER = {
	email: 'owner@example.com',
	password: 'Segment-panel-1',
	firstName: 'Panel',
	lastName: 'Owner',
};

export async function startEditor(options: EditorOptions): Promise<EditorSession> {
	const progress = options.progress ?? (() => {});
	const install = await ensureN8n(selectedN8nVersion(), progress);
	const tarball = options.tarball ?? (await buildAndPack(options.name, progress));
	const n8n = N8nInstance.create(
		install,
		join(E2E_HOME, `${options.name}-n8n-${install.version}`),
		{ fresh: true },
	);
	await installPackage(n8n.userFolder, tarball);
	if (options.workflows?.length) await n8n.importWorkflows(options.workflows);
	const server = await startN8n(n8n);
	return {
		n8n,
		server,
		owner: { email: OWNER.email, password: OWNER.password },
		close: server.stop,
	};
}

/**
 * Sets up the owner of the fresh instance from the browser's context (n8n 1.x and 2.x have the
 * endpoint; it answers with the session cookie, which the context keeps for its pages).
 */
export async function logInAsOwner(context: BrowserContext, editor: EditorSession): Promise<void> {
	const response = await context.request.post(`${editor.server.url}/rest/owner/setup`, {
		data: OWNER,
	});
	if (!response.ok())
		throw new Error(`Owner setup failed: HTTP ${response.status()} ${await response.text()}`);
}
