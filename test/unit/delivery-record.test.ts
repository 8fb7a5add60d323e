/* What PiAPI Trigger keeps to start a repeated delivery once: the workflow's static data, and its own process's memory. */
import type { IDataObject } from 'n8n-workflow';

type DeliveryRecord = typeof import('../../nodes/PiApiTrigger/delivery-record');

const HOUR = 60 * 60_000;
let triggerCount = 0;

/** A trigger's webhook call as n8n makes it: the workflow's static data as loaded from the database. */
function call(staticData: IDataObject, trigger: string) {
	return {
		getWorkflow: () => ({ id: 'workflow-1', name: 'w', active: true }),
		getNode: () => ({ id: trigger }),
		getWorkflowStaticData: () => staticData,
	} as never;
}

/** The module as another n8n process has it: no memory shared with this one. */
function anotherProcess(): DeliveryRecord {
	let loaded: DeliveryRecord | undefined;
	jest.isolateModules(() => {
		loaded = jest.requireActual<DeliveryRecord>('../../nodes/PiApiTrigger/delivery-record');
	});
	return loaded!;
}

const { recordDelivery } = jest.requireActual<DeliveryRecord>(
	'../../nodes/PiApiTrigger/delivery-record',
);
let trigger: string;
beforeEach(() => {
	trigger = `trigger-${++triggerCount}`;
});

it('records a delivery once, in the static data n8n saves, and recognises its repeat in another process', () => {
	const staticData: IDataObject = {};
	expect(recordDelivery(call(staticData, trigger), 'task-1:succeeded', 1_000)).toBe(true);
	expect(JSON.parse(JSON.stringify(staticData))).toEqual({
		deliveredTasks: { 'task-1:succeeded': 1_000 },
	});
	expect(
		anotherProcess().recordDelivery(call(staticData, trigger), 'task-1:succeeded', 2_000),
	).toBe(false);
	expect(anotherProcess().recordDelivery(call(staticData, trigger), 'task-1:failed', 2_000)).toBe(
		true,
	);
});

it('recognises a copy that reaches this process before n8n has saved the record', () => {
	expect(recordDelivery(call({}, trigger), 'task-1:succeeded', 1_000)).toBe(true);
	expect(recordDelivery(call({}, trigger), 'task-1:succeeded', 1_010)).toBe(false);
	expect(recordDelivery(call({}, `${trigger}-other`), 'task-1:succeeded', 1_010)).toBe(true);
});

it('forgets deliveries after an hour', () => {
	const staticData: IDataObject = {};
	recordDelivery(call(staticData, trigger), 'old', 0);
	recordDelivery(call(staticData, trigger), 'newer', HOUR / 2);
	expect(recordDelivery(call(staticData, trigger), 'old', HOUR)).toBe(true);
	expect(Object.keys(staticData.deliveredTasks as object).sort()).toEqual(['newer', 'old']);
	expect(anotherProcess().recordDelivery(call(staticData, trigger), 'newer', HOUR + 1)).toBe(false);
});

it('keeps the newest 1,000 deliveries', () => {
	const staticData: IDataObject = {};
	for (let index = 0; index < 1_005; index++)
		recordDelivery(call(staticData, trigger), `task-${index}`, index);
	const kept = Object.keys(staticData.deliveredTasks as object);
	expect(kept).toHaveLength(1_000);
	expect(kept).not.toContain('task-4');
	expect(anotherProcess().recordDelivery(call(staticData, trigger), 'task-4', 2_000)).toBe(true);
	expect(anotherProcess().recordDelivery(call(staticData, trigger), 'task-1004', 2_000)).toBe(
		false,
	);
});

it('starts over from a record it cannot read', () => {
	const staticData: IDataObject = { deliveredTasks: 'garbage' };
	expect(recordDelivery(call(staticData, trigger), 'task-1:succeeded', 1)).toBe(true);
	expect(staticData.deliveredTasks).toEqual({ 'task-1:succeeded': 1 });
});
