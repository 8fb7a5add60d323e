import type { IDataObject } from 'n8n-workflow';

import { VendorApiError } from '../../shared/errors';
import { IDEMPOTENT_RETRY, isTransient, withRetries } from '../../shared/runtime/retry';
import { withHint } from '../../shared/task/vendor';
import type { FileData } from '../../shared/image/files';
import { uploadName } from '../../shared/transport/upload-name';
import {
	isDone,
	type SegmentationTask,
	type TaskError,
	type TaskStatus,
} from '../../shared/task/model';
import { downloadFile, type DownloadedFile } from '../../shared/transport/download';
import {
	cancelSignal,
	FILE_TIMEOUT_FACTOR,
	joinUrl,
	sendHttp,
	readClientCredential,
	type HttpCall,
	type HttpReply,
	type TransportContext,
} from '../../shared/transport/http';
import { outcomeUnknown } from '../../shared/transport/outcome';
import { ACCOUNT_INFO_TIMEOUT_MS, planLimitIn } from './account';
import {
	dataOf,
	envelopeOf,
	httpStatusError,
	malformedReply,
	unexpectedReply,
} from '../../shared/transport/replies';
import {
	PIAPI_BASE_URL,
	PIAPI_MODEL,
	PIAPI_RETENTION,
	PIAPI_UPLOAD_BASE_URL,
	piApiProfile,
} from './profile';

const { name: VENDOR, credentialType: CREDENTIAL_TYPE } = piApiProfile;

const BASE_URL_HINT =
	'PiAPI has no such endpoint at this address: check the base URLs in the credential.';

const CREATE_OUTCOME_UNKNOWN =
	'PiAPI may have created the task even so. It was not sent again, so that it is not created twice: check the task list in your PiAPI workspace before running this item again.';

export interface PiApiSegmentInput {
	image: string;
	prompt: string;
	negativePrompt: string;
	segmentFactor: number;
}

export interface PiApiTaskConfig {
	serviceMode?: string;
	webhook?: { endpoint: string; secret: string };
}

/**
 * PiAPI's statuses, compared in lower case: the unified API's five, and the words its other
 * clients show (`success` from the older GoAPI API, `in_progress` from PiAPI's MCP server, `""` in
 * the create reply of the segment page's example). Any other word counts as running: the task is
 * waited for until Max Wait, never taken for done.
 */
const STATUS_BY_VENDOR: Record<string, TaskStatus> = {
	'': 'queued',
	pending: 'queued',
	staged: 'queued',
	processing: 'running',
	in_progress: 'running',
	completed: 'succeeded',
	success: 'succeeded',
	failed: 'failed',
};

/** PiAPI's unified task API (create, get) and its file upload, which lives on its own host. */
export class PiApiClient {
	private constructor(
		private readonly context: TransportContext,
		/** Where PiAPI's API is (credential). */
		readonly baseUrl: string,
		private readonly uploadBaseUrl: string,
		private readonly timeoutMs: number,
		/** The API key, only to scrub it from anything PiAPI sends back. */
		private readonly secrets: string[],
	) {}

	static async create(context: TransportContext) {
		const { fields, timeoutMs, secrets } = await readClientCredential<{
			baseUrl?: string;
			uploadBaseUrl?: string;
		}>(context, CREDENTIAL_TYPE);
		const uploadBaseUrl = fields.uploadBaseUrl || PIAPI_UPLOAD_BASE_URL;
		return new PiApiClient(
			context,
			fields.baseUrl || PIAPI_BASE_URL,
			uploadBaseUrl,
			timeoutMs,
			secrets,
		);
	}

	/**
	 * Turns image bytes into a temporary public URL (PiAPI deletes it after 24 h; needs a paid
	 * plan). It is named and typed after its bytes, which PiAPI checks against the name. An upload
	 * creates no task, so it is retried like a read.
	 */
	async uploadFile(file: FileData): Promise<string> {
		const { fileName, mimeType } = uploadName(file);
		return await withRetries(
			async () => await this.uploadOnce(fileName, file.data, mimeType),
			isTransient,
			IDEMPOTENT_RETRY,
			cancelSignal(this.context),
		);
	}

	private async uploadOnce(fileName: string, data: Buffer, mimeType: string): Promise<string> {
		const reply = await this.send({
			method: 'POST',
			url: joinUrl(this.uploadBaseUrl, '/api/ephemeral_resource'),
			body: uploadBody(fileName, data, mimeType),
			headers: { 'Content-Type': 'application/json' },
			timeoutMs: this.timeoutMs * FILE_TIMEOUT_FACTOR,
		});
		if (reply.status === 403) {
			throw new VendorApiError(
				'PiAPI refused the file upload (HTTP 403): your PiAPI plan does not include file uploads',
				{
					vendor: VENDOR,
					httpStatus: 403,
					hint: 'Upgrade the PiAPI plan, or give the image as a public URL (Image Source: URL) instead of a binary file.',
				},
			);
		}
		// The docs put the URL at `data.url`; one CLI reads it at the top level: either will do.
		const envelope = checkedEnvelope(reply, BASE_URL_HINT);
		const url = [dataOf(envelope).url, envelope.url].find(
			(candidate): candidate is string => typeof candidate === 'string' && candidate !== '',
		);
		if (!url) throw unexpectedReply(VENDOR, 'file upload', 'no url');
		return url;
	}

	/** Creates the task once: a retry could create it twice, so the caller decides. */
	async createSegmentTask(
		input: PiApiSegmentInput,
		config: PiApiTaskConfig = {},
	): Promise<SegmentationTask> {
		const body: IDataObject = {
			model: PIAPI_MODEL,
			task_type: 'segment',
			input: {
				image: input.image,
				prompt: input.prompt,
				negative_prompt: input.negativePrompt,
				segment_factor: input.segmentFactor,
			},
		};
		const taskConfig: IDataObject = {};
		if (config.serviceMode) taskConfig.service_mode = config.serviceMode;
		if (config.webhook)
			taskConfig.webhook_config = {
				endpoint: config.webhook.endpoint,
				secret: config.webhook.secret,
			};
		if (Object.keys(taskConfig).length) body.config = taskConfig;

		try {
			const data = unwrapEnvelope(
				await this.send({ method: 'POST', url: joinUrl(this.baseUrl, '/api/v1/task'), body }),
				BASE_URL_HINT,
			);
			if (typeof data.task_id !== 'string' || !data.task_id)
				throw unexpectedReply(VENDOR, 'task creation', 'no task_id');
			return toSegmentationTask(data);
		} catch (error) {
			throw outcomeUnknown(error, CREATE_OUTCOME_UNKNOWN);
		}
	}

	async getTask(taskId: string): Promise<SegmentationTask> {
		const data = await this.read(
			{ method: 'GET', url: joinUrl(this.baseUrl, `/api/v1/task/${encodeURIComponent(taskId)}`) },
			piApiProfile.hints.taskNotFound,
		).catch((error: unknown) => {
			// PiAPI may refuse an unknown ID with an error code instead of HTTP 404: same advice.
			throw withHint(
				error instanceof VendorApiError ? error.with({ taskId }) : error,
				piApiProfile.hints.taskNotFound,
			);
		});
		return toSegmentationTask({ task_id: taskId, ...data });
	}

	/** Fetches a result file from PiAPI's file host, without the API key. */
	async downloadResult(url: string): Promise<DownloadedFile> {
		return await downloadPiApiResult(this.context, url, this.timeoutMs * FILE_TIMEOUT_FACTOR);
	}

	/**
	 * How many tasks the plan runs at once, where `GET /account/info` (free, read-only; the
	 * credential test's request) says so; undefined when the reply does not.
	 */
	async planLimit(): Promise<number | undefined> {
		const reply = await this.send({
			method: 'GET',
			url: joinUrl(this.baseUrl, '/account/info'),
			timeoutMs: Math.min(this.timeoutMs, ACCOUNT_INFO_TIMEOUT_MS),
		});
		return reply.status >= 200 && reply.status < 300 ? planLimitIn(reply.body) : undefined;
	}

	private async send(call: HttpCall) {
		return await sendHttp(
			this.context,
			VENDOR,
			{ timeoutMs: this.timeoutMs, ...call },
			{ credentialType: CREDENTIAL_TYPE, secrets: this.secrets },
		);
	}

	private async read(call: HttpCall, notFoundHint: string) {
		return await withRetries(
			async () => unwrapEnvelope(await this.send(call), notFoundHint),
			isTransient,
			IDEMPOTENT_RETRY,
			cancelSignal(this.context),
		);
	}
}

/**
 * Fetches a result file from PiAPI's file host; needs no credential, so a webhook without one can
 * use it too.
 */
export async function downloadPiApiResult(
	context: TransportContext,
	url: string,
	timeoutMs?: number,
): Promise<DownloadedFile> {
	return await downloadFile(context, VENDOR, url, {
		timeoutMs,
		expiredHint: `${PIAPI_RETENTION}: run the segmentation again to get a new mask.`,
		checkNode: piApiProfile.nodeNames.checkTask,
	});
}

/**
 * The upload's JSON body built as bytes: for a 10 MB image this avoids holding the base64 text
 * several times over (template string, JSON.stringify, request buffer).
 */
function uploadBody(fileName: string, data: Buffer, mimeType: string) {
	const name = JSON.stringify(within128(fileName));
	const head = `{"file_name":${name},"file_data":"data:${mimeType};base64,`;
	return Buffer.concat([
		Buffer.from(head),
		Buffer.from(data.toString('base64'), 'latin1'),
		Buffer.from('"}'),
	]);
}

/** PiAPI takes file names of at most 128 characters: a longer one loses the end of its stem. */
function within128(fileName: string) {
	if (fileName.length <= 128) return fileName;
	const extension = /\.[^./]*$/.exec(fileName)?.[0] ?? '';
	return `${fileName.slice(0, 128 - extension.length)}${extension}`;
}

/** Normalizes PiAPI's task object (the `data` of GET task, of create, and of a webhook body). */
export function toSegmentationTask(data: IDataObject): SegmentationTask {
	const status =
		STATUS_BY_VENDOR[
			String(data.status ?? '')
				.trim()
				.toLowerCase()
		] ?? 'running';
	const urls = outputUrls(data.output);
	const error = taskError(data.error, status);
	return {
		vendor: piApiProfile.id,
		vendorName: VENDOR,
		taskId: String(data.task_id ?? ''),
		status,
		done: isDone(status),
		results: urls.map((url) => ({ url, status })),
		error,
		durationMs: isDone(status) ? reportedDuration(data.meta) : undefined,
		raw: withoutWebhookSecret(data),
	};
}

/**
 * The task's error: an object `{ code, message, raw_message }` in the docs, a plain string in one
 * typed client. An object with a code other than 0 or a non-empty string is an error even when
 * the status does not say failed.
 */
function taskError(error: unknown, status: TaskStatus): TaskError | null {
	const fields: IDataObject =
		error && typeof error === 'object' && !Array.isArray(error)
			? (error as IDataObject)
			: { message: typeof error === 'string' ? error.trim() : '' };
	const message = String(fields.message || fields.raw_message || '');
	const coded = fields.code !== undefined && fields.code !== null && Number(fields.code) !== 0;
	if (status !== 'failed' && !coded && !(typeof error === 'string' && message)) return null;
	return {
		code: String(fields.code ?? ''),
		message: message || 'PiAPI could not segment the image',
	};
}

/**
 * The task without `config.webhook_config.secret`: PiAPI echoes the webhook secret it was given in
 * every task reply, and nothing of it may reach an item, an error or a log.
 */
function withoutWebhookSecret(data: IDataObject): IDataObject {
	const config = data.config as IDataObject | undefined;
	const webhook = config?.webhook_config as IDataObject | undefined;
	if (!webhook || typeof webhook !== 'object' || !('secret' in webhook)) return data;
	const echoed = { ...webhook };
	delete echoed.secret;
	return { ...data, config: { ...config, webhook_config: echoed } };
}

/**
 * How long a finished task took by PiAPI's own clock: `meta.ended_at - meta.created_at`. Unset
 * times are Go's zero time (year 1); either unset or unreadable gives undefined.
 */
function reportedDuration(meta: unknown): number | undefined {
	if (!meta || typeof meta !== 'object') return undefined;
	const { created_at: created, ended_at: ended } = meta as IDataObject;
	const [start, end] = [timeOf(created), timeOf(ended)];
	return start !== undefined && end !== undefined && end >= start ? end - start : undefined;
}

function timeOf(value: unknown): number | undefined {
	if (typeof value !== 'string') return undefined;
	const time = Date.parse(value);
	return Number.isNaN(time) || new Date(time).getUTCFullYear() <= 1 ? undefined : time;
}

/**
 * The mask URLs of a task's output, read as tolerantly as its replies vary: `image_url` (one URL,
 * current replies), `image_urls` (one per thing named in the prompt in the older GoAPI API; may be
 * null beside `image_url`) and `temporary_image_urls` (read by PiAPI's MCP server; undocumented).
 * Chosen here: every permanent URL (`image_url` first, then `image_urls`, each URL once), and the
 * temporary ones only when there is no permanent one, since a temporary URL may expire before it
 * is downloaded.
 */
function outputUrls(output: unknown): string[] {
	if (!output || typeof output !== 'object') return [];
	const {
		image_url: single,
		image_urls: many,
		temporary_image_urls: temporary,
	} = output as IDataObject;
	const permanent = urlList([single, ...(Array.isArray(many) ? many : [many])]);
	return permanent.length ? permanent : urlList(Array.isArray(temporary) ? temporary : [temporary]);
}

/** The non-empty strings among `values`, each once, in order. */
function urlList(values: unknown[]): string[] {
	const urls = values.filter((url): url is string => typeof url === 'string' && url !== '');
	return [...new Set(urls)];
}

/** PiAPI answers `{ code, message, data }`, with code 200 (or 0, in one docs example) on success. */
function unwrapEnvelope(reply: HttpReply, notFoundHint: string): IDataObject {
	return dataOf(checkedEnvelope(reply, notFoundHint));
}

/** The reply's envelope once its HTTP status and `code` say success; else the error they say. */
function checkedEnvelope(reply: HttpReply, notFoundHint: string): IDataObject {
	const envelope = envelopeOf(reply);
	const vendorMessage =
		typeof envelope?.message === 'string' && envelope.message ? envelope.message : undefined;
	const vendorCode = envelope?.code === undefined ? undefined : String(envelope.code);

	if (reply.status === 401) {
		throw new VendorApiError(
			`PiAPI refused the API key (HTTP 401)${vendorMessage ? `: ${vendorMessage}` : ''}`,
			{
				vendor: VENDOR,
				httpStatus: 401,
				vendorCode,
				hint: 'Check the API key in the PiAPI credential.',
			},
		);
	}
	if (reply.status >= 400) {
		const hint =
			reply.status === 404
				? notFoundHint
				: reply.status === 403
					? 'Check the API key in the PiAPI credential and that your PiAPI plan includes this service.'
					: undefined;
		throw httpStatusError(VENDOR, reply, { vendorMessage, vendorCode, hint });
	}
	if (!envelope) throw malformedReply(VENDOR, reply);
	if (vendorCode !== undefined && vendorCode !== '200' && vendorCode !== '0') {
		// PiAPI's codes mirror HTTP statuses: 429 and 5xx in a reply mean "try again later".
		const numeric = Number(vendorCode);
		throw new VendorApiError(`PiAPI error ${vendorCode}: ${vendorMessage ?? 'no message'}`, {
			vendor: VENDOR,
			httpStatus: reply.status,
			vendorCode,
			atCapacity: numeric === 429 || undefined,
			transient: numeric === 429 || (numeric >= 500 && numeric <= 599),
		});
	}
	return envelope;
}
