import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { piApiProfile } from '../../nodes/vendors/piapi/profile';
import { sellerPicProfile } from '../../nodes/vendors/sellerpic/profile';
import { checkPiApi, piApiTaskUsd } from './piapi';
import { PIAPI_ASSUMPTIONS } from './piapi.assumptions';
import { VendorRun, type Assumption, type Target, type VendorReport } from './record';
import { Redactor } from './redact';
import { checkSellerPic } from './sellerpic';
import { SELLERPIC_ASSUMPTIONS } from './sellerpic.assumptions';
import type { VendorCheck, VendorSetup } from './setup';
import {
	fakeSetup,
	imageAt,
	photo,
	positive,
	realSetup,
	type FakeOverrides,
	type VendorId,
} from './targets';

export interface LiveOptions {
	env: Record<string, string | undefined>;
	print: (line: string) => void;
	fakes?: FakeOverrides;
}

export interface LiveResult {
	exitCode: number;
	reports: VendorReport[];
	reportPaths: string[];
}

interface Vendor {
	id: VendorId;
	name: string;
	keyVariable: string;
	catalogue: Assumption[];
	check: VendorCheck;
}

const VENDORS: Vendor[] = [
	{
		id: 'sellerpic',
		name: 'SellerPic',
		keyVariable: 'SELLERPIC_API_KEY',
		catalogue: Object.values(SELLERPIC_ASSUMPTIONS),
		check: checkSellerPic,
	},
	{
		id: 'piapi',
		name: 'PiAPI',
		keyVariable: 'PIAPI_API_KEY',
		catalogue: Object.values(PIAPI_ASSUMPTIONS),
		check: checkPiApi,
	},
];

export async function runLiveCheck(options: LiveOptions): Promise<LiveResult> {
	const { env } = options;
	const redactor = new Redactor();
	const printed: string[] = [];
	const print = (line: string) => {
		const safe = redactor.text(line);
		printed.push(safe);
		options.print(safe);
	};
	const flag = (name: string) => ['1', 'true', 'yes'].includes((env[name] ?? '').toLowerCase());
	const settings = {
		overCapacity: flag('LIVE_OVER_CAPACITY'),
		sellerPicPollSeconds: positive(env, 'LIVE_SELLERPIC_POLL_SECONDS', 60),
		maxExtraTasks: Math.floor(positive(env, 'LIVE_MAX_EXTRA_TASKS', 6)),
		prompt: env.LIVE_PROMPT || 'product',
	};
	const realOnly = flag('LIVE_REAL_ONLY');
	const wanted = (env.LIVE_VENDORS ?? 'sellerpic,piapi').toLowerCase().split(/[\s,]+/);
	const reportDir = path.resolve(env.LIVE_REPORT_DIR || 'live-report');
	const date = new Date();
	const stamp = date.toISOString().replace(/[:.]/g, '-');
	for (const vendor of VENDORS) redactor.add(env[vendor.keyVariable]?.trim());

	const uploadPhoto = await photo();
	const someReal = VENDORS.some(
		(vendor) => wanted.includes(vendor.id) && env[vendor.keyVariable]?.trim(),
	);
	const liveImage = someReal ? await imageAt(env.LIVE_IMAGE_URL, print) : undefined;
	const cleanups: Array<() => Promise<void>> = [];
	const reports: VendorReport[] = [];
	const reportPaths: string[] = [];
	const keys: string[] = [];
	let fakeProblems = 0;
	try {
		print(`Live check of the vendors' replies, ${date.toISOString()}`);
		for (const vendor of VENDORS) {
			if (!wanted.includes(vendor.id)) continue;
			const key = env[vendor.keyVariable]?.trim();
			if (!key && realOnly) {
				print(
					`\n${vendor.name}: skipped: ${vendor.keyVariable} is not set and LIVE_REAL_ONLY=1 asks for real vendors only.`,
				);
				continue;
			}
			const target: Target = key ? 'real' : 'fake';
			const setup =
				target === 'real'
					? realSetup(vendor.id, key!, env, settings, uploadPhoto, liveImage, redactor, print)
					: await fakeSetup(vendor.id, uploadPhoto, redactor, options.fakes, cleanups);
			keys.push(setup.apiKey);
			const cost = costStatement(vendor, setup);
			print(
				`\n${vendor.name} (${target === 'real' ? `the real service, key from ${vendor.keyVariable}` : 'the local fake'}, ${setup.baseUrl})`,
			);
			print(`  cost: ${cost}`);
			const run = new VendorRun(
				vendor.name,
				target,
				setup.baseUrl,
				vendor.catalogue,
				redactor,
				print,
			);
			await vendor.check(run, setup);
			run.finish('not reached (a gap in the live check itself)');
			const tasks = `${run.tasksCreated} task(s)`;
			const spent =
				target === 'fake'
					? `nothing (local fake, ${tasks})`
					: vendor.id === 'sellerpic'
						? `0 credits (${tasks})`
						: `about $${(run.tasksCreated * piApiTaskUsd(setup.image?.width ?? 0, setup.image?.height ?? 0)).toFixed(2)} (${tasks})`;
			const report = run.report({ stated: cost, tasksCreated: run.tasksCreated, spent }, date, {
				package: `n8n-nodes-segmentation ${env.npm_package_version ?? ''}`.trim(),
				node: process.version,
			});
			const file = path.join(
				reportDir,
				`${vendor.id}${target === 'fake' ? '-fake' : ''}-${stamp}.json`,
			);
			mkdirSync(reportDir, { recursive: true });
			writeFileSync(file, redactor.text(`${JSON.stringify(report, null, '\t')}\n`));
			reports.push(report);
			reportPaths.push(file);
			const { holds, differs } = report.summary;
			const unchecked = report.summary['not checked'];
			print(
				`  ${holds} hold, ${differs} differ, ${unchecked} not checked; spent ${report.cost.spent}; report: ${shortPath(file)}`,
			);
			if (target === 'fake') fakeProblems += differs + unchecked;
		}
	} finally {
		for (const cleanup of cleanups.reverse()) await cleanup();
	}

	assertNoSecret(keys, printed, reports);
	const realDiffers = reports
		.filter((report) => report.target === 'real')
		.reduce((sum, report) => sum + report.summary.differs, 0);
	print('');
	if (!reports.length) print('Summary: no vendor checked.');
	else if (fakeProblems)
		print(
			`Summary: ${fakeProblems} assumption(s) do not hold against the fakes: the fakes or the checks are wrong (exit 1).`,
		);
	else if (realDiffers)
		print(`Summary: ${realDiffers} differ: attach the report(s) above to an issue.`);
	else {
		const unchecked = reports.reduce((sum, report) => sum + report.summary['not checked'], 0);
		const vendors = reports.map((report) => `${report.vendor} ${report.target}`).join(', ');
		print(
			`Summary: every assumption checked holds (${vendors})${unchecked ? `; ${unchecked} not checked (see why above)` : ''}.`,
		);
	}
	return { exitCode: fakeProblems ? 1 : 0, reports, reportPaths };
}

/** The file's path from the working directory when it is inside it, else its full path. */
function shortPath(file: string) {
	const relative = path.relative(process.cwd(), file);
	return relative.startsWith('..') ? file : relative;
}

/** No key (real or fake) may be in what was printed or kept: a leak is a bug of this program. */
function assertNoSecret(keys: string[], printed: string[], reports: VendorReport[]) {
	const kept = `${printed.join('\n')}\n${JSON.stringify(reports)}`;
	for (const key of keys)
		if (kept.includes(key))
			throw new Error('an API key reached the output or a report: redaction failed');
}

/** What a run will cost, stated before the first call. */
function costStatement(vendor: Vendor, setup: VendorSetup) {
	if (setup.target === 'fake') return 'nothing (local fake)';
	if (vendor.id === 'sellerpic') {
		const cap = sellerPicProfile.polling.maxConcurrentTasks;
		const extra = setup.overCapacity
			? `, then ${cap + 1} at once to pass the cap of ${cap} (0 credits)`
			: '';
		return `1 segmentation task, 0 credits (SellerPic segmentation is free)${extra}; usage, upload, status and download-URL calls are free. Status checks are ${setup.pollGapMs / 1000} s apart (one deliberately sooner), so it takes a few minutes.`;
	}
	if (!setup.image)
		return `no task (LIVE_IMAGE_URL is not set): only free calls (account info, upload, status of an unknown task).`;
	const usd = piApiTaskUsd(setup.image.width, setup.image.height);
	const megapixels = ((setup.image.width * setup.image.height) / 1e6).toFixed(2);
	const extra = setup.overCapacity
		? `; over capacity: up to ${setup.maxExtraTasks} more tasks at once (the plan's limit + 1, from /account/info, else ${piApiProfile.polling.maxConcurrentTasks}; at most LIVE_MAX_EXTRA_TASKS=${setup.maxExtraTasks}), up to $${(usd * setup.maxExtraTasks).toFixed(2)}`
		: '';
	return `1 segment task on ${setup.image.width}x${setup.image.height} (${megapixels} MP): about $${usd.toFixed(2)} ($0.01 per million pixels, at least 1 MP)${extra}; account info, upload and status checks are free.`;
}
