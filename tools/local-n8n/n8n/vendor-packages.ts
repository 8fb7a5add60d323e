/*
 * The per-vendor packages (packaging/, `npm run check:packages`) as users get them: each tarball
 * unpacked where n8n looks for community packages ($N8N_USER_FOLDER/.n8n/nodes/node_modules/<name>/),
 * its examples rewritten for a local run, and the fakes' credentials under its credential type.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { request } from 'undici';

import { CREDENTIALS, SHOP_PLACEHOLDER } from './examples';
import type { CredentialJson, WorkflowJson } from './n8n-instance';
import type { RunningN8n } from './n8n-server';
import { PACKAGE_NAME, REPO_DIR } from '../paths';
import { runCommand } from '../system/run-command';
import type { Vendors } from '../services/vendors';

export type VendorId = 'sellerpic' | 'piapi';

export interface VendorPackage {
	id: VendorId;
	packageName: string;
	/** The package's credential type, and the combined package's for the same vendor. */
	credentialType: string;
	combinedCredentialType: string;
	/** Its generated repository tree (.packages/<name>/). */
	tree: string;
	/** Node type names (without the package), and which of them n8n should offer AI agents as tools. */
	nodes: string[];
	toolNodes: string[];
}

interface VendorDeclaration {
	id: VendorId;
	packageName: string;
	credential: { typeName: string; combinedTypeName: string };
}

export const PACKAGES_OUT = join(REPO_DIR, '.packages');

/** The packages declared in packaging/vendors.json, read from their generated trees. */
export function vendorPackages(): VendorPackage[] {
	const config = JSON.parse(readFileSync(join(REPO_DIR, 'packaging', 'vendors.json'), 'utf8')) as {
		vendors: VendorDeclaration[];
	};
	return config.vendors.map((vendor) => {
		const tree = join(PACKAGES_OUT, vendor.packageName);
		const nodes: string[] = [];
		const toolNodes: string[] = [];
		const manifest = JSON.parse(readFileSync(join(tree, 'package.json'), 'utf8')) as {
			n8n: { nodes: string[] };
		};
		for (const built of manifest.n8n.nodes) {
			const source = readFileSync(
				join(tree, built.replace(/^dist\//, '').replace(/\.js$/, '.ts')),
				'utf8',
			);
			const name = /\bname: '([^']+)'/.exec(source)?.[1];
			if (!name) throw new Error(`${built}: no node name in its source`);
			nodes.push(name);
			if (/\busableAsTool: true\b/.test(source)) toolNodes.push(name);
		}
		return {
			id: vendor.id,
			packageName: vendor.packageName,
			credentialType: vendor.credential.typeName,
			combinedCredentialType: vendor.credential.combinedTypeName,
			tree,
			nodes,
			toolNodes,
		};
	});
}

export function vendorPackage(id: VendorId): VendorPackage {
	const found = vendorPackages().find((pkg) => pkg.id === id);
	if (!found) throw new Error(`No package for ${id} in packaging/vendors.json`);
	return found;
}

/**
 * The tarballs check:packages packed and passed, current with the source (checked again where
 * the generated tree changed): `{ <package name>: <path> }`. Minutes when a check must run.
 */
export function currentTarballs(): Record<string, string> {
	const out = execFileSync(
		process.execPath,
		[join(REPO_DIR, 'scripts', 'packages', 'tarballs.mjs'), '--json'],
		{
			cwd: REPO_DIR,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
			maxBuffer: 16 * 1024 * 1024,
		},
	);
	return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, string>;
}

/** Unpacks a tarball as the installed community package `name` of the n8n user folder. */
export async function installTarball(
	userFolder: string,
	tarball: string,
	name: string,
): Promise<string> {
	const target = join(userFolder, '.n8n', 'nodes', 'node_modules', name);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	await runCommand('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
	return target;
}

/** The package's example workflows, as its repository has them. */
export function packageExamples(pkg: VendorPackage): WorkflowJson[] {
	const dir = join(pkg.tree, 'examples');
	return readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as WorkflowJson);
}

export interface PackageExampleOptions {
	shopBaseUrl: string;
	/** Poll Interval of the package's nodes (the fakes finish in a moment); default 0.2 s. */
	pollSeconds?: number;
	/** Wait nodes' interval; default 1 s. */
	waitSeconds?: number;
	/** A workflow id to import it under (to sit beside another package's example of the same id). */
	id?: string;
	/** Credential ids to use instead of the examples' (by credential type). */
	credentialIds?: Record<string, string>;
}

/** An example for a local run: the sample shop for https://shop.example/, short polls and waits. */
export function preparePackageExample(
	pkg: VendorPackage,
	example: WorkflowJson,
	options: PackageExampleOptions,
): WorkflowJson {
	const shop = `${options.shopBaseUrl.replace(/\/+$/, '')}/`;
	const workflow = JSON.parse(
		JSON.stringify(example).split(SHOP_PLACEHOLDER).join(shop),
	) as WorkflowJson;
	if (options.id) workflow.id = options.id;
	for (const node of workflow.nodes) {
		if (node.type.startsWith(`${pkg.packageName}.`) && 'pollInterval' in node.parameters)
			node.parameters.pollInterval = options.pollSeconds ?? 0.2;
		if (node.type === 'n8n-nodes-base.wait' && node.parameters.resume === 'timeInterval') {
			Object.assign(node.parameters, { amount: options.waitSeconds ?? 1, unit: 'seconds' });
		}
		const credentials = node.credentials as
			| Record<string, { id: string; name: string }>
			| undefined;
		for (const [type, ref] of Object.entries(credentials ?? {})) {
			const id = options.credentialIds?.[type];
			if (id) credentials![type] = { ...ref, id };
		}
	}
	return workflow;
}

/**
 * The fakes' credentials for these packages: the same data as the combined package's, under each
 * package's credential type; `ids` gives other credential ids by type (credential ids are unique
 * in an n8n, and the examples of the combined package use the default ones).
 */
export function packageCredentials(
	vendors: Vendors,
	packages: VendorPackage[],
	ids: Record<string, string> = {},
): CredentialJson[] {
	const chosen: CredentialJson[] = [];
	for (const pkg of packages) {
		const combined = vendors.credentials.find(
			(credential) => credential.type === pkg.combinedCredentialType,
		);
		if (!combined) throw new Error(`No fake credential of type ${pkg.combinedCredentialType}`);
		chosen.push({
			...combined,
			id: ids[pkg.credentialType] ?? combined.id,
			type: pkg.credentialType,
			name: `${combined.name} (${pkg.packageName})`,
		});
	}
	return chosen;
}

export const OPENAI_CREDENTIAL = CREDENTIALS.openAi;

export interface NodeTypeDescriptionJson {
	name: string;
	displayName: string;
	icon?: unknown;
	iconUrl?: unknown;
	credentials?: Array<{ name: string }>;
	[key: string]: unknown;
}

const OWNER = {
	email: 'owner@example.com',
	password: 'Segment-packages-1',
	firstName: 'Packages',
	lastName: 'Owner',
};
/** n8n ties a session to the browser that logged in (its `browser-id` header). */
const BROWSER_ID = 'n8n-nodes-segmentation-packages-suite';

/**
 * A session cookie of the instance's owner: set up on a fresh instance (n8n's owner-setup
 * endpoint answers with the cookie), else logged in. The editor's type lists need a session.
 */
async function ownerCookie(server: RunningN8n): Promise<string> {
	const post = async (path: string, body: unknown) =>
		await request(`${server.url}${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
			body: JSON.stringify(body),
		});
	let response = await post('/rest/owner/setup', OWNER);
	if (response.statusCode !== 200) {
		await response.body.dump();
		response = await post('/rest/login', {
			emailOrLdapLoginId: OWNER.email,
			email: OWNER.email,
			password: OWNER.password,
		});
	}
	const text = await response.body.text();
	if (response.statusCode !== 200)
		throw new Error(
			`Owner setup and login failed: HTTP ${response.statusCode} ${text.slice(0, 300)}`,
		);
	const setCookie = response.headers['set-cookie'];
	const cookies = (Array.isArray(setCookie) ? setCookie : [setCookie ?? ''])
		.map((cookie) => cookie.split(';')[0])
		.filter(Boolean);
	if (cookies.length === 0) throw new Error('n8n gave no session cookie');
	return cookies.join('; ');
}

const sessions = new WeakMap<RunningN8n, Promise<string>>();

/** GET of an editor endpoint as the owner. */
async function getAsOwner<T>(server: RunningN8n, path: string): Promise<T> {
	if (!sessions.has(server)) sessions.set(server, ownerCookie(server));
	const cookie = await sessions.get(server)!;
	const response = await request(`${server.url}${path}`, {
		headers: { cookie, 'browser-id': BROWSER_ID },
	});
	if (response.statusCode !== 200) {
		await response.body.dump();
		throw new Error(`GET ${path}: HTTP ${response.statusCode}`);
	}
	return (await response.body.json()) as T;
}

/** What the editor loads: every node type of the running n8n (`/types/nodes.json`, tool variants included). */
export async function loadedNodeTypes(server: RunningN8n): Promise<NodeTypeDescriptionJson[]> {
	return await getAsOwner<NodeTypeDescriptionJson[]>(server, '/types/nodes.json');
}

/** Every credential type of the running n8n (`/types/credentials.json`). */
export async function loadedCredentialTypes(
	server: RunningN8n,
): Promise<Array<{ name: string; displayName: string }>> {
	return await getAsOwner<Array<{ name: string; displayName: string }>>(
		server,
		'/types/credentials.json',
	);
}

/** The combined package's name (its node types are `n8n-nodes-segmentation.<node>`). */
export const COMBINED_PACKAGE = PACKAGE_NAME;
