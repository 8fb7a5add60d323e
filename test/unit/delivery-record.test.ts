/* What PiAPI Trigger keeps in its workflow static data to start a repeated delivery once. */
import type { IDataObject } from 'n8n-workflow';

import { recordDelivery } from '../../nodes/PiApiTrigger/delivery-record';

const HOUR = 60 * 60_000;

it('records a delivery once and recognises its repeat', () => {
	const staticData: IDataObject = {};
	expect(recordDelivery(staticData, 'task-1:succeeded', 1_000)).toBe(true);
	expect(recordDelivery(staticData, 'task-1:succeeded', 2_000)).toBe(false);
	expect(recordDelivery(staticData, 'task-1:failed', 2_000)).toBe(true);
	expect(JSON.parse(JSON.stringify(staticData))).toEqual({ deliveredTasks: { 'task-1:succeeded': 1_000, 'task-1:failed': 2_000 } });
});

it('forgets deliveries after an hour', () => {
	const staticData: IDataObject = {};
	recordDelivery(staticData, 'old', 0);
	recordDelivery(staticData, 'newer', HOUR / 2);
	expect(recordDelivery(staticData, 'old', HOUR)).toBe(true);
	expect(Object.keys(staticData.deliveredTasks as object).sort()).toEqual(['newer', 'old']);
	expect(recordDelivery(staticData, 'newer', HOUR + 1)).toBe(false);
});

it('keeps the newest 1,000 deliveries', () => {
	const staticData: IDataObject = {};
	for (let index = 0; index < 1_005; index++) recordDelivery(staticData, `task-${index}`, index);
	const kept = Object.keys(staticData.deliveredTasks as object);
	expect(kept).toHaveLength(1_000);
	expect(kept).not.toContain('task-4');
	expect(kept).toContain('task-5');
	expect(recordDelivery(staticData, 'task-1004', 2_000)).toBe(false);
});

it('starts over from a record it cannot read', () => {
	const staticData: IDataObject = { deliveredTasks: 'garbage' };
	expect(recordDelivery(staticData, 'task-1:succeeded', 1)).toBe(true);
	expect(staticData.deliveredTasks).toEqual({ 'task-1:succeeded': 1 });
});
