import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { SegmentationTask } from '../../shared/task/model';
import { toSegmentationTask } from './client';
import { secretMatchesFingerprint } from '../../shared/webhook/secret';

/** PiAPI sends the secret it was given back, verbatim, in this header (no signature). */
export const SECRET_HEADER = 'x-webhook-secret';

export const NO_TASK_IN_BODY =
	'Expected a PiAPI task in the body: { "data": { "task_id", "status", ... } }.';

/** Answers the caller now; the webhook method may go on working after this. */
export function respond(
	context: IWebhookFunctions,
	status: number,
	message: string,
): IWebhookResponseData {
	context.getResponseObject().status(status).json({ message });
	return { noWebhookResponse: true };
}

/**
 * Refuses (401) a call whose x-webhook-secret does not match the fingerprint; undefined lets it
 * through.
 */
export function refuseUnlessFromPiApi(
	context: IWebhookFunctions,
	fingerprint: string,
	outcome: string,
): IWebhookResponseData | undefined {
	const header = context.getHeaderData()[SECRET_HEADER];
	const received = Array.isArray(header) ? header[0] : header;
	if (secretMatchesFingerprint(received, fingerprint)) return undefined;
	context.logger.warn(
		`${context.getNode().name} refused a call without the right ${SECRET_HEADER}; ${outcome}`,
	);
	return respond(context, 401, `Missing or wrong ${SECRET_HEADER}: the call was refused.`);
}

/** The task a PiAPI webhook body `{ timestamp, data: { ...task } }` reports, if it has one. */
export function reportedTask(context: IWebhookFunctions): SegmentationTask | undefined {
	const data = context.getBodyData().data;
	if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
	return toSegmentationTask(data as IDataObject);
}
