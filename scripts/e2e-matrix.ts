/*
 * The n8n version matrix of the end-to-end suite.
 *   install  installs every n8n version of the matrix (at once: the downloads overlap) into the cache
 *   test     runs the compatibility guard and the examples in every version but the newest
 *            (`npm run test:e2e` runs the full suite in the newest), the first of them against
 *            fakes sending every reply shape the vendors' public clients show
 * Prints how long each part took.
 */
import { ensureN8n, elapsed } from '../tools/local-n8n/n8n/n8n-install';
import { N8N_VERSIONS } from '../tools/local-n8n/n8n/n8n-versions';
import { REPO_DIR } from '../tools/local-n8n/paths';
import { npmCommand, runCommand } from '../tools/local-n8n/system/run-command';

const say = (line: string): void => console.log(`[matrix] ${line}`);

async function installAll(): Promise<void> {
	const started = Date.now();
	// Settled, not all: a failure must not leave the other installs running unwatched.
	const results = await Promise.allSettled(
		N8N_VERSIONS.map(async (version) => {
			const began = Date.now();
			await ensureN8n(version, (line) => say(`${version.version}: ${line}`));
			say(`n8n ${version.version} ready (${elapsed(began)})`);
		}),
	);
	const failures = results.filter(
		(result): result is PromiseRejectedResult => result.status === 'rejected',
	);
	if (failures.length)
		throw new AggregateError(
			failures.map((failure) => failure.reason as Error),
			'n8n install failed',
		);
	say(`every n8n version ready in ${elapsed(started)}`);
}

async function testOlderVersions(): Promise<void> {
	const [command, args] = npmCommand([
		'run',
		'test:e2e',
		'--',
		'test/e2e/compat.e2e.ts',
		'test/e2e/examples.e2e.ts',
	]);
	const times: string[] = [];
	for (const [index, version] of N8N_VERSIONS.slice(1).entries()) {
		const began = Date.now();
		// The first of them against fakes that send every reply shape the vendors' public clients
		// show (test/fake/shapes.ts); the newest version runs them as documented.
		const shapes = index === 0 ? 'mixed' : 'documented';
		say(
			`compatibility guard and examples in n8n ${version.version} (${version.label}), vendor replies ${shapes} ...`,
		);
		const result = await runCommand(command, args, {
			cwd: REPO_DIR,
			env: { ...process.env, N8N_E2E_VERSION: version.version, E2E_VENDOR_SHAPES: shapes },
			stream: true,
			allowFailure: true,
		});
		times.push(
			`n8n ${version.version}: ${result.code === 0 ? 'passed' : 'FAILED'} in ${elapsed(began)}`,
		);
		if (result.code !== 0) {
			say(times.join('; '));
			process.exit(result.code);
		}
	}
	say(times.join('; '));
}

const commands: Record<string, () => Promise<void>> = {
	install: installAll,
	test: testOlderVersions,
};
const command = commands[process.argv[2] ?? ''];
if (!command) {
	console.error(`usage: e2e-matrix ${Object.keys(commands).join('|')}`);
	process.exit(2);
}
command().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
