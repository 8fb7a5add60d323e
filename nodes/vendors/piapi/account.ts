import type { IExecuteFunctions } from 'n8n-workflow';

import {
	joinUrl,
	parseJsonBody,
	readClientCredential,
	sendHttp,
} from '../../shared/transport/http';
import { PIAPI_BASE_URL, piApiProfile } from './profile';

const { name: VENDOR, credentialType: CREDENTIAL_TYPE } = piApiProfile;

/** The account check is a hint, not the work: it may not hold the run up longer than this. */
const ACCOUNT_INFO_TIMEOUT_MS = 10_000;

/**
 * How many tasks the PiAPI plan runs at once, from `GET /account/info` (free, read-only; the
 * credential test's request). A published spec has `max_concurrent_task_count` in `data`; a number
 * or numeric text there or at the top level is read, anything else is "not said" (undefined).
 */
export async function piApiPlanLimit(context: IExecuteFunctions): Promise<number | undefined> {
	const { fields, timeoutMs, secrets } = await readClientCredential<{ baseUrl?: string }>(
		context,
		CREDENTIAL_TYPE,
	);
	const reply = await sendHttp(
		context,
		VENDOR,
		{
			method: 'GET',
			url: joinUrl(fields.baseUrl || PIAPI_BASE_URL, '/account/info'),
			timeoutMs: Math.min(timeoutMs, ACCOUNT_INFO_TIMEOUT_MS),
		},
		{ credentialType: CREDENTIAL_TYPE, secrets },
	);
	if (reply.status < 200 || reply.status >= 300) return undefined;
	return planLimitIn(parseJsonBody(reply.body));
}

/**
 * `max_concurrent_task_count` in the reply's `data`, else at its top level: a whole number of at
 * least 1, as a number or as text.
 */
export function planLimitIn(reply: unknown): number | undefined {
	const body = asObject(reply);
	return (
		wholeNumber(asObject(body?.data)?.max_concurrent_task_count) ??
		wholeNumber(body?.max_concurrent_task_count)
	);
}

function asObject(value: unknown): Record<string, unknown> | undefined {
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

function wholeNumber(value: unknown): number | undefined {
	if (typeof value === 'string' && !/^\s*\d+\s*$/.test(value)) return undefined;
	if (typeof value !== 'number' && typeof value !== 'string') return undefined;
	const number = Number(value);
	return Number.isInteger(number) && number >= 1 ? number : undefined;
}
