/*
 * The nodes panel of the real n8n editor in headless Chromium: for each regular node of this
 * package, installed as users install it, the panel (the node creator, opened with the canvas's
 * "+") finds the node by its display name, shows a one-sentence description for people, and,
 * clicked, lists the node's actions: the `action` labels of its Operation field's options.
 *
 * How n8n 2.41 gets there (n8n-editor-ui, useActionsGeneration and NodesMode): a node without a
 * `resource` parameter gets one action per option of its `operation` parameter, labelled with
 * the option's `action` (else the option's name in Start Case). A community package's node opens
 * the "node details" view when clicked: its actions, or with none only "Add to workflow".
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Locator, Page } from 'playwright-core';

import { eventually } from '../../tools/local-n8n/system/wait';
import { openHeadlessChromium, type HeadlessBrowser } from '../../tools/local-n8n/system/browser';
import {
	logInAsOwner,
	startEditor,
	type EditorSession,
} from '../../tools/local-n8n/n8n/editor-session';
import type { WorkflowJson } from '../../tools/local-n8n/n8n/n8n-instance';
import { selectedN8nVersion } from '../../tools/local-n8n/n8n/n8n-versions';
import { E2E_HOME } from '../../tools/local-n8n/paths';

/** What the panel must list for each node (n8n's UX guidelines: sentence case). */
const EXPECTED: ReadonlyArray<{ displayName: string; actions: string[] }> = [
	{
		displayName: 'SellerPic Segment',
		actions: ['Segment an image by prompt', 'Segment an image by type'],
	},
	{ displayName: 'PiAPI Segment', actions: ['Segment an image by prompt'] },
	{ displayName: 'Check Segmentation Task', actions: ['Check a segmentation task'] },
	{ displayName: 'Get Segmentation Download URL', actions: ['Get a download URL'] },
];

/** The panel's description is for people: one sentence, short (the model's full text is the tool variant's). */
const MAX_DESCRIPTION_LENGTH = 160;

const OUT_DIR = join(E2E_HOME, 'nodes-panel');

/**
 * The n8n versions whose nodes panel this test was checked against. Editors differ: n8n 2.20.12
 * and 1.123.81 show no description under a node that has actions in the search results.
 */
const CHECKED_VERSIONS = ['2.41.3'];

/** A workflow with a trigger, so the canvas's "+" opens the panel of regular nodes ("What happens next?"). */
const WORKFLOW: WorkflowJson = {
	id: 'segNodesPanel',
	name: 'Nodes panel test',
	nodes: [
		{
			id: 'b7e00000-0000-4000-8000-000000000001',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
	],
	connections: {},
	settings: { executionOrder: 'v1' },
};

/** What the panel showed for one node. */
interface PanelEntry {
	displayName: string;
	/** The description under the node's name in the search results. */
	description: string;
	/** The labels of the actions the node's view lists when the node is clicked. */
	actions: string[];
	/** Whether that view offers "Add to workflow" (a community node without actions). */
	addToWorkflowOnly: boolean;
	/** All text of that view, for failure messages. */
	viewText: string;
	screenshot: string;
}

let editor: EditorSession;
let browser: HeadlessBrowser;
let page: Page;
const seen: PanelEntry[] = [];

beforeAll(async () => {
	const { version } = selectedN8nVersion();
	if (!CHECKED_VERSIONS.includes(version))
		throw new Error(
			`The nodes panel test was checked with n8n ${CHECKED_VERSIONS.join(', ')}: check the panel of n8n ${version} and add it to CHECKED_VERSIONS`,
		);
	editor = await startEditor({
		name: 'nodes-panel',
		tarball: process.env.E2E_PACKAGE_TARBALL,
		workflows: [WORKFLOW],
	});
	browser = await openHeadlessChromium({ width: 1440, height: 900 });
	await logInAsOwner(browser.context, editor);
	page = await browser.context.newPage();
	mkdirSync(OUT_DIR, { recursive: true });
	try {
		await page.goto(`${editor.server.url}/workflow/${WORKFLOW.id}`, { waitUntil: 'load' });
		await page.locator(tid('canvas-node')).first().waitFor({ timeout: 60_000 });
		for (const { displayName } of EXPECTED) seen.push(await lookUp(page, displayName));
	} catch (error) {
		// What the page showed then, for the failure.
		await page.screenshot({ path: join(OUT_DIR, 'failure.png') }).catch(() => {});
		throw error;
	}
}, 10 * 60_000);

afterAll(async () => {
	await browser?.close();
	await editor?.close();
});

test("the nodes panel lists each node's actions, with the Operation options' action labels", () => {
	expect(seen.map(({ displayName, actions }) => ({ node: displayName, actions }))).toEqual(
		EXPECTED.map(({ displayName, actions }) => ({ node: displayName, actions })),
	);
	for (const entry of seen)
		expect({ node: entry.displayName, addToWorkflowOnly: entry.addToWorkflowOnly }).toEqual({
			node: entry.displayName,
			addToWorkflowOnly: false,
		});
});

test(`the nodes panel describes each node in one sentence of at most ${MAX_DESCRIPTION_LENGTH} characters`, () => {
	const tooLong = seen
		.map(({ displayName, description }) => ({
			node: displayName,
			sentences: sentenceCount(description),
			length: description.length,
			description,
		}))
		.filter(({ sentences, length }) => sentences !== 1 || length > MAX_DESCRIPTION_LENGTH);
	expect(tooLong).toEqual([]);
	// The node's view (after the click) shows the same short text.
	for (const { displayName, description, viewText } of seen)
		expect({ node: displayName, shows: viewText.includes(description) }).toEqual({
			node: displayName,
			shows: true,
		});
});

/** Opens the panel, searches the node by its display name, reads its description, clicks it and reads its view. */
async function lookUp(page: Page, displayName: string): Promise<PanelEntry> {
	const creator = await openNodesPanel(page);
	await creator.locator(tid('node-creator-search-bar')).fill(displayName);
	const item = creator.locator(tid('item-iterator-item')).filter({
		has: page.locator(tid('node-creator-item-name')).getByText(displayName, { exact: true }),
	});
	await item.first().waitFor({ timeout: 15_000 });
	const description = normalize(
		await item.first().locator(tid('node-creator-item-description')).textContent(),
	);
	await item.first().click();

	// The node's view: its actions, or (a community node without any) the "Add to workflow" button.
	const actionItems = creator.locator('[data-keyboard-nav-type="action"]');
	const addToWorkflow = creator.getByRole('button', { name: 'Add to workflow' });
	await eventually(
		async () => (await actionItems.count()) > 0 || (await addToWorkflow.isVisible()),
		`the view of ${displayName} in the nodes panel`,
		15_000,
		100,
	);
	const actions = (await actionItems.locator(tid('node-creator-item-name')).allTextContents()).map(
		normalize,
	);
	const addToWorkflowOnly = actions.length === 0 && (await addToWorkflow.isVisible());
	const viewText = normalize(await creator.innerText());
	// The view slides in: let it settle before the screenshot.
	await page
		.waitForFunction(
			() =>
				(
					globalThis as unknown as { document: { getAnimations(): unknown[] } }
				).document.getAnimations().length === 0,
			undefined,
			{ timeout: 5_000 },
		)
		.catch(() => {});
	const screenshot = join(OUT_DIR, `${displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.png`);
	await page.screenshot({ path: screenshot });
	await closeNodesPanel(page, creator);
	return { displayName, description, actions, addToWorkflowOnly, viewText, screenshot };
}

/** The canvas's "+" (top right) opens the node creator; a fresh one starts at its root view. */
async function openNodesPanel(page: Page): Promise<Locator> {
	await page.locator(tid('node-creator-plus-button')).click();
	const creator = page.locator(tid('node-creator'));
	await creator.locator(tid('node-creator-search-bar')).waitFor({ timeout: 15_000 });
	return creator;
}

async function closeNodesPanel(page: Page, creator: Locator): Promise<void> {
	for (let attempt = 0; attempt < 5 && (await creator.isVisible()); attempt++) {
		await page.keyboard.press('Escape');
		await page.waitForTimeout(300);
	}
	await creator.waitFor({ state: 'hidden', timeout: 5_000 });
}

/** n8n marks its elements with data-test-id (Playwright's getByTestId reads data-testid). */
function tid(id: string): string {
	return `[data-test-id="${id}"]`;
}

function normalize(text: string | null): string {
	return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** Sentences as people count them: ends of sentence followed by a space or the end ("e.g." aside). */
function sentenceCount(text: string): number {
	return text
		.replace(/\b(e\.g|i\.e|etc)\./gi, '$1')
		.split(/[.!?](?:\s+|$)/)
		.filter((part) => part.trim()).length;
}
