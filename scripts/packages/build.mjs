/*
 * `npm run build:packages [vendor…]`: writes one complete repository tree per vendor into
 * .packages/<package-name>/ (gitignored), each ready to be pushed as its own GitHub repository.
 * Declared in packaging/vendors.json; see packaging/README.md. The trees are never edited by hand.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

import { fill, loadConfig, OUT, PACKAGING, readJson, readText, ROOT, selectVendors } from './lib.mjs';

const COMMON = join(PACKAGING, 'common');

function write(path, text) {
	mkdirSync(dirname(path), { recursive: true });
	writeFileSync(path, text);
}

const json = (value) => `${JSON.stringify(value, null, '\t')}\n`;

/** Applies exact-text edits; each `from` must occur exactly once. */
function applyEdits(text, edits, where) {
	for (const [from, to] of edits) {
		const count = text.split(from).length - 1;
		if (count !== 1) throw new Error(`${where}: expected exactly one "${from}", found ${count}`);
		text = text.replace(from, () => to);
	}
	return text;
}

const exportedNames = (text) => [...text.matchAll(/^export (?:const|function|class|type|interface) (\w+)/gm)].map((m) => m[1]).sort();

function copySources(vendor) {
	for (const source of vendor.sources) {
		const from = join(ROOT, source);
		if (!existsSync(from)) throw new Error(`${vendor.id}: source "${source}" does not exist`);
		cpSync(from, join(vendor.out, source), {
			recursive: true,
			filter: (path) => !/\.test\.ts$/.test(path),
		});
	}
}

/**
 * What differs from the combined package's sources: one file per vendor, `identityFile` (the
 * credential type name and the like), replaced by packaging/vendors/<id>/identity.ts, plus the
 * credential class, written from packaging/common/credential.ts.template (its body is the
 * vendor's `nodes/vendors/<id>/credential.ts`). Until the source has the identity file, the
 * vendor's transitional.json says which exact texts to change instead.
 */
function specialise(vendor) {
	const identity = join(ROOT, vendor.identityFile);
	const transitional = join(vendor.dir, 'transitional.json');
	const { credential } = vendor;
	if (existsSync(identity)) {
		if (existsSync(transitional)) {
			throw new Error(`${vendor.id}: ${vendor.identityFile} exists now: delete ${relative(ROOT, transitional)}`);
		}
		const replacement = readText(join(vendor.dir, 'identity.ts'));
		const [ours, theirs] = [exportedNames(replacement), exportedNames(readText(identity))];
		if (ours.join() !== theirs.join()) {
			throw new Error(`${vendor.id}: packaging/vendors/${vendor.id}/identity.ts exports [${ours}], ${vendor.identityFile} [${theirs}]`);
		}
		write(join(vendor.out, vendor.identityFile), replacement);
		const template = readText(join(COMMON, 'credential.ts.template'));
		write(join(vendor.out, credential.file), fill(template, { ...credential, vendorId: vendor.id, packageName: vendor.packageName }));
		return 'identity file';
	}
	const plan = readJson(transitional);
	for (const copy of plan.copies) {
		const text = applyEdits(readText(join(ROOT, copy.from)), copy.edits, copy.from);
		write(join(vendor.out, copy.to), text);
	}
	for (const { file, edits } of plan.edits) {
		const path = join(vendor.out, file);
		writeFileSync(path, applyEdits(readText(path), edits, file));
	}
	return 'TRANSITIONAL edits (no identity file in the source yet)';
}

function manifest(vendor, config) {
	const base = readJson(join(COMMON, 'package.json'));
	delete base.$comment;
	const repoUrl = `https://github.com/${vendor.repository}`;
	const { scripts, files, publishConfig, devDependencies, peerDependencies, allowScripts, license, engines } = base;
	return {
		name: vendor.packageName,
		version: vendor.version,
		description: vendor.description,
		license,
		homepage: `${repoUrl}#readme`,
		keywords: vendor.keywords,
		author: config.author,
		repository: { type: 'git', url: `git+${repoUrl}.git` },
		bugs: { url: `${repoUrl}/issues` },
		engines,
		scripts,
		files,
		publishConfig,
		n8n: {
			n8nNodesApiVersion: 1,
			strict: true,
			credentials: [`dist/${vendor.credential.file.replace(/\.ts$/, '.js')}`],
			nodes: vendor.nodes.map((node) => `dist/nodes/${node}/${node}.node.js`),
		},
		devDependencies,
		peerDependencies,
		allowScripts,
	};
}

/** The committed lockfile, named for this package; it must have been made from these devDependencies. */
function lockfile(vendor, pkg) {
	const lock = readJson(join(COMMON, 'package-lock.json'));
	const rootEntry = lock.packages[''];
	for (const field of ['devDependencies', 'peerDependencies']) {
		if (JSON.stringify(rootEntry[field]) !== JSON.stringify(pkg[field])) {
			throw new Error(`packaging/common/package-lock.json is out of date (${field}): run npm run packages:lock`);
		}
	}
	lock.name = rootEntry.name = pkg.name;
	lock.version = rootEntry.version = pkg.version;
	return lock;
}

/** The vendor's examples with the package's node and credential types. */
function example(vendor, config, file) {
	const raw = readText(join(ROOT, file));
	const workflow = JSON.parse(raw);
	const prefix = `${config.combined.packageName}.`;
	for (const node of workflow.nodes) {
		if (node.type.startsWith(prefix)) {
			const name = node.type.slice(prefix.length);
			const mapped = vendor.nodeTypes[name];
			if (!mapped) throw new Error(`${file}: node type ${node.type} has no counterpart in ${vendor.packageName} (nodeTypes)`);
			node.type = `${vendor.packageName}.${mapped}`;
		}
		if (node.credentials) {
			const renamed = {};
			for (const [type, value] of Object.entries(node.credentials)) {
				if (type === vendor.credential.combinedTypeName) renamed[vendor.credential.typeName] = value;
				else if (config.combined.credentialTypes.includes(type)) throw new Error(`${file}: credential ${type} belongs to another vendor`);
				else renamed[type] = value;
			}
			node.credentials = renamed;
		}
	}
	const indent = raw.startsWith('{\n\t') ? '\t' : 2;
	return `${JSON.stringify(workflow, null, indent)}\n`;
}

function listFiles(dir, base = dir) {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path)];
	});
}

function build(vendor, config) {
	rmSync(vendor.out, { recursive: true, force: true });
	mkdirSync(vendor.out, { recursive: true });
	copySources(vendor);
	const how = specialise(vendor);

	const pkg = manifest(vendor, config);
	write(join(vendor.out, 'package.json'), json(pkg));
	write(join(vendor.out, 'package-lock.json'), json(lockfile(vendor, pkg)));
	for (const file of ['eslint.config.mjs', 'tsconfig.json']) write(join(vendor.out, file), readText(join(COMMON, file)));
	write(join(vendor.out, '.gitignore'), readText(join(COMMON, 'gitignore')));
	write(join(vendor.out, 'LICENSE'), readText(join(ROOT, 'LICENSE')));
	write(join(vendor.out, 'CHANGELOG.md'), readText(join(vendor.dir, 'CHANGELOG.md')));

	const repoUrl = `https://github.com/${vendor.repository}`;
	const values = {
		...readJson(join(vendor.dir, 'package.json')),
		packageName: vendor.packageName,
		displayName: vendor.displayName,
		repository: vendor.repository,
		sourceRepository: config.sourceRepository,
		bugsUrl: `${repoUrl}/issues`,
	};
	write(join(vendor.out, 'README.md'), fill(readText(join(COMMON, 'README.md')), values, join(vendor.dir, 'readme')));
	for (const workflow of ['publish.yml', 'ci.yml']) {
		write(join(vendor.out, '.github', 'workflows', workflow), fill(readText(join(COMMON, workflow)), values));
	}
	for (const file of vendor.examples) write(join(vendor.out, file), example(vendor, config, file));
	write(join(vendor.out, 'examples', 'README.md'), readText(join(vendor.dir, 'examples-README.md')));

	for (const node of vendor.nodes) {
		if (!existsSync(join(vendor.out, 'nodes', node, `${node}.node.ts`))) throw new Error(`${vendor.id}: nodes/${node}/${node}.node.ts not in the tree`);
	}
	const files = listFiles(vendor.out);
	console.log(`${vendor.packageName}: ${files.length} files in ${relative(ROOT, vendor.out)}/ (${how})`);
}

const config = loadConfig();
mkdirSync(OUT, { recursive: true });
for (const vendor of selectVendors(config, process.argv.slice(2))) build(vendor, config);
