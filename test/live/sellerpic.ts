/* The live check of SellerPic: its calls as the nodes make them, each reply held against sellerpic.assumptions.ts. */
import { inspectImage } from '../../nodes/shared/image/inspect';
import { sellerPicProfile } from '../../nodes/vendors/sellerpic/profile';
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
import { rawLiteral } from './json';
import { hostOf, hours, statedLifetimeSeconds } from './links';
import type { VendorRun } from './record';
import { SELLERPIC_ASSUMPTIONS, CAP, LINK_HOURS } from './sellerpic.assumptions';
import { wrongKey, type InputImage, type VendorSetup } from './setup';

const A = SELLERPIC_ASSUMPTIONS;
const STATUS_ORDER = ['CREATED', 'RUNNING', 'SUCCESS', 'FAILED'];

/** HTTP 2xx with code 0 (and not success: false). */
function succeeded(reply: Reply) {
	return (
		reply.status >= 200 &&
		reply.status < 300 &&
		envelopeCode(reply) === '0' &&
		(reply.json as Record<string, unknown>).success !== false
	);
}

/** An id as text, every digit kept (parseLossless made long integers strings already). */
function idText(value: unknown): string | undefined {
	if (typeof value === 'string' && value !== '') return value;
	if (typeof value === 'number' && Number.isInteger(value)) return String(value);
	return undefined;
}

/** SellerPic's endpoints as the nodes call them, sent raw. */
function sellerPicApi(setup: VendorSetup) {
	const url = (path: string) => `${setup.baseUrl.replace(/\/+$/, '')}${path}`;
	const auth = (key = setup.apiKey) => ({ Authorization: `Bearer ${key}` });
	return {
		usage: (key?: string) => send({ url: url('/v1/api/usage'), headers: auth(key) }),
		status: (taskId: string, key?: string) =>
			send({ url: url(`/v1/api/generate?id=${encodeURIComponent(taskId)}`), headers: auth(key) }),
		upload(image: InputImage) {
			const boundary = `----liveCheck${Date.now().toString(16)}`;
			const extension = image.format === 'jpeg' ? 'jpg' : image.format;
			const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="live-check.${extension}"\r\nContent-Type: image/${image.format}\r\n\r\n`;
			return send({
				method: 'POST',
				url: url('/v1/api/upload'),
				headers: { ...auth(), 'Content-Type': `multipart/form-data; boundary=${boundary}` },
				body: Buffer.concat([
					Buffer.from(head),
					image.bytes,
					Buffer.from(`\r\n--${boundary}--\r\n`),
				]),
				timeoutMs: 180_000,
			});
		},
		create: (imageKey: string) =>
			send({
				method: 'POST',
				url: url('/v1/api/generate/promptSegmentation'),
				headers: { ...auth(), 'Content-Type': 'application/json' },
				body: JSON.stringify({ imageKey, prompt: setup.prompt }),
			}),
		downloadUrl: (resultId: string) =>
			send({
				url: url(
					`/v1/api/download?downloadFormat=png&id=${encodeURIComponent(resultId)}&uhd=false`,
				),
				headers: auth(),
			}),
	};
}

type SellerPicApi = ReturnType<typeof sellerPicApi>;

/** A well-formed task ID that no account has. */
const UNKNOWN_TASK_ID = '1000000000000000001';

export async function checkSellerPic(run: VendorRun, setup: VendorSetup): Promise<void> {
	const api = sellerPicApi(setup);

	const usage = await api.usage();
	const credits = dataOf(usage);
	run.expect(
		A.credentialTest,
		succeeded(usage) &&
			['remaining', 'total', 'usage'].every((field) => typeof credits?.[field] === 'number'),
		`${headline(usage)}, data ${JSON.stringify(credits)}`,
		[usage],
	);

	const bad = wrongKey('sp-');
	setup.redactor.add(bad);
	// The credential test's request, and a status check as the nodes make it.
	const wrongKeyReplies = [await api.usage(bad), await api.status(UNKNOWN_TASK_ID, bad)];
	run.expect(
		A.wrongKey,
		wrongKeyReplies.every(
			(reply) =>
				reply.status === 401 ||
				reply.status === 403 ||
				(isObject(reply.json) && reply.json.success === false),
		),
		wrongKeyReplies.map((reply) => described(reply)).join('; status check: '),
		wrongKeyReplies,
	);

	const unknown = await api.status(UNKNOWN_TASK_ID);
	run.expect(
		A.unknownTask,
		unknown.status === 404 ||
			(unknown.status < 500 &&
				envelopeCode(unknown) !== undefined &&
				envelopeCode(unknown) !== '0'),
		described(unknown),
		[unknown],
	);

	const image = setup.image ?? setup.uploadImage;
	run.note(
		`input image: ${image.source}, ${image.format} ${image.width}x${image.height}, prompt "${setup.prompt}"`,
	);
	const upload = await api.upload(image);
	const fileKey = dataOf(upload)?.fileKey;
	run.expect(
		A.upload,
		succeeded(upload) && typeof fileKey === 'string' && fileKey !== '',
		`${headline(upload)}, fileKey ${String(fileKey)}`,
		[upload],
	);
	if (typeof fileKey !== 'string' || !fileKey)
		return run.finish('no fileKey: no task could be created');

	const create = await api.create(fileKey);
	if (succeeded(create)) run.tasksCreated++;
	const taskId = idText(dataOf(create)?.id);
	const idLiteral = rawLiteral(create.text, 'id');
	const idAsSent = idLiteral?.startsWith('"')
		? 'a string'
		: `a JSON number of ${idLiteral?.length} digits`;
	run.expect(
		A.create,
		succeeded(create) && taskId !== undefined && sellerPicProfile.isTaskId(taskId),
		`${headline(create)}, id ${String(taskId)}${idLiteral ? ` (id as sent: ${idAsSent})` : ''}`,
		[create],
	);
	if (!taskId) return run.finish('no task id');

	const last = await pollTask(run, setup, api, taskId);
	if (!last) return run.finish('the task did not finish');
	const resultId = checkResults(run, last);
	if (!resultId) return run.finish('no result succeeded');
	if (!(await checkDownload(run, setup, api, resultId, image))) return run.finish('no mask file');

	if (!setup.overCapacity)
		return run.finish('over-capacity check not asked for (LIVE_OVER_CAPACITY=1)');
	await checkOverCapacity(run, api, fileKey);
}

/** Whether every result of a status reply is SUCCESS or FAILED. */
function finished(reply: Reply) {
	const list = dataOf(reply)?.resultList;
	return (
		Array.isArray(list) &&
		list.length > 0 &&
		list.every(
			(entry) =>
				isObject(entry) && ['SUCCESS', 'FAILED'].includes(String(entry.status).toUpperCase()),
		)
	);
}

/**
 * Checks the task at once after create, again a moment later (the check-too-soon finding), then a
 * poll gap apart until it is done. Gives the last good reply of a finished task.
 */
async function pollTask(run: VendorRun, setup: VendorSetup, api: SellerPicApi, taskId: string) {
	const checks: Reply[] = [];
	const seen: string[] = [];
	const started = Date.now();
	const check = async () => {
		const reply = await api.status(taskId);
		checks.push(reply);
		const list = dataOf(reply)?.resultList;
		const statuses = Array.isArray(list)
			? list.map((entry) => (isObject(entry) ? String(entry.status) : '?'))
			: ['(no resultList)'];
		const word = succeeded(reply)
			? statuses.join('+') || '(empty resultList)'
			: `(HTTP ${reply.status} code ${envelopeCode(reply)})`;
		if (seen[seen.length - 1] !== word) seen.push(word);
		return reply;
	};
	const first = await check();
	await sleep(setup.earlyCheckGapMs);
	const early = await check();
	const retryAfter = early.header('retry-after');
	run.expect(
		A.checkTooSoon,
		succeeded(early) || early.status === 429,
		`${Math.round(first.exchange.ms + setup.earlyCheckGapMs)} ms after the previous check: ${succeeded(early) ? `${headline(early)}, answered as usual` : described(early)}${retryAfter ? ` (Retry-After ${retryAfter})` : ''}`,
		[first, early],
	);

	let last = succeeded(early) ? early : first;
	const gap = Math.max(setup.pollGapMs, 1000 * Number(retryAfter ?? 0) || 0);
	while (!finished(last) && Date.now() - started < setup.maxWaitMs) {
		await sleep(gap);
		const reply = await check();
		if (succeeded(reply)) last = reply;
	}
	// The early check may be refused; every other check must carry the task's results.
	const everyCheckOk = checks.every(
		(reply) =>
			reply === early ||
			(succeeded(reply) &&
				Array.isArray(dataOf(reply)?.resultList) &&
				(dataOf(reply)!.resultList as unknown[]).length > 0),
	);
	const statuses = seen.filter((word) => !word.startsWith('('));
	const known = statuses
		.flatMap((word) => word.split('+'))
		.every((word) => STATUS_ORDER.includes(word.toUpperCase()));
	// SUCCESS and FAILED are both last: a task may end either way.
	const ranks = statuses.map((word) =>
		Math.max(...word.split('+').map((one) => Math.min(STATUS_ORDER.indexOf(one.toUpperCase()), 2))),
	);
	const inOrder = ranks.every((rank, index) => index === 0 || rank >= ranks[index - 1]);
	const took = Math.round((Date.now() - started) / 1000);
	run.expect(
		A.statuses,
		everyCheckOk && known && inOrder && finished(last),
		`${seen.join(' → ')} (${checks.length} checks over ${took} s)${finished(last) ? '' : ': not finished within the wait'}`,
		checks,
	);
	return finished(last) ? last : undefined;
}

/** The result fields of a finished task; gives the ID of a result that succeeded. */
function checkResults(run: VendorRun, last: Reply) {
	const results = dataOf(last)!.resultList as Record<string, unknown>[];
	const entries = results.map((entry) => ({
		id: idText(entry.id),
		status: String(entry.status).toUpperCase(),
		fileUrl: entry.fileUrl,
		errorCode: entry.errorCode,
		errorMsg: entry.errorMsg,
	}));
	run.expect(
		A.resultFields,
		entries.every(resultHolds),
		entries
			.map(
				(entry) =>
					`result ${entry.id} ${entry.status}, fileUrl ${entry.fileUrl ? 'filled' : 'empty'}${entry.status === 'FAILED' ? `, error ${String(entry.errorCode)}: ${String(entry.errorMsg)}` : ''}`,
			)
			.join('; '),
		[last],
	);
	return entries.find((entry) => entry.status === 'SUCCESS' && entry.id)?.id;
}

/**
 * Whether the nodes take a finished task's result: an id, a status, a FAILED one's error, fileUrl
 * a string, null or absent (the nodes then ask for a download URL).
 */
export function resultHolds(entry: {
	id: string | undefined;
	status: string;
	fileUrl: unknown;
	errorCode: unknown;
	errorMsg: unknown;
}) {
	return (
		entry.id !== undefined &&
		sellerPicProfile.isTaskId(entry.id) &&
		(entry.status !== 'FAILED' || entry.errorCode !== undefined || entry.errorMsg !== undefined) &&
		(entry.fileUrl === undefined || entry.fileUrl === null || typeof entry.fileUrl === 'string')
	);
}

/** The download URL (twice), its lifetime, the file without a key, the mask. True when a file came. */
async function checkDownload(
	run: VendorRun,
	setup: VendorSetup,
	api: SellerPicApi,
	resultId: string,
	image: InputImage,
) {
	const askedAt = new Date();
	const link = await api.downloadUrl(resultId);
	const fileUrl = dataOf(link)?.fileUrl;
	run.expect(
		A.downloadUrl,
		succeeded(link) && typeof fileUrl === 'string' && fileUrl !== '',
		`${headline(link)}, name ${String(dataOf(link)?.name)}, fileUrl on ${hostOf(String(fileUrl))}`,
		[link],
	);
	if (typeof fileUrl !== 'string' || !fileUrl) return false;

	const again = await api.downloadUrl(resultId);
	const againUrl = dataOf(again)?.fileUrl;
	run.expect(
		A.downloadUrlRepeat,
		againUrl === fileUrl,
		againUrl === fileUrl ? 'the same URL' : `another: ${String(againUrl)}`,
		[again],
	);

	const lifetime = statedLifetimeSeconds(fileUrl, askedAt);
	if (lifetime === undefined)
		run.notChecked(A.downloadUrlLifetime, `the URL states no lifetime (host ${hostOf(fileUrl)})`);
	else
		run.expect(
			A.downloadUrlLifetime,
			lifetime > (LINK_HOURS - 0.5) * 3600 && lifetime <= (LINK_HOURS + 0.2) * 3600,
			`the URL says ${hours(lifetime)}`,
		);

	const file = await send({ url: fileUrl, timeoutMs: 180_000 });
	run.expect(
		A.fileWithoutKey,
		file.status === 200 && file.bytes.length > 0,
		`${headline(file)}, ${file.bytes.length} bytes from ${hostOf(fileUrl)} (API host ${hostOf(setup.baseUrl)})`,
		[file],
	);
	if (file.status !== 200) return false;

	const mask = inspectImage(file.bytes);
	const contentType = file.header('content-type');
	run.expect(
		A.mask,
		mask?.format === 'png' && mask.width === image.width && mask.height === image.height,
		`${mask ? `${mask.format} ${mask.width}x${mask.height}` : 'not an image'}, input ${image.width}x${image.height}${contentType ? `, Content-Type ${contentType}` : ''}`,
	);
	return true;
}

/** The cap + 1 tasks at once: exactly one must be refused, with 30003. */
async function checkOverCapacity(run: VendorRun, api: SellerPicApi, fileKey: string) {
	const creates = await Promise.all(Array.from({ length: CAP + 1 }, () => api.create(fileKey)));
	const accepted = creates.filter(succeeded);
	run.tasksCreated += accepted.length;
	const refusals = creates.filter((reply) => !succeeded(reply));
	run.expect(
		A.overCapacity,
		refusals.length === 1 && envelopeCode(refusals[0]) === '30003',
		refusals.length
			? `${accepted.length} accepted, ${refusals.length} refused: ${described(refusals[0])}`
			: `all ${creates.length} accepted: no cap of ${CAP} seen`,
		refusals.length ? refusals : creates.slice(-1),
	);
}
