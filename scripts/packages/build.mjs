/*
 * `npm run build:packages [vendor…]`: writes one complete repository tree per vendor into
 * .packages/<package-name>/ (gitignored), each ready to be pushed as its own GitHub repository.
 * Declared in packaging/vendors.json; see packaging/README.md. The trees are never edited by hand.
 */
import {
	cpSync,
	existsSync,
	mkdirSync,
	readdirSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

import {
	fill,
	loadConfig,
	matrixVersions,
	OUT,
	PACKAGING,
	readJson,
	readText,
	ROOT,
	selectVendors,
} from './lib.mjs';

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

const exportedNames = (text) =>
	[...text.matchAll(/^export (?:const|function|class|type|interface) (\w+)/gm)]
		.map((m) => m[1])
		.sort();

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
 * credential type name and the like), replaced by packaging/vendors/<id>/identity.ts, and the
 * credential class: the combined package's credential file copied with the exact-text renames of
 * packaging/vendors/<id>/credential.json (class, `name`, `displayName`), so that n8n's credential
 * lint rules see every field as a literal.
 */
function specialise(vendor) {
	const identity = join(ROOT, vendor.identityFile);
	if (!existsSync(identity))
		throw new Error(`${vendor.id}: ${vendor.identityFile} is missing in the source`);
	const replacement = readText(join(vendor.dir, 'identity.ts'));
	const [ours, theirs] = [exportedNames(replacement), exportedNames(readText(identity))];
	if (ours.join() !== theirs.join()) {
		throw new Error(
			`${vendor.id}: packaging/vendors/${vendor.id}/identity.ts exports [${ours}], ${vendor.identityFile} [${theirs}]`,
		);
	}
	write(join(vendor.out, vendor.identityFile), replacement);
	const plan = readJson(join(vendor.dir, 'credential.json'));
	for (const copy of plan.copies) {
		const text = applyEdits(readText(join(ROOT, copy.from)), copy.edits, copy.from);
		write(join(vendor.out, copy.to), text);
	}
}

/**
 * The vendor's own nodes (packaging/vendors/<id>/nodes/<Node>/), not part of the combined
 * package, into the tree's nodes/; their imports already resolve there.
 */
function copyOwnNodes(vendor) {
	const dir = join(vendor.dir, 'nodes');
	if (!existsSync(dir)) return;
	for (const node of readdirSync(dir)) {
		if (existsSync(join(vendor.out, 'nodes', node)))
			throw new Error(`${vendor.id}: nodes/${node} exists in the source too`);
		cpSync(join(dir, node), join(vendor.out, 'nodes', node), { recursive: true });
	}
}

/**
 * Codex files (`<Node>.node.json`): the node type of this package, and documentation links to
 * this package's README instead of the combined package's.
 */
function rewriteCodex(vendor, config) {
	const combinedReadme = `https://github.com/${config.sourceRepository}#`;
	const ownReadme = `https://github.com/${vendor.repository}#`;
	for (const node of vendor.nodes) {
		const path = join(vendor.out, 'nodes', node, `${node}.node.json`);
		if (!existsSync(path))
			throw new Error(`${vendor.id}: nodes/${node}/${node}.node.json (codex) missing`);
		const codex = readJson(path);
		const [, name] = /^[^.]+\.(\w+)$/.exec(codex.node) ?? [];
		if (!name)
			throw new Error(
				`${vendor.id}: ${node}.node.json: node "${codex.node}" is not <package>.<name>`,
			);
		codex.node = `${vendor.packageName}.${name}`;
		for (const resource of codex.resources?.primaryDocumentation ?? []) {
			if (resource.url.startsWith(combinedReadme))
				resource.url = ownReadme + resource.url.slice(combinedReadme.length);
		}
		write(path, json(codex));
	}
}

function manifest(vendor, config) {
	const base = readJson(join(COMMON, 'package.json'));
	delete base.$comment;
	const repoUrl = `https://github.com/${vendor.repository}`;
	const {
		scripts,
		files,
		publishConfig,
		devDependencies,
		peerDependencies,
		allowScripts,
		license,
		engines,
	} = base;
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
			throw new Error(
				`packaging/common/package-lock.json is out of date (${field}): run npm run packages:lock`,
			);
		}
	}
	lock.name = rootEntry.name = pkg.name;
	lock.version = rootEntry.version = pkg.version;
	return lock;
}

/** `nodeTypes` entry: a combined node type's counterpart, and how its parameters change there. */
function counterpart(vendor, name, file) {
	const entry = vendor.nodeTypes[name];
	if (!entry)
		throw new Error(
			`${file}: node type ${name} has no counterpart in ${vendor.packageName} (nodeTypes)`,
		);
	return typeof entry === 'string' ? { type: entry } : entry;
}

/** Renames nodes: their names, the connections, and `$('Name')` / `$node["Name"]` in expressions. */
function renameNodes(workflow, renames, file) {
	for (const [from, to] of Object.entries(renames)) {
		const node = workflow.nodes.find((candidate) => candidate.name === from);
		if (!node) throw new Error(`${file}: no node "${from}" to rename`);
		node.name = to;
		const connections = {};
		for (const [source, outputs] of Object.entries(workflow.connections)) {
			for (const targets of Object.values(outputs).flat()) {
				for (const target of targets ?? []) if (target.node === from) target.node = to;
			}
			connections[source === from ? to : source] = outputs;
		}
		workflow.connections = connections;
		const quoted = [`$('${from}')`, `$("${from}")`, `$node["${from}"]`];
		const renamed = [`$('${to}')`, `$("${to}")`, `$node["${to}"]`];
		for (const other of workflow.nodes) {
			let text = JSON.stringify(other.parameters);
			quoted.forEach(
				(q, index) =>
					(text = text
						.split(JSON.stringify(q).slice(1, -1))
						.join(JSON.stringify(renamed[index]).slice(1, -1))),
			);
			other.parameters = JSON.parse(text);
		}
	}
}

/** Removes nodes (another vendor's branch) and every connection from or to them. */
function removeNodes(workflow, names, file) {
	for (const name of names) {
		if (!workflow.nodes.some((node) => node.name === name))
			throw new Error(`${file}: no node "${name}" to remove`);
	}
	workflow.nodes = workflow.nodes.filter((node) => !names.includes(node.name));
	const connections = {};
	for (const [source, outputs] of Object.entries(workflow.connections)) {
		if (names.includes(source)) continue;
		connections[source] = Object.fromEntries(
			Object.entries(outputs).map(([kind, list]) => [
				kind,
				list.map((targets) => (targets ?? []).filter((target) => !names.includes(target.node))),
			]),
		);
	}
	workflow.connections = connections;
}

/** Exact-text edits of the sticky notes; each `from` must occur at least once (all occurrences change). */
function editNotes(workflow, edits, file) {
	const notes = workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.stickyNote');
	for (const [from, to] of edits) {
		const found = notes.filter((note) => note.parameters.content.includes(from));
		if (found.length === 0) throw new Error(`${file}: no sticky note contains "${from}"`);
		for (const note of found)
			note.parameters.content = note.parameters.content.split(from).join(to);
	}
}

/**
 * One example of the package. A string names a workflow of examples/ (the combined package's),
 * rewritten with the package's node and credential types; an object may add, in this order,
 * `removeNodes` (another vendor's branch), `renameNodes`, `notes` (exact-text edits of the sticky
 * notes), `name` (the workflow's) and `as` (its file name). `own` names a workflow of
 * packaging/vendors/<id>/examples/, written for this package. The credential's display name
 * in the notes (*SellerPic API*) becomes the package's (*SellerPic Segment API*).
 */
function example(vendor, config, entry) {
	const spec = typeof entry === 'string' ? { file: entry } : entry;
	const source = spec.own ? join(vendor.dir, 'examples', spec.own) : join(ROOT, spec.file);
	const file = relative(ROOT, source);
	const raw = readText(source);
	const workflow = JSON.parse(raw);
	if (spec.removeNodes) removeNodes(workflow, spec.removeNodes, file);
	const prefix = `${config.combined.packageName}.`;
	for (const node of workflow.nodes) {
		if (node.type.startsWith(prefix)) {
			if (spec.own) throw new Error(`${file}: node type ${node.type} of the combined package`);
			const mapped = counterpart(vendor, node.type.slice(prefix.length), file);
			node.type = `${vendor.packageName}.${mapped.type}`;
			if (mapped.typeVersion !== undefined) node.typeVersion = mapped.typeVersion;
			for (const name of mapped.dropParameters ?? []) delete node.parameters[name];
			for (const [from, to] of Object.entries(mapped.renameParameters ?? {})) {
				if (from in node.parameters) {
					node.parameters[to] = node.parameters[from];
					delete node.parameters[from];
				}
			}
		}
		if (node.credentials) {
			const renamed = {};
			for (const [type, value] of Object.entries(node.credentials)) {
				if (type === vendor.credential.combinedTypeName)
					renamed[vendor.credential.typeName] = value;
				else if (config.combined.credentialTypes.includes(type))
					throw new Error(`${file}: credential ${type} belongs to another vendor`);
				else renamed[type] = value;
			}
			node.credentials = renamed;
		}
	}
	if (spec.renameNodes) renameNodes(workflow, spec.renameNodes, file);
	if (spec.notes) editNotes(workflow, spec.notes, file);
	const credentialName = `*${vendor.credential.combinedDisplayName}*`;
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-base.stickyNote') {
			node.parameters.content = node.parameters.content
				.split(credentialName)
				.join(`*${vendor.credential.displayName}*`);
		}
	}
	if (spec.name) workflow.name = spec.name;
	const indent = raw.startsWith('{\n\t') ? '\t' : 2;
	return {
		path: join('examples', spec.as ?? basename(source)),
		text: `${JSON.stringify(workflow, null, indent)}\n`,
	};
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
	specialise(vendor);
	copyOwnNodes(vendor);
	rewriteCodex(vendor, config);

	const pkg = manifest(vendor, config);
	write(join(vendor.out, 'package.json'), json(pkg));
	write(join(vendor.out, 'package-lock.json'), json(lockfile(vendor, pkg)));
	for (const file of ['eslint.config.mjs', 'tsconfig.json'])
		write(join(vendor.out, file), readText(join(COMMON, file)));
	write(join(vendor.out, '.gitignore'), readText(join(COMMON, 'gitignore')));
	write(join(vendor.out, 'LICENSE'), readText(join(ROOT, 'LICENSE')));
	write(join(vendor.out, 'CHANGELOG.md'), readText(join(vendor.dir, 'CHANGELOG.md')));

	const repoUrl = `https://github.com/${vendor.repository}`;
	const versions = matrixVersions();
	const values = {
		...readJson(join(vendor.dir, 'package.json')),
		packageName: vendor.packageName,
		displayName: vendor.displayName,
		repository: vendor.repository,
		sourceRepository: config.sourceRepository,
		bugsUrl: `${repoUrl}/issues`,
		combinedPackage: config.combined.packageName,
		tarballN8n: versions[0],
		matrixN8n: `${versions.slice(0, -1).join(', ')} and ${versions.at(-1)}`,
	};
	write(
		join(vendor.out, 'README.md'),
		fill(readText(join(COMMON, 'README.md')), values, join(vendor.dir, 'readme')),
	);
	for (const workflow of ['publish.yml', 'ci.yml']) {
		write(
			join(vendor.out, '.github', 'workflows', workflow),
			fill(readText(join(COMMON, workflow)), values),
		);
	}
	for (const entry of vendor.examples) {
		const { path, text } = example(vendor, config, entry);
		write(join(vendor.out, path), text);
	}
	write(
		join(vendor.out, 'examples', 'README.md'),
		readText(join(vendor.dir, 'examples-README.md')),
	);

	for (const node of vendor.nodes) {
		if (!existsSync(join(vendor.out, 'nodes', node, `${node}.node.ts`)))
			throw new Error(`${vendor.id}: nodes/${node}/${node}.node.ts not in the tree`);
	}
	const files = listFiles(vendor.out);
	console.log(`${vendor.packageName}: ${files.length} files in ${relative(ROOT, vendor.out)}/`);
}

const config = loadConfig();
mkdirSync(OUT, { recursive: true });
for (const vendor of selectVendors(config, process.argv.slice(2))) build(vendor, config);
