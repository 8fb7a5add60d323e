import { UNEXPECTED_REPLY, VendorApiError } from '../errors';
import { IDEMPOTENT_RETRY, isTransient, withRetries } from '../runtime/retry';
import {
	cancelSignal,
	DEFAULT_TIMEOUT_MS,
	FILE_TIMEOUT_FACTOR,
	sendHttp,
	type TransportContext,
} from './http';
import { httpUrlProblem } from './url';

export interface DownloadedFile {
	data: Buffer;
	mimeType?: string;
}

export interface DownloadOptions {
	timeoutMs?: number;
	/** What to do about a link that has expired (HTTP 403/410), in the vendor's terms. */
	expiredHint: string;
	/** The node that checks the vendor's tasks, named when the file host has no such file. */
	checkNode: string;
}

/**
 * Fetches a result file from a vendor's file host. No credential is attached: the API key
 * must never reach a host other than the API's. A 403 means the link expired. Transient
 * failures (HTTP 429/5xx, network) are retried; the download changes nothing at the vendor.
 */
export async function downloadFile(
	context: TransportContext,
	vendor: string,
	url: string,
	options: DownloadOptions,
): Promise<DownloadedFile> {
	assertHttpUrl(url, `${vendor}'s result link`);
	const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS * FILE_TIMEOUT_FACTOR;
	return await withRetries(
		async () => {
			const reply = await sendHttp(context, vendor, {
				method: 'GET',
				url,
				binary: true,
				timeoutMs,
			});
			if (reply.status === 403 || reply.status === 410) {
				throw new VendorApiError(`${vendor}'s result link has expired (HTTP ${reply.status})`, {
					vendor,
					httpStatus: reply.status,
					hint: options.expiredHint,
				});
			}
			if (reply.status >= 400) {
				throw new VendorApiError(
					`Could not download the result file from ${vendor} (HTTP ${reply.status})`,
					{
						vendor,
						httpStatus: reply.status,
						hint:
							reply.status === 404
								? `${vendor}'s file host does not have this file (any more). Check the task with ${options.checkNode}.`
								: undefined,
					},
				);
			}
			const contentType = reply.headers['content-type'];
			return {
				data: Buffer.from(reply.body as ArrayBuffer),
				mimeType: typeof contentType === 'string' ? contentType.split(';')[0].trim() : undefined,
			};
		},
		isTransient,
		IDEMPOTENT_RETRY,
		cancelSignal(context),
	);
}

function assertHttpUrl(value: string, what: string) {
	const problem = httpUrlProblem(value);
	if (!problem) return;
	throw new VendorApiError(
		`${what} is not ${problem === 'invalid' ? 'a valid' : 'an http(s)'} URL`,
		{ vendor: what, vendorCode: UNEXPECTED_REPLY },
	);
}
