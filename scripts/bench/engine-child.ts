// Runs one benchmark workflow in its own process, so its memory is measured apart from the
// fake vendors; prints a JSON line with the run's figures.
import '../../test/harness/environment';

import { readFileSync } from 'node:fs';

import { runWorkflow, type WorkflowJson } from '../../test/harness/engine';
import { NODE_UNDER_TEST } from '../../test/support/workflows';
import { RssSampler } from './rss';

interface ChildSpec {
	workflow: WorkflowJson;
	credentials: Record<string, Record<string, string>>;
}

async function main() {
	const spec = JSON.parse(readFileSync(process.argv[2], 'utf8')) as ChildSpec;
	global.gc?.();
	const sampler = new RssSampler();
	const run = await runWorkflow(spec.workflow, { credentials: spec.credentials });
	const rss = sampler.stop();
	const task = run.run.data.resultData.runData[NODE_UNDER_TEST]?.[0];
	const output = task?.data?.main?.[0] ?? [];
	const result = {
		status: run.status,
		error: task?.error?.message,
		items: output.length,
		succeeded: output.filter((item) => item.json.status === 'succeeded').length,
		nodeSeconds: (task?.executionTime ?? 0) / 1000,
		...rss,
	};
	process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
