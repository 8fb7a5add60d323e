import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { SECRET_HEADER } from '../vendors/piapi/webhook';
import { cancellableSleep } from '../shared/runtime/sleep';
import { parseJsonBody, sendHttp } from '../shared/transport/http';

/**
 * Waits before each check-in while n8n has not saved the execution yet: about two minutes in all.
 * The first comes after a second, when PiAPI's own callbacks usually have come or are still far
 * off.
 */
const CHECK_IN_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000];
const CHECK_IN_TIMEOUT_MS = 30_000;
const CHECK_IN_FIELD = 'n8nNodesSegmentationCheckIn';

/**
 * n8n refuses calls to a resume URL (409, "is running already") until it has saved the execution
 * as waiting, which happens after the node has returned, under load seconds later. A task that
 * ends in that gap calls back in vain, and were it the last one, nothing would resume the
 * execution before Max Wait. So once the node has put the execution to wait, it calls the resume
 * URL itself until n8n lets the call through; the webhook then reads the tasks and resumes the
 * execution if all are done. This runs on after the node has returned, in the same n8n process,
 * which is the one that saves the execution; PiAPI's own retries and Max Wait remain behind it.
 */
export function checkInOnceWaiting(
	context: IExecuteFunctions,
	resumeUrl: string,
	secret: string,
): void {
	void checkIn(context, resumeUrl, secret).catch(() => undefined);
}

async function checkIn(context: IExecuteFunctions, resumeUrl: string, secret: string) {
	for (const delayMs of CHECK_IN_DELAYS_MS) {
		// No cancel signal: the node's run is over; n8n refuses the call if the execution was
		// cancelled.
		await cancellableSleep(delayMs);
		const reply = await sendHttp(context, 'n8n', {
			method: 'POST',
			url: resumeUrl,
			headers: { [SECRET_HEADER]: secret },
			body: { [CHECK_IN_FIELD]: true },
			timeoutMs: CHECK_IN_TIMEOUT_MS,
		});
		if (!worthAnotherTry(reply.status, reply.body)) return;
	}
}

/**
 * n8n has not saved the execution as waiting yet (409 `The execution "<id>" is running already.`),
 * or the webhook could not read the tasks at PiAPI (5xx). Anything else ends the check-in: it got
 * through, or the execution is no longer waiting.
 */
function worthAnotherTry(status: number, body: unknown) {
	if (status >= 500) return true;
	const message = (parseJsonBody(body) as IDataObject | undefined)?.message;
	return status === 409 && typeof message === 'string' && /running already/i.test(message);
}

/** Whether a call to the resume URL is the node's own check-in (its secret is checked before). */
export function isCheckIn(context: IWebhookFunctions): boolean {
	return context.getBodyData()[CHECK_IN_FIELD] === true;
}
