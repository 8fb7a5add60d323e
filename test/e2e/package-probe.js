/*
 * Run by the Node.js of an installed n8n (see compat.e2e.ts): loads every node and credential of
 * an installed copy of this package with `n8n-workflow` resolved to that n8n's own copy, as n8n
 * does for community packages, and lists each n8n-workflow export the compiled code imports by
 * name that this copy lacks, and which exports it looks up at run time. Prints one JSON report.
 * Usage: node package-probe.js <package dir> <n8n package dir>
 */
'use strict';
const Module = require('node:module');
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const [packageDir, n8nDir] = process.argv.slice(2);
const workflowPath = require.resolve('n8n-workflow', { paths: [n8nDir] });
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
	return resolveFilename.call(this, request === 'n8n-workflow' ? workflowPath : request, ...rest);
};
const workflow = require(workflowPath);
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

function jsFiles(dir) {
	return readdirSync(dir).flatMap((entry) => {
		const path = join(dir, entry);
		if (statSync(path).isDirectory()) return jsFiles(path);
		return path.endsWith('.js') ? [path] : [];
	});
}

// tsc writes every use of a named import as `n8n_workflow_1.<name>`: exports the code needs.
// A namespace import (`import * as x`) is for looking up exports some versions lack: listed apart.
const used = new Map();
const lookedUp = new Set();
for (const file of jsFiles(join(packageDir, 'dist'))) {
	const code = readFileSync(file, 'utf8');
	for (const [, name] of code.matchAll(/\bn8n_workflow_\d+\.([A-Za-z_$][\w$]*)/g)) {
		if (!used.has(name)) used.set(name, new Set());
		used.get(name).add(relative(packageDir, file));
	}
	for (const [, namespace] of code.matchAll(
		/\b(?:const|var|let) ([A-Za-z_$][\w$]*) = __importStar\(require\("n8n-workflow"\)\)/g,
	)) {
		for (const [, name] of code.matchAll(new RegExp(`\\b${namespace}\\.([A-Za-z_$][\\w$]*)`, 'g')))
			lookedUp.add(name);
	}
}
const missingExports = [...used]
	.filter(([name]) => workflow[name] === undefined)
	.map(([name, files]) => ({ name, files: [...files].sort() }));
const lookups = [...lookedUp]
	.sort()
	.map((name) => ({ name, present: workflow[name] !== undefined }));

function load(path) {
	const exported = require(join(packageDir, path));
	const classes = Object.values(exported).filter((value) => typeof value === 'function');
	if (classes.length !== 1) throw new Error(`${path} exports ${classes.length} classes`);
	return new classes[0]();
}

const nodes = manifest.n8n.nodes.map((path) => {
	const node = load(path);
	return {
		name: node.description.name,
		execute: typeof node.execute === 'function',
		webhook: typeof node.webhook === 'function',
		properties: node.description.properties.length,
	};
});
const credentials = manifest.n8n.credentials.map((path) => ({ name: load(path).name }));
const workflowVersion = JSON.parse(
	readFileSync(join(workflowPath.split('/dist/')[0], 'package.json'), 'utf8'),
).version;

process.stdout.write(
	JSON.stringify({
		workflowVersion,
		usedExports: [...used.keys()].sort(),
		missingExports,
		lookups,
		nodes,
		credentials,
	}),
);
