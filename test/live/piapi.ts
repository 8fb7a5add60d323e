/* The live check of PiAPI: its calls as the nodes make them, each reply held against piapi.assumptions.ts. */
import { randomUUID } from 'node:crypto';

import { inspectImage } from '../../nodes/shared/image/inspect';
import { PIAPI_MODEL } from '../../nodes/vendors/piapi/profile';
import {
	dataOf,
	described,
	envelopeCode,
	headline,
	isObject,
	send,
	sleep,
	type Reply,
} from './http';
import type { VendorRun } from './record';
import { PIAPI_ASSUMPTIONS, DEFAULT_CAP } from './piapi.assumptions';
import { wrongKey, type InputImage, type VendorSetup } from './setup';

const A = PIAPI_ASSUMPTIONS;
const RANK: Record<string, number> = {
	'': 0,
	pending: 0,
	staged: 0,
	processing: 1,
	in_progress: 1,
	completed: 2,
	success: 2,
	failed: 2,
};
const UNIFIED = ['pending', 'staged', 'processing', 'completed', 'failed'];
const OUTPUT_FIELDS = ['image_url', 'image_urls', 'temporary_image_urls'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** HTTP 200 and an envelope code of 200 or 0 (or none). */
function succeeded(reply: Reply) {
	const code = envelopeCode(reply);
	return (
		reply.status === 200 &&
		isObject(reply.json) &&
		(code === undefined || code === '200' || code === '0')
	);
}

function statusOf(reply: Reply) {
	const status = dataOf(reply)?.status;
	return typeof status === 'string'
		? status
		: `(${status === undefined ? 'no status' : JSON.stringify(status)})`;
}

/** Price of one segment task on an image: $0.01 per million pixels, at least 1 MP. */
export function piApiTaskUsd(width: number, height: number) {
	return 0.01 * Math.max(1, (width * height) / 1e6);
}

/** PiAPI's endpoints as the nodes call them, sent raw. */
function piApiApi(setup: VendorSetup) {
	const url = (base: string, path: string) => `${base.replace(/\/+$/, '')}${path}`;
	const auth = (key = setup.apiKey) => ({ 'x-api-key': key });
	const json = { 'Content-Type': 'application/json' };
	return {
		account: (key?: string) =>
			send({ url: url(setup.baseUrl, '/account/info'), headers: auth(key) }),
		task: (taskId: string, key?: string) =>
			send({
				url: url(setup.baseUrl, `/api/v1/task/${encodeURIComponent(taskId)}`),
				headers: auth(key),
			}),
		upload: (image: InputImage) =>
			send({
				method: 'POST',
				url: url(setup.uploadBaseUrl ?? '', '/api/ephemeral_resource'),
				headers: { ...auth(), ...json },
				body: JSON.stringify({
					file_name: `live-check.${image.format === 'jpeg' ? 'jpg' : image.format}`,
					file_data: `data:image/${image.format};base64,${image.bytes.toString('base64')}`,
				}),
				timeoutMs: 180_000,
			}),
		create: (imageUrl: string) =>
			send({
				method: 'POST',
				url: url(setup.baseUrl, '/api/v1/task'),
				headers: { ...auth(), ...json },
				body: JSON.stringify({
					model: PIAPI_MODEL,
					task_type: 'segment',
					input: { image: imageUrl, prompt: setup.prompt, negative_prompt: '', segment_factor: 0 },
				}),
			}),
	};
}

type PiApiApi = ReturnType<typeof piApiApi>;

export async function checkPiApi(run: VendorRun, setup: VendorSetup): Promise<void> {
	const api = piApiApi(setup);
	const reportedCap = await checkAccount(run, api);

	const bad = wrongKey('pi-');
	setup.redactor.add(bad);
	// The credential test's request, and a status check as the nodes make it.
	const wrongKeyReplies = [await api.account(bad), await api.task(randomUUID(), bad)];
	run.expect(
		A.wrongKey,
		wrongKeyReplies.every((reply) => reply.status === 401),
		wrongKeyReplies.map((reply) => described(reply)).join('; task status: '),
		wrongKeyReplies,
	);

	const unknown = await api.task(randomUUID());
	run.expect(
		A.unknownTask,
		unknown.status === 404 ||
			(unknown.status < 500 && !succeeded(unknown) && envelopeCode(unknown) !== undefined),
		described(unknown),
		[unknown],
	);

	await checkUpload(run, api, setup.uploadImage);

	if (!setup.image?.url)
		return run.finish('no task: set LIVE_IMAGE_URL (a public image PiAPI can fetch)');
	const image = { ...setup.image, url: setup.image.url };
	run.note(
		`input image: ${image.source}, ${image.format} ${image.width}x${image.height}, prompt "${setup.prompt}"`,
	);
	const create = await api.create(image.url);
	const taskId = dataOf(create)?.task_id;
	if (succeeded(create)) run.tasksCreated++;
	run.expect(
		A.create,
		succeeded(create) && typeof taskId === 'string' && UUID.test(taskId),
		`${headline(create)}, task_id ${String(taskId)}`,
		[create],
	);
	if (typeof taskId !== 'string' || !taskId) return run.finish('no task id');

	const last = await pollTask(run, setup, api, create, taskId);
	if (!last) return run.finish('the task did not finish');
	const urls = checkFinishedTask(run, last);
	if (!urls?.length) return run.finish(urls ? 'no output URL' : 'the task failed');
	await checkFiles(run, urls, image);

	if (!setup.overCapacity)
		return run.finish('over-capacity check not asked for (LIVE_OVER_CAPACITY=1)');
	await checkOverCapacity(run, setup, api, image.url, reportedCap);
}

/** The credential test's request, and the plan's concurrency it may report. */
async function checkAccount(run: VendorRun, api: PiApiApi) {
	const account = await api.account();
	const info = dataOf(account);
	run.expect(
		A.credentialTest,
		succeeded(account) && info !== undefined,
		`${headline(account)}, data fields: ${info ? Object.keys(info).join(', ') : 'none'}`,
		[account],
	);
	const reported = info?.max_concurrent_task_count;
	if (reported === undefined) {
		run.holds(A.accountConcurrency, 'not reported: the nodes learn the limit');
		return undefined;
	}
	const valid = typeof reported === 'number' && Number.isInteger(reported) && reported >= 1;
	run.expect(A.accountConcurrency, valid, `max_concurrent_task_count: ${JSON.stringify(reported)}`);
	return valid ? (reported as number) : undefined;
}

/** The upload (403: no uploads on this plan, as the node says) and the URL it gives. */
async function checkUpload(run: VendorRun, api: PiApiApi, image: InputImage) {
	const uploaded = await api.upload(image);
	if (uploaded.status === 403) {
		run.holds(
			A.upload,
			`${described(uploaded)}: the plan has no file uploads (as the node tells the user)`,
			[uploaded],
		);
		return run.notChecked(A.uploadUrl, 'uploads need a paid plan');
	}
	const body = isObject(uploaded.json) ? uploaded.json : {};
	const nested = dataOf(uploaded)?.url;
	const url = nested ?? body.url;
	const where = nested ? 'data.url' : body.url ? 'url (top level)' : 'neither data.url nor url';
	run.expect(
		A.upload,
		succeeded(uploaded) && typeof url === 'string' && url !== '',
		`${headline(uploaded)}, url at ${where}`,
		[uploaded],
	);
	if (typeof url !== 'string' || !url) return run.notChecked(A.uploadUrl, 'no uploaded URL');
	const fetched = await send({ url, timeoutMs: 180_000 });
	const same = fetched.bytes.equals(image.bytes);
	run.expect(
		A.uploadUrl,
		fetched.status === 200 && same,
		`${headline(fetched)}${fetched.status === 200 ? (same ? ', the same bytes' : ', other bytes') : ''}`,
		[fetched],
	);
}

/** Checks the task a poll gap apart until it ends; gives its last good reply, if it ended. */
async function pollTask(
	run: VendorRun,
	setup: VendorSetup,
	api: PiApiApi,
	create: Reply,
	taskId: string,
) {
	const checks: Reply[] = [create];
	const seen = [statusOf(create)];
	const started = Date.now();
	let last = create;
	const done = (reply: Reply) => RANK[statusOf(reply).toLowerCase()] === 2;
	while (!done(last) && Date.now() - started < setup.maxWaitMs) {
		await sleep(setup.pollGapMs);
		const reply = await api.task(taskId);
		checks.push(reply);
		const word = succeeded(reply)
			? statusOf(reply)
			: `(HTTP ${reply.status} code ${envelopeCode(reply)})`;
		if (seen[seen.length - 1] !== word) seen.push(word);
		if (succeeded(reply)) last = reply;
	}
	const ranks = seen.map((word) => RANK[word.toLowerCase()]);
	const known = ranks.every((rank) => rank !== undefined);
	const inOrder = ranks.every((rank, index) => index === 0 || rank >= ranks[index - 1]);
	const extraWords = seen.filter((word) => !UNIFIED.includes(word.toLowerCase()));
	const took = Math.round((Date.now() - started) / 1000);
	run.expect(
		A.statuses,
		known && inOrder && done(last),
		`${seen.map((word) => JSON.stringify(word)).join(' → ')} (${checks.length - 1} checks over ${took} s)${done(last) ? '' : ': not finished within the wait'}${extraWords.length ? `; words beyond the unified five: ${extraWords.join(', ')}` : ''}`,
		checks,
	);
	return done(last) ? last : undefined;
}

/** meta times, error and output of a finished task: its output URLs, or undefined if it failed. */
function checkFinishedTask(run: VendorRun, last: Reply) {
	const data = dataOf(last)!;
	const meta = isObject(data.meta) ? data.meta : {};
	const created = Date.parse(String(meta.created_at));
	const ended = Date.parse(String(meta.ended_at));
	run.expect(
		A.metaTimes,
		!Number.isNaN(created) &&
			!Number.isNaN(ended) &&
			new Date(ended).getUTCFullYear() > 1 &&
			ended >= created,
		`created_at ${String(meta.created_at)}, ended_at ${String(meta.ended_at)}`,
	);

	const error = data.error;
	if (statusOf(last).toLowerCase() === 'failed') {
		const words =
			typeof error === 'string' ? error : isObject(error) ? error.message || error.raw_message : '';
		run.expect(
			A.errorShape,
			typeof words === 'string' && words !== '',
			`the task failed: error ${JSON.stringify(error)}`,
			[last],
		);
		return undefined;
	}
	const statesError =
		(typeof error === 'string' && error !== '') ||
		(isObject(error) &&
			((error.code !== undefined && Number(error.code) !== 0) ||
				Boolean(error.message || error.raw_message)));
	run.expect(A.errorShape, !statesError, `error ${JSON.stringify(error)}`);

	const output = isObject(data.output) ? data.output : undefined;
	const urls = outputUrls(output);
	const shape = output
		? Object.entries(output)
				.map(
					([key, value]) =>
						`${key}: ${Array.isArray(value) ? `${value.length} URL(s)` : value === null ? 'null' : typeof value}`,
				)
				.join(', ')
		: JSON.stringify(data.output);
	run.expect(A.outputFields, outputHolds(output), `output {${shape}}`, [last]);
	return urls;
}

/** Every URL of a completed task's output, each once: a field may hold one, a list, or null. */
function outputUrls(output: Record<string, unknown> | undefined) {
	const values = OUTPUT_FIELDS.flatMap((field) => [output?.[field]].flat());
	return [...new Set(values.filter((url): url is string => typeof url === 'string' && url !== ''))];
}

/**
 * Whether the nodes take a completed task's output: image_url a string or null, image_urls and
 * temporary_image_urls a list, one string or null (each absent too), and at least one URL.
 */
export function outputHolds(output: Record<string, unknown> | undefined) {
	if (!output) return false;
	const { image_url: single, ...lists } = output;
	const listsRead = ['image_urls', 'temporary_image_urls'].every((field) => {
		const value = lists[field];
		return (
			value === undefined || value === null || typeof value === 'string' || Array.isArray(value)
		);
	});
	const singleRead = single === undefined || single === null || typeof single === 'string';
	return singleRead && listsRead && outputUrls(output).length > 0;
}

/** Every output file (up to 4), fetched without a key: each a PNG of the input's size. */
async function checkFiles(run: VendorRun, urls: string[], image: InputImage) {
	const files = await Promise.all(urls.slice(0, 4).map((url) => send({ url, timeoutMs: 180_000 })));
	run.expect(
		A.fileWithoutKey,
		files.every((file) => file.status === 200 && file.bytes.length > 0),
		files.map((file) => `${headline(file)}, ${file.bytes.length} bytes`).join('; '),
		files,
	);
	const masks = files.map((file) => inspectImage(file.bytes));
	run.expect(
		A.mask,
		masks.every(
			(mask) =>
				mask?.format === 'png' && mask.width === image.width && mask.height === image.height,
		),
		`${masks.map((mask) => (mask ? `${mask.format} ${mask.width}x${mask.height}` : 'not an image')).join(', ')}; input ${image.width}x${image.height}`,
	);
}

/** The plan's limit + 1 tasks at once: exactly one must be refused, with 429. */
async function checkOverCapacity(
	run: VendorRun,
	setup: VendorSetup,
	api: PiApiApi,
	imageUrl: string,
	reportedCap: number | undefined,
) {
	const cap = reportedCap ?? DEFAULT_CAP;
	if (cap + 1 > setup.maxExtraTasks)
		return run.finish(
			`the plan allows ${cap} tasks at once: ${cap + 1} tasks exceed LIVE_MAX_EXTRA_TASKS=${setup.maxExtraTasks}`,
		);
	const creates = await Promise.all(Array.from({ length: cap + 1 }, () => api.create(imageUrl)));
	const accepted = creates.filter(succeeded);
	run.tasksCreated += accepted.length;
	const refusals = creates.filter((reply) => !succeeded(reply));
	const seen = refusals.length
		? `${accepted.length} accepted, ${refusals.length} refused: ${described(refusals[0])}; Retry-After ${refusals[0].header('retry-after') ?? 'absent'}`
		: `all ${creates.length} accepted`;
	if (!refusals.length && reportedCap === undefined)
		return run.notChecked(
			A.overCapacity,
			`${seen}: the plan allows more than ${cap}`,
			creates.slice(-1),
		);
	run.expect(
		A.overCapacity,
		refusals.length === 1 && (refusals[0].status === 429 || envelopeCode(refusals[0]) === '429'),
		`${seen}${reportedCap !== undefined ? ` (account reports ${reportedCap})` : ''}`,
		refusals.length ? refusals : creates.slice(-1),
	);
}
