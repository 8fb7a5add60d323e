import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { VendorApiError } from '../../shared/errors';
import type { FileData } from '../../shared/image/files';
import { IDEMPOTENT_RETRY, isTransient, withRetries } from '../../shared/runtime/retry';
import { withHint } from '../../shared/task/vendor';
import {
	combineResultStatuses,
	isDone,
	type SegmentationTask,
	type TaskStatus,
} from '../../shared/task/model';
import { downloadFile, type DownloadedFile } from '../../shared/transport/download';
import {
	FILE_TIMEOUT_FACTOR,
	joinUrl,
	sendHttp,
	readClientCredential,
	retryAfterSeconds,
	type HttpCall,
	type HttpReply,
} from '../../shared/transport/http';
import { outcomeUnknown } from '../../shared/transport/outcome';
import {
	dataOf,
	envelopeOf,
	httpStatusError,
	malformedReply,
	unexpectedReply,
} from '../../shared/transport/replies';
import { uploadName } from '../../shared/transport/upload-name';
import type { SellerPicFormat } from './formats';
import { SELLERPIC_BASE_URL, sellerPicProfile } from './profile';

const { name: VENDOR, credentialType: CREDENTIAL_TYPE, nodeNames: NODES } = sellerPicProfile;

const BASE_URL_HINT = `SellerPic has no such endpoint at this address: check the base URL in the credential (default ${SELLERPIC_BASE_URL}).`;

const RESULT_NOT_FOUND_HINT = 'Check the result ID: SellerPic does not know it.';

const CREATE_OUTCOME_UNKNOWN =
	'SellerPic may have created the task even so. It was not sent again, so that it is not created twice: check your SellerPic account for a new task before running this item again.';

/** SellerPic's code for "too many tasks in flight for this account" (documented). */
const CAP_REACHED = '30003';

const STATUS_BY_VENDOR: Record<string, TaskStatus> = {
	CREATED: 'queued',
	RUNNING: 'running',
	SUCCESS: 'succeeded',
	FAILED: 'failed',
};

/** SellerPic's API: upload, segmentation tasks, task status and download URLs. */
export class SellerPicClient {
	private constructor(
		private readonly context: IExecuteFunctions,
		private readonly baseUrl: string,
		private readonly timeoutMs: number,
		/** The API key, only to scrub it from anything SellerPic sends back. */
		private readonly secrets: string[],
	) {}

	static async create(context: IExecuteFunctions) {
		const credential = await readClientCredential<{ baseUrl?: string }>(context, CREDENTIAL_TYPE);
		const { fields, timeoutMs, secrets } = credential;
		return new SellerPicClient(context, fields.baseUrl || SELLERPIC_BASE_URL, timeoutMs, secrets);
	}

	/** Uploads an image; an upload creates no task, so it is retried like a read. */
	async upload(file: FileData): Promise<string> {
		const unique = `${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
		const boundary = `----n8nSegmentation${unique}`;
		const data = await this.call(
			{
				method: 'POST',
				url: joinUrl(this.baseUrl, '/v1/api/upload'),
				body: multipartFile(boundary, file),
				headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
				timeoutMs: this.timeoutMs * FILE_TIMEOUT_FACTOR,
			},
			{ notFoundHint: BASE_URL_HINT },
		);
		const fileKey = data.fileKey;
		if (typeof fileKey !== 'string' || !fileKey)
			throw unexpectedReply(VENDOR, 'upload', 'no fileKey');
		return fileKey;
	}

	async createPromptTask(imageKey: string, prompt: string): Promise<string> {
		return await this.createTask('/v1/api/generate/promptSegmentation', { imageKey, prompt });
	}

	async createTypeTask(imageKey: string, type: string, expandPixels: number): Promise<string> {
		return await this.createTask('/v1/api/generate/segmentImage', { imageKey, type, expandPixels });
	}

	/**
	 * Creates a task once: retrying a create is the caller's decision, and only safe after errors
	 * that show SellerPic created nothing (cap reached, HTTP 429, connection refused).
	 * Errors after which the task may exist anyway say so.
	 */
	private async createTask(path: string, body: IDataObject): Promise<string> {
		try {
			const data = await this.call(
				{ method: 'POST', url: joinUrl(this.baseUrl, path), body },
				{ idempotent: false, notFoundHint: BASE_URL_HINT },
			);
			const id = data.id;
			if ((typeof id !== 'string' && typeof id !== 'number') || id === '')
				throw unexpectedReply(VENDOR, 'task creation', 'no task id');
			return String(id);
		} catch (error) {
			throw outcomeUnknown(error, CREATE_OUTCOME_UNKNOWN);
		}
	}

	async getTask(taskId: string): Promise<SegmentationTask> {
		const data = await this.call(
			{ method: 'GET', url: joinUrl(this.baseUrl, '/v1/api/generate'), qs: { id: taskId } },
			{ notFoundHint: sellerPicProfile.hints.taskNotFound },
		).catch((error: unknown) => {
			// SellerPic may refuse an unknown ID with an error code instead of HTTP 404: same advice.
			throw withHint(
				error instanceof VendorApiError ? error.with({ taskId }) : error,
				sellerPicProfile.hints.taskNotFound,
			);
		});
		const resultList = Array.isArray(data.resultList) ? (data.resultList as IDataObject[]) : [];
		const results = resultList.map((entry) => ({
			id: entry.id === undefined ? undefined : String(entry.id),
			url: typeof entry.fileUrl === 'string' && entry.fileUrl ? entry.fileUrl : undefined,
			status: toTaskStatus(entry.status),
		}));
		const status = combineResultStatuses(results.map((result) => result.status));
		const failed = resultList.find((entry) => toTaskStatus(entry.status) === 'failed');
		return {
			vendor: sellerPicProfile.id,
			vendorName: VENDOR,
			taskId,
			status,
			done: isDone(status),
			results,
			error:
				status === 'failed' && failed
					? {
							code: String(failed.errorCode ?? ''),
							message: String(failed.errorMsg || 'SellerPic could not segment the image'),
						}
					: null,
			raw: data,
		};
	}

	async getDownloadUrl(resultId: string, format: SellerPicFormat, uhd: boolean) {
		const data = await this.call(
			{
				method: 'GET',
				url: joinUrl(this.baseUrl, '/v1/api/download'),
				qs: { downloadFormat: format, id: resultId, uhd },
			},
			{ notFoundHint: RESULT_NOT_FOUND_HINT },
		);
		const url = data.fileUrl;
		if (typeof url !== 'string' || !url) {
			const why =
				typeof data.errorMsg === 'string' && data.errorMsg
					? data.errorMsg
					: `the result is ${String(data.status || 'not ready')}`;
			throw new VendorApiError(`SellerPic gave no download URL for result ${resultId}: ${why}`, {
				vendor: VENDOR,
				hint: `Check that the id is a result id of a task that succeeded (${NODES.checkTask} shows them).`,
			});
		}
		return { url, name: typeof data.name === 'string' ? data.name : undefined };
	}

	/**
	 * Fetches a result file from SellerPic's file host, without the API key. A link past its
	 * 12 hours answers 403: then a fresh one is asked for and fetched once.
	 */
	async downloadResult(
		resultId: string,
		format: SellerPicFormat,
		uhd: boolean,
		knownUrl?: string,
	): Promise<DownloadedFile & { url: string }> {
		const url = knownUrl ?? (await this.getDownloadUrl(resultId, format, uhd)).url;
		const first = await this.download(url).catch((error: unknown) => error as Error);
		if (!(first instanceof Error)) return { ...first, url };
		if (!(first instanceof VendorApiError) || first.details.httpStatus !== 403) throw first;
		const freshUrl = (await this.getDownloadUrl(resultId, format, uhd)).url;
		return { ...(await this.download(freshUrl)), url: freshUrl };
	}

	private async download(url: string) {
		return await downloadFile(this.context, VENDOR, url, {
			timeoutMs: this.timeoutMs * FILE_TIMEOUT_FACTOR,
			expiredHint: `SellerPic download links last ${sellerPicProfile.linkLifetime}. Get a fresh one with ${NODES.downloadUrl} (ID Type: Result ID).`,
			checkNode: NODES.checkTask,
		});
	}

	private async call(
		call: HttpCall,
		{ idempotent = true, notFoundHint }: { idempotent?: boolean; notFoundHint: string },
	): Promise<IDataObject> {
		const request = { timeoutMs: this.timeoutMs, ...call };
		const send = { credentialType: CREDENTIAL_TYPE, secrets: this.secrets };
		const once = async () =>
			unwrapEnvelope(await sendHttp(this.context, VENDOR, request, send), notFoundHint);
		if (!idempotent) return await once();
		return await withRetries(
			once,
			isTransient,
			IDEMPOTENT_RETRY,
			this.context.getExecutionCancelSignal(),
		);
	}
}

/**
 * SellerPic answers `{ code, data, msg, success, traceId }` (some replies add `request_id`);
 * errors come as HTTP errors or as HTTP 200 with code != 0. The capacity refusal (30003) is one
 * whatever the HTTP status it comes with: its status is documented nowhere.
 */
function unwrapEnvelope(reply: HttpReply, notFoundHint: string): IDataObject {
	const envelope = envelopeOf(reply);
	const trace = envelope?.traceId ?? envelope?.request_id;
	const traceId = trace === undefined || trace === null ? undefined : String(trace);
	const vendorMessage =
		typeof envelope?.msg === 'string' && envelope.msg ? envelope.msg : undefined;
	const vendorCode = envelope?.code === undefined ? undefined : String(envelope.code);

	if (vendorCode !== CAP_REACHED && (reply.status === 401 || reply.status === 403)) {
		throw new VendorApiError(
			`SellerPic refused the request (HTTP ${reply.status})${vendorMessage ? `: ${vendorMessage}` : ''}`,
			{
				vendor: VENDOR,
				httpStatus: reply.status,
				vendorCode,
				traceId,
				hint: 'Check the API key in the SellerPic credential.',
			},
		);
	}
	if (vendorCode !== CAP_REACHED && reply.status >= 400) {
		throw httpStatusError(VENDOR, reply, {
			vendorMessage,
			vendorCode,
			traceId,
			hint: reply.status === 404 ? notFoundHint : undefined,
		});
	}
	if (!envelope) throw malformedReply(VENDOR, reply);
	if ((vendorCode ?? '0') !== '0' || envelope.success === false) {
		const capReached = vendorCode === CAP_REACHED;
		throw new VendorApiError(
			`SellerPic error ${vendorCode ?? '0'}: ${vendorMessage ?? 'no message'}`,
			{
				vendor: VENDOR,
				httpStatus: reply.status,
				vendorCode: vendorCode ?? '0',
				traceId,
				retryAfterSeconds: retryAfterSeconds(reply),
				atCapacity: capReached || undefined,
				hint: capReached ? 'Every task place of this SellerPic account was taken.' : undefined,
			},
		);
	}
	return dataOf(envelope);
}

function toTaskStatus(value: unknown): TaskStatus {
	return STATUS_BY_VENDOR[String(value ?? '').toUpperCase()] ?? 'running';
}

/** The image as the form's one field, named and typed after its bytes, not after its file name. */
function multipartFile(boundary: string, file: FileData) {
	const { fileName, mimeType } = uploadName(file);
	const safeName = fileName.replace(/["\r\n]/g, '_');
	const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: ${mimeType}\r\n\r\n`;
	return Buffer.concat([Buffer.from(head), file.data, Buffer.from(`\r\n--${boundary}--\r\n`)]);
}
