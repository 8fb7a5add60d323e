/*
 * Shared by the per-vendor package scripts: where things are, the declaration in
 * packaging/vendors.json, and a strict template filler.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PACKAGING = join(ROOT, 'packaging');
export const OUT = join(ROOT, '.packages');
/** The tarballs check:packages packed and passed, for the real-n8n suite (test/packages/). */
export const TARBALLS = join(OUT, 'tarballs');
export const REPORT = join(OUT, 'check-report.json');
/** Installs kept outside the clone across runs (as the n8n installs of tools/local-n8n). */
export const CACHE = resolve(
	process.env.N8N_E2E_CACHE || join(homedir(), '.cache', 'n8n-nodes-segmentation-e2e'),
);

/**
 * The environment of a fresh clone of a package's repository: without what `npm run` here passes
 * on from this project (its .npmrc sets legacy-peer-deps, which would drop peer dependencies such as
 * @types/node from a tree's lockfile and install).
 */
export const TREE_ENV = Object.fromEntries(
	Object.entries(process.env).filter(
		([key]) => !/^(npm_config_|npm_package_|npm_lifecycle_|INIT_CWD$)/i.test(key),
	),
);

export const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
export const readText = (path) => readFileSync(path, 'utf8');

/** The declaration, with each vendor's own packaging folder and the other vendors' terms. */
export function loadConfig() {
	const config = readJson(join(PACKAGING, 'vendors.json'));
	const root = readJson(join(ROOT, 'package.json'));
	const vendors = config.vendors.map((vendor) => ({
		...vendor,
		dir: join(PACKAGING, 'vendors', vendor.id),
		out: join(OUT, vendor.packageName),
		version: vendor.version ?? root.version,
		/** What may not appear in this vendor's package: every other vendor's names and hosts. */
		forbidden: config.vendors
			.filter((other) => other.id !== vendor.id)
			.flatMap((other) => [...other.names, ...other.hosts])
			.map((term) => term.toLowerCase()),
	}));
	return { ...config, vendors, sourceRepository: repositoryOf(root.repository.url) };
}

/** `owner/name` of a git URL such as git+https://github.com/owner/name.git. */
export function repositoryOf(url) {
	const match = /github\.com[/:]([^/]+\/[^/.]+)(\.git)?$/.exec(url);
	if (!match) throw new Error(`Not a GitHub repository URL: ${url}`);
	return match[1];
}

/** The vendors named on the command line (by id or package name), or all. */
export function selectVendors(config, args) {
	if (args.length === 0) return config.vendors;
	return args.map((arg) => {
		const vendor = config.vendors.find((v) => v.id === arg || v.packageName === arg);
		if (!vendor) throw new Error(`No vendor "${arg}" in packaging/vendors.json`);
		return vendor;
	});
}

/**
 * `{{key}}` → values[key]; `{{section:name}}` → the vendor's readme/<name>.md, itself filled with
 * the same values (`{{ $json.x }}`, with spaces, is n8n's and stays). An unknown key is an
 * error, so a template and its values cannot drift apart unnoticed.
 */
export function fill(template, values, sectionDir) {
	return template.replace(/\{\{(section:)?([\w-]+)\}\}/g, (_, section, key) => {
		if (section) {
			const path = join(sectionDir, `${key}.md`);
			if (!existsSync(path)) throw new Error(`Missing README section ${path}`);
			return fill(readText(path).trimEnd(), values);
		}
		if (!(key in values)) throw new Error(`Template placeholder {{${key}}} has no value`);
		return String(values[key]);
	});
}

/**
 * The n8n versions of the end-to-end matrix (tools/local-n8n/n8n/n8n-versions.ts), newest first:
 * the first is the one the per-vendor tarball suite runs on (the READMEs say so).
 */
export function matrixVersions() {
	const text = readText(join(ROOT, 'tools', 'local-n8n', 'n8n', 'n8n-versions.ts'));
	const list = /N8N_VERSIONS[^=]*=\s*\[([\s\S]*?)\];/.exec(text)?.[1] ?? '';
	const versions = [...list.matchAll(/version: '([^']+)'/g)].map((match) => match[1]);
	if (versions.length === 0)
		throw new Error('No N8N_VERSIONS in tools/local-n8n/n8n/n8n-versions.ts');
	return versions;
}

export function listFiles(dir, base = dir) {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path)];
	});
}

/** A generated tree's content: what check:packages checked, to tell whether its tarball is current. */
export function treeHash(dir) {
	const hash = createHash('sha256');
	for (const file of listFiles(dir).sort())
		hash
			.update(`${file}\0`)
			.update(readFileSync(join(dir, file)))
			.update('\0');
	return hash.digest('hex').slice(0, 16);
}

/** The checks themselves (check.mjs and this file): a tarball checked by other checks is checked again. */
export function checkerHash() {
	const hash = createHash('sha256');
	for (const file of ['check.mjs', 'lib.mjs'])
		hash.update(readFileSync(join(ROOT, 'scripts', 'packages', file)));
	return hash.digest('hex').slice(0, 16);
}
