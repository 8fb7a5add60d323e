import { randomUUID } from 'node:crypto';

import { inspectImage } from '../../nodes/shared/image/inspect';
import { PIAPI_MODEL, piApiProfile } from '../../nodes/vendors/piapi/profile';
import { brief, dataOf, headline, isObject, send, sleep, type Reply } from './http';
import type { Assumption, VendorRun } from './record';
import { wrongKey, type VendorSetup } from './setup';

const CLIENT = 'nodes/vendors/piapi/client.ts';
const CREDENTIAL = 'credentials/PiApiApi.credentials.ts';
const PROFILE = 'nodes/vendors/piapi/profile.ts';
const DEFAULT_CAP = piApiProfile.polling.maxConcurrentTasks;

/** What the nodes assume of PiAPI, and where they rely on it. */
export const PIAPI_ASSUMPTIONS = {
	credentialTest: {
		id: 'credential-test',
		claim: 'GET /account/info with x-api-key answers HTTP 200, code 200 (or 0), a data object',
		reliedOn: [`${CREDENTIAL} test (request; only HTTP 401 fails it)`],
	},
	accountConcurrency: {
		id: 'account-concurrency',
		claim:
			"data.max_concurrent_task_count of /account/info, when present, is a whole number >= 1 (the plan's tasks at once); absent, the nodes learn the limit",
		reliedOn: [
			'issue 28 point 2: PiAPI Segment starts at that many tasks',
			`${PROFILE} maxConcurrentTasks ${DEFAULT_CAP}`,
		],
	},
	wrongKey: {
		id: 'wrong-key',
		claim: 'a wrong key is refused with HTTP 401 (account info and task status)',
		reliedOn: [
			`${CREDENTIAL} test rule (401)`,
			`${CLIENT} unwrapEnvelope (401: check the API key)`,
		],
	},
	unknownTask: {
		id: 'unknown-task',
		claim:
			'GET /api/v1/task/<unknown id> is refused: HTTP 404 or an error code (not 200 or 0), never a task',
		reliedOn: [`${CLIENT} getTask (task-not-found hint)`],
	},
	upload: {
		id: 'upload',
		claim:
			'POST <upload host>/api/ephemeral_resource {file_name, file_data: data URI} answers HTTP 200 with data.url (or a top-level url); HTTP 403 means the plan has no uploads',
		reliedOn: [`${CLIENT} uploadOnce`],
	},
	uploadUrl: {
		id: 'upload-url',
		claim: 'the uploaded URL serves the same bytes, without a key',
		reliedOn: ['nodes/PiApiSegment (a binary image is given to the task as that URL)'],
	},
	create: {
		id: 'create',
		claim: 'POST /api/v1/task answers HTTP 200, code 200 (or 0), data.task_id a UUID string',
		reliedOn: [`${CLIENT} createSegmentTask`, `${PROFILE} isTaskId (UUID)`],
	},
	statuses: {
		id: 'statuses',
		claim:
			'statuses (create reply included) are pending, staged, processing, completed, failed (or success, in_progress, "", any case), in that order, ending completed',
		reliedOn: [`${CLIENT} STATUS_BY_VENDOR, toSegmentationTask`],
	},
	outputFields: {
		id: 'output-fields',
		claim:
			'a completed task has output.image_url (a string) and/or output.image_urls (strings, or null) or output.temporary_image_urls: at least one URL',
		reliedOn: [`${CLIENT} outputUrls`],
	},
	metaTimes: {
		id: 'meta-times',
		claim:
			'meta.created_at and meta.ended_at of a finished task are RFC 3339 times, ended >= created',
		reliedOn: [`${CLIENT} reportedDuration`],
	},
	errorShape: {
		id: 'error-shape',
		claim: 'a completed task states no error: error absent, null, "", or code 0 with no message',
		reliedOn: [`${CLIENT} toSegmentationTask (hasError)`],
	},
	fileWithoutKey: {
		id: 'file-without-key',
		claim: 'the output URL is fetched without the API key: HTTP 200 and its bytes',
		reliedOn: [`${CLIENT} downloadPiApiResult`, 'nodes/shared/transport/download.ts downloadFile'],
	},
	mask: {
		id: 'mask',
		claim: "every output file is a PNG of the input image's width and height",
		reliedOn: [
			'nodes/vendors/piapi/download-url.ts (masks named .png)',
			'nodes/shared/task/download-url.ts mimeOf',
		],
	},
	overCapacity: {
		id: 'over-capacity',
		claim:
			"over the plan's limit a create is refused with HTTP 429 (Retry-After) or an envelope code 429, and the limit is the one /account/info reports",
		reliedOn: [
			`${CLIENT} unwrapEnvelope (code 429)`,
			'nodes/shared/transport/replies.ts httpStatusError (429: atCapacity)',
		],
	},
} satisfies Record<string, Assumption>;

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
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function codeOf(reply: Reply) {
	return isObject(reply.json) && reply.json.code !== undefined
		? String(reply.json.code)
		: undefined;
}

/** HTTP 200 and an envelope code of 200 or 0 (or none). */
function succeeded(reply: Reply) {
	const code = codeOf(reply);
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

export async function checkPiApi(run: VendorRun, setup: VendorSetup): Promise<void> {
	const api = (path: string) => `${setup.baseUrl.replace(/\/+$/, '')}${path}`;
	const auth = (key = setup.apiKey) => ({ 'x-api-key': key });

	const account = await send({ url: api('/account/info'), headers: auth() });
	const info = dataOf(account);
	run.expect(
		A.credentialTest,
		succeeded(account) && info !== undefined,
		`${headline(account)}, data fields: ${info ? Object.keys(info).join(', ') : 'none'}`,
		[account],
	);
	const reported = info?.max_concurrent_task_count;
	if (reported === undefined)
		run.holds(A.accountConcurrency, 'not reported: the nodes learn the limit');
	else
		run.expect(
			A.accountConcurrency,
			Number.isInteger(reported) && (reported as number) >= 1,
			`max_concurrent_task_count: ${JSON.stringify(reported)}`,
		);

	const bad = wrongKey('pi-');
	setup.redactor.add(bad);
	// The credential test's request, and a status check as the nodes make it.
	const wrongKeyReplies = [
		await send({ url: api('/account/info'), headers: auth(bad) }),
		await send({ url: api(`/api/v1/task/${randomUUID()}`), headers: auth(bad) }),
	];
	run.expect(
		A.wrongKey,
		wrongKeyReplies.every((reply) => reply.status === 401),
		wrongKeyReplies.map((reply) => brief(reply, 160)).join('; task status: '),
		wrongKeyReplies,
	);

	const unknown = await send({ url: api(`/api/v1/task/${randomUUID()}`), headers: auth() });
	run.expect(
		A.unknownTask,
		unknown.status === 404 ||
			(unknown.status < 500 && !succeeded(unknown) && codeOf(unknown) !== undefined),
		brief(unknown, 200),
		[unknown],
	);

	const upload = setup.uploadImage;
	const uploaded = await send({
		method: 'POST',
		url: `${(setup.uploadBaseUrl ?? '').replace(/\/+$/, '')}/api/ephemeral_resource`,
		headers: { ...auth(), 'Content-Type': 'application/json' },
		body: JSON.stringify({
			file_name: `live-check.${upload.format === 'jpeg' ? 'jpg' : upload.format}`,
			file_data: `data:image/${upload.format};base64,${upload.bytes.toString('base64')}`,
		}),
		timeoutMs: 180_000,
	});
	const uploadedUrl = isObject(uploaded.json)
		? (dataOf(uploaded)?.url ?? uploaded.json.url)
		: undefined;
	if (uploaded.status === 403) {
		run.holds(
			A.upload,
			`${brief(uploaded, 200)}: the plan has no file uploads (as the node tells the user)`,
			[uploaded],
		);
		run.notChecked(A.uploadUrl, 'uploads need a paid plan');
	} else {
		run.expect(
			A.upload,
			succeeded(uploaded) && typeof uploadedUrl === 'string' && uploadedUrl !== '',
			`${headline(uploaded)}, url at ${dataOf(uploaded)?.url ? 'data.url' : isObject(uploaded.json) && uploaded.json.url ? 'url (top level)' : 'neither data.url nor url'}`,
			[uploaded],
		);
		if (typeof uploadedUrl === 'string' && uploadedUrl) {
			const fetched = await send({ url: uploadedUrl, timeoutMs: 180_000 });
			run.expect(
				A.uploadUrl,
				fetched.status === 200 && fetched.bytes.equals(upload.bytes),
				`${headline(fetched)}${fetched.status === 200 ? (fetched.bytes.equals(upload.bytes) ? ', the same bytes' : ', other bytes') : ''}`,
				[fetched],
			);
		}
	}

	if (!setup.image?.url)
		return run.finish('no task: set LIVE_IMAGE_URL (a public image PiAPI can fetch)');
	const image = setup.image;
	run.note(
		`input image: ${image.source}, ${image.format} ${image.width}x${image.height}, prompt "${setup.prompt}"`,
	);
	const createTask = () =>
		send({
			method: 'POST',
			url: api('/api/v1/task'),
			headers: { ...auth(), 'Content-Type': 'application/json' },
			body: JSON.stringify({
				model: PIAPI_MODEL,
				task_type: 'segment',
				input: { image: image.url, prompt: setup.prompt, negative_prompt: '', segment_factor: 0 },
			}),
		});
	const create = await createTask();
	const taskId = dataOf(create)?.task_id;
	if (succeeded(create)) run.tasksCreated++;
	run.expect(
		A.create,
		succeeded(create) && typeof taskId === 'string' && UUID.test(taskId),
		`${headline(create)}, task_id ${String(taskId)}`,
		[create],
	);
	if (typeof taskId !== 'string' || !taskId) return run.finish('no task id');

	const checks: Reply[] = [create];
	const seen = [statusOf(create)];
	const started = Date.now();
	let last = create;
	const done = (reply: Reply) => RANK[statusOf(reply).toLowerCase()] === 2;
	while (!done(last) && Date.now() - started < setup.maxWaitMs) {
		await sleep(setup.pollGapMs);
		const reply = await send({
			url: api(`/api/v1/task/${encodeURIComponent(taskId)}`),
			headers: auth(),
		});
		checks.push(reply);
		const word = succeeded(reply)
			? statusOf(reply)
			: `(HTTP ${reply.status} code ${codeOf(reply)})`;
		if (seen[seen.length - 1] !== word) seen.push(word);
		if (succeeded(reply)) last = reply;
	}
	const ranks = seen.map((word) => RANK[word.toLowerCase()]);
	const known = ranks.every((rank) => rank !== undefined);
	const inOrder = ranks.every((rank, index) => index === 0 || rank >= ranks[index - 1]);
	const final = statusOf(last).toLowerCase();
	const extraWords = seen.filter((word) => !UNIFIED.includes(word));
	run.expect(
		A.statuses,
		known && inOrder && (final === 'completed' || final === 'success'),
		`${seen.map((word) => JSON.stringify(word)).join(' → ')} (${checks.length - 1} checks over ${Math.round((Date.now() - started) / 1000)} s)${extraWords.length ? `; beyond the unified five: ${extraWords.join(', ')}` : ''}`,
		checks,
	);
	if (!done(last)) return run.finish('the task did not finish');
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
	const statesError =
		(typeof error === 'string' && error !== '') ||
		(isObject(error) &&
			((error.code !== undefined && Number(error.code) !== 0) ||
				Boolean(error.message || error.raw_message)));
	if (final === 'failed') {
		run.notChecked(A.errorShape, `the task failed: error ${JSON.stringify(error)}`, [last]);
		return run.finish('the task failed');
	}
	run.expect(A.errorShape, !statesError, `error ${JSON.stringify(error)}`);

	const output = isObject(data.output) ? data.output : undefined;
	const urls: string[] = [];
	for (const field of ['image_url', 'image_urls', 'temporary_image_urls']) {
		const value = output?.[field];
		for (const url of Array.isArray(value) ? value : [value])
			if (typeof url === 'string' && url && !urls.includes(url)) urls.push(url);
	}
	const fieldsOk =
		output !== undefined &&
		(output.image_url === undefined || typeof output.image_url === 'string') &&
		(output.image_urls === undefined ||
			output.image_urls === null ||
			Array.isArray(output.image_urls)) &&
		urls.length > 0;
	const shape = output
		? Object.entries(output)
				.map(
					([key, value]) =>
						`${key}: ${Array.isArray(value) ? `${value.length} URL(s)` : value === null ? 'null' : typeof value}`,
				)
				.join(', ')
		: JSON.stringify(data.output);
	run.expect(A.outputFields, fieldsOk, `output {${shape}}`, [last]);
	if (!urls.length) return run.finish('no output URL');

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

	if (!setup.overCapacity)
		return run.finish('over-capacity check not asked for (LIVE_OVER_CAPACITY=1)');
	const reportedCap = Number.isInteger(reported) ? (reported as number) : undefined;
	const cap = setup.capacity ?? reportedCap ?? DEFAULT_CAP;
	if (cap + 1 > setup.maxExtraTasks)
		return run.finish(
			`the plan allows ${cap} tasks at once: ${cap + 1} tasks exceed LIVE_MAX_EXTRA_TASKS=${setup.maxExtraTasks}`,
		);
	const creates = await Promise.all(Array.from({ length: cap + 1 }, createTask));
	const accepted = creates.filter(succeeded);
	run.tasksCreated += accepted.length;
	const refusals = creates.filter((reply) => !succeeded(reply));
	const seenText = refusals.length
		? `${accepted.length} accepted, ${refusals.length} refused: ${brief(refusals[0])}; Retry-After ${refusals[0].header('retry-after') ?? 'absent'}`
		: `all ${creates.length} accepted`;
	if (!refusals.length && reportedCap === undefined && setup.capacity === undefined)
		run.notChecked(
			A.overCapacity,
			`${seenText}: the plan allows more than ${cap}`,
			creates.slice(-1),
		);
	else
		run.expect(
			A.overCapacity,
			refusals.length === 1 &&
				refusals.every((reply) => reply.status === 429 || codeOf(reply) === '429'),
			`${seenText}${reportedCap !== undefined ? ` (account reports ${reportedCap})` : ''}`,
			refusals.length ? refusals : creates.slice(-1),
		);
	run.finish('');
}
