import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { makeProductPhoto } from '../fake/images';
import { startPiApiFake } from '../fake/piapi.fake';
import { startSellerPicFake } from '../fake/sellerpic.fake';
import { MIXED_SHAPES } from '../fake/shapes';
import { PIAPI_ASSUMPTIONS } from './piapi.assumptions';
import { runLiveCheck } from './run';
import { SELLERPIC_ASSUMPTIONS } from './sellerpic.assumptions';

/** The live check against the fakes, in-process: what `npm run test:live` prints and keeps. */
async function live(
	env: Record<string, string>,
	fakes?: Parameters<typeof runLiveCheck>[0]['fakes'],
) {
	const lines: string[] = [];
	const reportDir = mkdtempSync(path.join(tmpdir(), 'live-report-'));
	const result = await runLiveCheck({
		env: { LIVE_REPORT_DIR: reportDir, ...env },
		print: (line) => lines.push(line),
		fakes,
	});
	const files = result.reportPaths.map((file) => readFileSync(file, 'utf8'));
	rmSync(reportDir, { recursive: true, force: true });
	return { ...result, output: lines.join('\n'), files: files.join('\n') };
}

const DOCS = path.join(__dirname, '..', '..', 'docs', 'live-check.md');
const FAKE_KEY = /(sellerpic|piapi)-fake-[0-9a-f]{24}/;

async function serve(handler: http.RequestListener) {
	const server = http.createServer(handler);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('npm run test:live', () => {
	it('finds every assumption holding against the fakes, with no key in its output or reports', async () => {
		const { exitCode, reports, output, files } = await live({});
		expect(exitCode).toBe(0);
		expect(reports.map((report) => [report.vendor, report.target, report.summary])).toEqual([
			['SellerPic', 'fake', { holds: 14, differs: 0, 'not checked': 0 }],
			['PiAPI', 'fake', { holds: 14, differs: 0, 'not checked': 0 }],
		]);
		expect(output).toMatch(/Summary: every assumption checked holds/);
		expect(output).not.toMatch(FAKE_KEY);
		expect(files).not.toMatch(FAKE_KEY);
		for (const report of reports)
			for (const finding of report.findings) expect(finding.reliedOn.length).toBeGreaterThan(0);
	});

	it('fails the fake run when a fake answers otherwise than the nodes assume', async () => {
		const { exitCode, output } = await live(
			{ LIVE_VENDORS: 'sellerpic' },
			{ sellerpic: { concurrencyCap: 1 } },
		);
		expect(exitCode).toBe(1);
		expect(output).toMatch(
			/differs +over-capacity: 1 accepted, 5 refused.*\| reply: HTTP 200 \{"code":30003/,
		);
	});

	it('checks the words of a failed task and says why the later steps were not checked', async () => {
		const { exitCode, output } = await live(
			{},
			{ sellerpic: { taskOutcome: () => 'failed' }, piapi: { taskOutcome: () => 'failed' } },
		);
		expect(exitCode).toBe(1);
		expect(output).toMatch(/holds +statuses: CREATED → RUNNING → FAILED/);
		expect(output).toMatch(/holds +result-fields: result \d+ FAILED, fileUrl empty, error 50001: /);
		expect(output).toMatch(/not checked download-url: no result succeeded/);
		expect(output).toMatch(/holds +statuses: "pending" → "processing" → "failed"/);
		expect(output).toMatch(/holds +error-shape: the task failed: error \{"code":10000/);
		expect(output).toMatch(/not checked mask: the task failed/);
	});

	it('runs a vendor with a key as the real one: cost first, a difference reported (exit 0), the key nowhere', async () => {
		const sellerPicKey = 'sp-REAL-LOOKING-KEY-0123456789';
		const piApiKey = 'pi-REAL-LOOKING-KEY-0123456789';
		const sellerPic = await startSellerPicFake({
			apiKey: sellerPicKey,
			concurrencyCap: 1,
			fileUrlOnSuccess: true,
		});
		const piApi = await startPiApiFake({
			apiKey: piApiKey,
			uploadAllowed: false,
			outputShape: 'image_urls',
		});
		const photo = await makeProductPhoto({ width: 300, height: 200, seed: 3 });
		const image = await serve((_req, res) => res.end(photo));
		try {
			const { exitCode, reports, output, files } = await live({
				SELLERPIC_API_KEY: sellerPicKey,
				SELLERPIC_BASE_URL: sellerPic.baseUrl,
				LIVE_SELLERPIC_POLL_SECONDS: '0.05',
				PIAPI_API_KEY: piApiKey,
				PIAPI_BASE_URL: piApi.baseUrl,
				PIAPI_UPLOAD_BASE_URL: piApi.uploadBaseUrl,
				LIVE_IMAGE_URL: `${image.url}/photo.png`,
				LIVE_OVER_CAPACITY: '1',
			});
			expect(exitCode).toBe(0);
			expect(reports.map((report) => report.target)).toEqual(['real', 'real']);
			const lines = output.split('\n');
			expect(
				lines.findIndex((line) => line.includes('cost: 1 segmentation task, 0 credits')),
			).toBeLessThan(lines.findIndex((line) => line.includes('credential-test')));
			expect(output).toMatch(/cost: 1 segment task on 300x200 \(0\.06 MP\): about \$0\.01/);
			expect(output).toMatch(/holds +upload: HTTP 403, code 403: .*: the plan has no file uploads/);
			expect(output).toMatch(/holds +mask: png 300x200, input 300x200/);
			expect(output).toMatch(/Summary: 1 differ: attach the report/);
			// The main flow's task, and one of the six the over-capacity check sent at once (the fake's cap is 1).
			expect(reports[0].cost.tasksCreated).toBe(2);
			for (const key of [sellerPicKey, piApiKey]) {
				expect(output).not.toContain(key);
				expect(files).not.toContain(key);
			}
		} finally {
			await Promise.all([sellerPic.close(), piApi.close()]);
			image.server.close();
			image.server.closeAllConnections();
		}
	});

	it('stops before any call on a setting it cannot read', async () => {
		await expect(
			runLiveCheck({ env: { LIVE_SELLERPIC_POLL_SECONDS: 'soon' }, print: () => {} }),
		).rejects.toThrow('LIVE_SELLERPIC_POLL_SECONDS must be a positive number, got "soon"');
	});

	it('keeps a key a vendor echoes back out of its output and report', async () => {
		const key = 'sp-ECHOED-KEY-abcdef0123456789';
		const vendor = await serve((req, res) => {
			res.writeHead(req.url === '/v1/api/usage' ? 200 : 500, {
				'content-type': 'application/json',
			});
			res.end(
				JSON.stringify({
					code: 0,
					success: true,
					msg: `hello ${String(req.headers.authorization)}`,
					data: { apiKey: key },
				}),
			);
		});
		try {
			const { exitCode, output, files } = await live({
				LIVE_VENDORS: 'sellerpic',
				SELLERPIC_API_KEY: key,
				SELLERPIC_BASE_URL: vendor.url,
			});
			expect(exitCode).toBe(0);
			expect(output).toContain('[redacted]');
			expect(output).not.toContain(key);
			expect(files).not.toContain(key);
			expect(files).toContain('[redacted]');
		} finally {
			vendor.server.close();
			vendor.server.closeAllConnections();
		}
	});
});

/** The live check against fakes set to `fakes`: every assumption holds, exit 0, no key anywhere. */
async function holdsOn(vendors: string, fakes: Parameters<typeof live>[1]) {
	const run = await live({ LIVE_VENDORS: vendors }, fakes);
	expect(run.reports.map((report) => [report.vendor, report.summary])).toEqual(
		run.reports.map((report) => [report.vendor, { holds: 14, differs: 0, 'not checked': 0 }]),
	);
	expect(run.exitCode).toBe(0);
	expect(run.output).toMatch(/Summary: every assumption checked holds/);
	expect(run.output).not.toMatch(FAKE_KEY);
	expect(run.files).not.toMatch(FAKE_KEY);
	return run;
}

describe('the reply shapes public clients show, sent by the fakes', () => {
	it('hold: SellerPic ids as bare 19-digit numbers, 30003 in an HTTP 400 reply', async () => {
		const { output } = await holdsOn('sellerpic', {
			sellerpic: { idsAsNumbers: true, capacityRefusalStatus: 400 },
		});
		expect(output).toMatch(
			/holds +create: HTTP 200, code 0, id \d{19} \(id as sent: a JSON number of 19 digits\)/,
		);
		expect(output).toMatch(/holds +result-fields: result \d{19} SUCCESS/);
		expect(output).toMatch(/holds +over-capacity: 5 accepted, 1 refused: HTTP 400, code 30003/);
	});

	it('hold: a SellerPic upload reply with a request_id, an upload named after its bytes', async () => {
		const { output } = await holdsOn('sellerpic', {
			sellerpic: { uploadReplyWithRequestId: true, uploadNameMustMatchBytes: true },
		});
		expect(output).toMatch(/holds +upload: HTTP 200, code 0, fileKey \S+/);
	});

	it('hold: a SellerPic task of several results, one of them failed', async () => {
		const { output } = await holdsOn('sellerpic', {
			sellerpic: {
				resultsPerTask: 3,
				resultOutcome: (_task, index) => (index === 1 ? 'failed' : 'success'),
			},
		});
		expect(output).toMatch(/holds +statuses: .*SUCCESS\+FAILED\+SUCCESS/);
		expect(output).toMatch(
			/holds +result-fields: result \d+ SUCCESS, fileUrl \w+; result \d+ FAILED, fileUrl empty, error 50001: [^;]+; result \d+ SUCCESS/,
		);
	});

	it('hold: PiAPI statuses "", in_progress, success; an upload URL at the top level; error as a string', async () => {
		const { output } = await holdsOn('piapi', {
			piapi: {
				statusWords: { pending: '', processing: 'in_progress', completed: 'success' },
				uploadUrlAt: 'top',
				taskErrorShape: 'string',
			},
		});
		expect(output).toMatch(/holds +upload: HTTP 200(, code 200)?, url at url \(top level\)/);
		expect(output).toMatch(
			/holds +statuses: "" → ("in_progress" → )?"success" .*words beyond the unified five: , (in_progress, )?success/,
		);
		expect(output).toMatch(/holds +error-shape: error ""/);
		expect(output).toMatch(/holds +over-capacity: 2 accepted, 1 refused: HTTP 429/);
	});

	it('hold: PiAPI statuses capitalised, success as code 0', async () => {
		const { output } = await holdsOn('piapi', {
			piapi: { capitalisedStatus: true, successCode: 0 },
		});
		expect(output).toMatch(/holds +create: HTTP 200, code 0, task_id /);
		expect(output).toMatch(/holds +statuses: "Pending" → ("Processing" → )?"Completed"/);
	});

	it('hold: a failed PiAPI task whose error is a string', async () => {
		const { exitCode, output } = await live(
			{ LIVE_VENDORS: 'piapi' },
			{ piapi: { taskErrorShape: 'string', taskOutcome: () => 'failed' } },
		);
		// The later steps need a mask: not checked, so the fake run exits 1.
		expect(exitCode).toBe(1);
		expect(output).toMatch(/holds +error-shape: the task failed: error "[^"]+"/);
		expect(output).not.toMatch(FAKE_KEY);
	});

	it.each([
		['image_url', 'image_url: string'],
		['image_urls', 'image_urls: 1 URL\\(s\\)'],
		['image_url+image_urls', 'image_url: string, image_urls: 1 URL\\(s\\)'],
		['image_url+null', 'image_url: string, image_urls: null'],
		['temporary_image_urls', 'temporary_image_urls: 1 URL\\(s\\)'],
		['image_url+temporary', 'image_url: string, temporary_image_urls: 1 URL\\(s\\)'],
	] as const)('hold: PiAPI output as %s', async (outputShape, fields) => {
		const { output } = await holdsOn('piapi', { piapi: { outputShape } });
		expect(output).toMatch(new RegExp(`holds +output-fields: output \\{${fields}\\}`));
	});

	it('hold: PiAPI masks one per thing in the prompt, every one a PNG of the input', async () => {
		// The fakes' own runs prompt "product": a prompt of two things needs the run with a key.
		const key = 'pi-masks-key-0123456789';
		const fake = await startPiApiFake({
			apiKey: key,
			masksPerPromptThing: true,
			outputShape: 'image_url+image_urls',
		});
		const photo = await makeProductPhoto({ width: 320, height: 240, seed: 5 });
		const image = await serve((_req, res) => res.end(photo));
		try {
			const { output, files, reports } = await live({
				LIVE_VENDORS: 'piapi',
				PIAPI_API_KEY: key,
				PIAPI_BASE_URL: fake.baseUrl,
				PIAPI_UPLOAD_BASE_URL: fake.uploadBaseUrl,
				LIVE_IMAGE_URL: `${image.url}/photo.png`,
				LIVE_PROMPT: 'shoe,bag',
			});
			expect(output).toMatch(
				/holds +output-fields: output \{image_url: string, image_urls: 2 URL\(s\)\}/,
			);
			expect(output).toMatch(/holds +mask: png 320x240, png 320x240; input 320x240/);
			expect(reports[0].summary).toEqual({ holds: 13, differs: 0, 'not checked': 1 });
			expect(output).not.toContain(key);
			expect(files).not.toContain(key);
		} finally {
			await fake.close();
			image.server.close();
			image.server.closeAllConnections();
		}
	});

	it('hold: every shape at once (MIXED_SHAPES), both vendors', async () => {
		const { reports } = await holdsOn('sellerpic,piapi', {
			sellerpic: MIXED_SHAPES.sellerPic,
			piapi: MIXED_SHAPES.piApi,
		});
		expect(reports.map((report) => report.vendor)).toEqual(['SellerPic', 'PiAPI']);
	});
});

describe('a reply the nodes cannot take', () => {
	it('differs: an unknown SellerPic task answered with success and no task', async () => {
		const key = 'sp-unknown-task-key-0123456789';
		const fake = await startSellerPicFake({ apiKey: key });
		// The status check of the unknown ID is the first one the key passes.
		fake.injectFault({ endpoint: 'taskStatus', kind: 'envelopeError', code: 0, msg: 'success' });
		try {
			const { exitCode, output, files } = await live({
				LIVE_VENDORS: 'sellerpic',
				SELLERPIC_API_KEY: key,
				SELLERPIC_BASE_URL: fake.baseUrl,
				LIVE_SELLERPIC_POLL_SECONDS: '0.05',
			});
			expect(exitCode).toBe(0);
			// The line docs/live-check.md shows, but for the trace ID.
			const docsLine = readFileSync(DOCS, 'utf8')
				.split('\n')
				.find((line) => line.includes('differs     unknown-task'))!
				.trim();
			const withTrace = (line: string) => line.replace(/"traceId":"[0-9a-f]+"/, '"traceId":"…"');
			const printed = output
				.split('\n')
				.find((line) => line.includes('unknown-task'))!
				.trim();
			expect(withTrace(printed)).toBe(withTrace(docsLine));
			expect(output).toMatch(/Summary: 1 differ: attach the report/);
			expect(output).not.toContain(key);
			expect(files).not.toContain(key);
		} finally {
			await fake.close();
		}
	});
});

describe('docs/live-check.md', () => {
	it('lists every check with its id', () => {
		const docs = readFileSync(DOCS, 'utf8');
		for (const [vendor, catalogue] of [
			['SellerPic', SELLERPIC_ASSUMPTIONS],
			['PiAPI', PIAPI_ASSUMPTIONS],
		] as const) {
			const section = docs.slice(docs.indexOf(`### ${vendor}\n`));
			for (const { id } of Object.values(catalogue)) expect(section).toContain(`| \`${id}\``);
		}
	});
});
