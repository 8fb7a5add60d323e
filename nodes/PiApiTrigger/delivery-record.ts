import type { IWebhookFunctions } from 'n8n-workflow';

/** How long a delivered task is remembered; PiAPI retries within seconds. */
const REMEMBER_MS = 60 * 60_000;
/** n8n loads a workflow's static data on every webhook call: keep it small. */
const MAX_REMEMBERED = 1_000;
const RECORD_KEY = 'deliveredTasks';

/** Deliveries this process recorded, by trigger: known at once, before n8n has saved them. */
const recordedHere = new Map<string, Record<string, number>>();

/**
 * Records a delivery (task and status) of this trigger; false when it was recorded before, a
 * repeat (PiAPI retries, duplicates). The record is the trigger's workflow static data, which
 * n8n keeps in its database: it loads it for each webhook call and saves it as soon as the call
 * returns, so a repeat reaching any main or webhook process after that is recognised. This
 * process also remembers its own deliveries, for a copy that arrives before the save is done.
 * Entries older than an hour, or beyond the newest 1,000, are dropped.
 */
export function recordDelivery(
	context: Pick<IWebhookFunctions, 'getWorkflow' | 'getNode' | 'getWorkflowStaticData'>,
	delivery: string,
	now = Date.now(),
): boolean {
	const trigger = `${context.getWorkflow().id ?? ''}:${context.getNode().id}`;
	const staticData = context.getWorkflowStaticData('node');
	const saved = recent(staticData[RECORD_KEY], now);
	const here = recent(recordedHere.get(trigger), now);
	if (delivery in saved || delivery in here) return false;
	// New objects, so that n8n sees the change and saves it.
	staticData[RECORD_KEY] = withDelivery(saved, delivery, now);
	recordedHere.set(trigger, withDelivery(here, delivery, now));
	return true;
}

/**
 * The deliveries of a record younger than an hour (a record that cannot be read counts as empty).
 */
function recent(record: unknown, now: number): Record<string, number> {
	const entries = record && typeof record === 'object' ? Object.entries(record) : [];
	return Object.fromEntries(
		entries.filter(
			(entry): entry is [string, number] =>
				typeof entry[1] === 'number' && now - entry[1] < REMEMBER_MS,
		),
	);
}

function withDelivery(
	record: Record<string, number>,
	delivery: string,
	now: number,
): Record<string, number> {
	const entries = Object.entries(record);
	if (entries.length < MAX_REMEMBERED) return { ...record, [delivery]: now };
	const newest = entries.sort((a, b) => b[1] - a[1]).slice(0, MAX_REMEMBERED - 1);
	return Object.fromEntries([...newest, [delivery, now]]);
}
