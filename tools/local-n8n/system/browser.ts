/*
 * A headless Chromium for page tests: Debian's chromium (installed on first use), driven by
 * playwright-core, which never downloads a browser of its own. Each launch gets a fresh profile
 * and no background traffic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type BrowserContext } from 'playwright-core';

import { ensureDebianPackages } from './system-packages';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export interface HeadlessBrowser {
	context: BrowserContext;
	close(): Promise<void>;
}

export async function openHeadlessChromium(
	viewport = { width: 1280, height: 800 },
): Promise<HeadlessBrowser> {
	await ensureDebianPackages(['chromium']);
	const profile = mkdtempSync(join(tmpdir(), 'seg-chromium-'));
	try {
		const context = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			args: FLAGS,
			viewport,
		});
		return {
			context,
			close: async () => {
				await context.close();
				rmSync(profile, { recursive: true, force: true });
			},
		};
	} catch (error) {
		rmSync(profile, { recursive: true, force: true });
		throw error;
	}
}
