/*
 * `npm run test:live`: the vendors' replies against what the nodes assume, one line per
 * assumption, and a JSON report per vendor. A vendor whose key is set (SELLERPIC_API_KEY,
 * PIAPI_API_KEY) is checked for real; the others against the project's fakes (or skipped with
 * LIVE_REAL_ONLY=1). See docs/live-check.md.
 */
import { runLiveCheck } from './run';

runLiveCheck({ env: process.env, print: (line) => console.log(line) })
	.then(({ exitCode }) => {
		process.exitCode = exitCode;
	})
	.catch((error: unknown) => {
		console.error('The live check itself failed (a bug, not a finding):', error);
		process.exitCode = 2;
	});
