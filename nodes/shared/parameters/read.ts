import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../errors';
import type { WaitOptions } from '../runtime/polling';
import { vendorOfId, type VendorProfile } from '../task/vendor';

/** Reads a required text parameter and trims it; empty means the user must fill it in. */
export function requiredText(
	context: IExecuteFunctions,
	name: string,
	itemIndex: number,
	label: string,
	hint: string,
) {
	const value = String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (!value) throw new InputError(`${label} is empty`, hint);
	return value;
}

/** Max Wait in milliseconds. */
export function readMaxWaitMs(context: IExecuteFunctions, itemIndex: number) {
	const maxWait = context.getNodeParameter('maxWait', itemIndex) as number;
	if (!(maxWait > 0))
		throw new InputError(`Max Wait must be a positive number of seconds (got ${maxWait})`);
	return maxWait * 1000;
}

/**
 * How to wait for one of the vendor's tasks: the user's Poll Interval (the longest gap between two
 * checks of a task) and Max Wait, the vendor's minimum gap and typical duration, and the
 * execution's cancel signal. Every node that waits for the vendor's tasks reads them here, so Poll
 * Interval means the same on each, for every vendor.
 */
export function readWaitOptions(
	context: IExecuteFunctions,
	itemIndex: number,
	{ polling, nodeNames }: VendorProfile,
): WaitOptions {
	const pollInterval = context.getNodeParameter('pollInterval', itemIndex) as number;
	if (!(pollInterval > 0))
		throw new InputError(
			`Poll Interval must be a positive number of seconds (got ${pollInterval})`,
		);
	return {
		pollIntervalMs: pollInterval * 1000,
		minPollIntervalMs: polling.minGapMs,
		expectedDurationMs: polling.expectedDurationMs,
		maxWaitMs: readMaxWaitMs(context, itemIndex),
		checkNode: nodeNames.checkTask,
		signal: context.getExecutionCancelSignal(),
	};
}

/**
 * The vendor chosen in the node's Vendor parameter (the only one when the node serves one vendor).
 */
export function readVendor<V extends VendorProfile>(
	context: IExecuteFunctions,
	vendors: readonly V[],
): V {
	if (vendors.length === 1) return vendors[0];
	const id = context.getNodeParameter('vendor', 0) as string;
	const vendor = vendors.find((candidate) => candidate.id === id);
	if (!vendor)
		throw new InputError(
			`Unknown vendor "${id}"`,
			`Choose ${vendors.map(({ name }) => name).join(' or ')}.`,
		);
	return vendor;
}

/**
 * Reads a task or result ID and checks it belongs to the vendor before anything is sent. An ID
 * of another of `vendors` gets an error that says so.
 */
export function readVendorId(
	context: IExecuteFunctions,
	name: string,
	itemIndex: number,
	vendor: VendorProfile,
	label: string,
	vendors: readonly VendorProfile[] = [vendor],
): string {
	const value = context.getNodeParameter(name, itemIndex, '') as unknown;
	if (typeof value === 'number' && !Number.isSafeInteger(value)) {
		throw new InputError(
			`${label} arrived as the number ${value}, too large to be exact`,
			'Pass the ID as text, for example {{ String($json.taskId) }}, or keep it a string where it is produced.',
		);
	}
	const id = String(value ?? '').trim();
	const example = vendor.idExample;
	if (!id)
		throw new InputError(
			`${label} is empty`,
			`Give the ${label} to look up, for example {{ $json.taskId }}. ${example}.`,
		);
	const shown = id.length > 80 ? `${id.slice(0, 77)}...` : id;
	const owner = vendorOfId(id, vendors);
	if (owner && owner.id !== vendor.id) {
		throw new InputError(
			`${label} "${shown}" looks like a ${owner.name} task ID; set Vendor to ${owner.name}`,
			`${example}. Vendor is set to ${vendor.name}.`,
		);
	}
	if (!vendor.isTaskId(id))
		throw new InputError(`${label} "${shown}" is not a ${vendor.name} ID`, `${example}.`);
	return id;
}

/** When a node renamed parameters that saved workflows use. */
export interface NodeHistory {
	/**
	 * The version that renamed them (the old names stay in older versions); undefined: never renamed.
	 */
	renamedIn?: number;
}

/** A parameter's name in the node's version: `oldName` in the versions before it was renamed. */
export function versionedName(
	context: IExecuteFunctions,
	history: NodeHistory,
	name: string,
	oldName: string,
) {
	const { renamedIn } = history;
	return renamedIn !== undefined && context.getNode().typeVersion < renamedIn ? oldName : name;
}
