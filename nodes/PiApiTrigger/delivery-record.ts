import type { IDataObject } from 'n8n-workflow';

/** How long a delivered task is remembered; PiAPI retries within seconds. */
const REMEMBER_MS = 60 * 60_000;
/** n8n loads a workflow's static data on every webhook call: keep it small. */
const MAX_REMEMBERED = 1_000;
const RECORD_KEY = 'deliveredTasks';

/**
 * Records a delivery in the trigger's workflow static data, which n8n keeps in its database: it
 * loads it for each webhook call and saves it after the call, before it answers PiAPI. So a
 * repeat (PiAPI retries, duplicates) that reaches any n8n process afterwards is recognised.
 * Returns false for a repeat. Entries older than an hour, or beyond the newest 1,000, are dropped.
 */
export function recordDelivery(staticData: IDataObject, delivery: string, now = Date.now()): boolean {
	const stored = staticData[RECORD_KEY];
	const recorded = stored && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
	const recent = Object.entries(recorded).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && now - entry[1] < REMEMBER_MS);
	if (recent.some(([key]) => key === delivery)) return false;
	const kept = recent.sort((a, b) => b[1] - a[1]).slice(0, MAX_REMEMBERED - 1);
	// A new object, so that n8n sees the change and saves it.
	staticData[RECORD_KEY] = Object.fromEntries([...kept, [delivery, now]]);
	return true;
}
