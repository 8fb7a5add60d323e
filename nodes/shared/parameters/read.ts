import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../errors';
import type { WaitOptions } from '../runtime/polling';
import { VENDOR_NAMES, type Vendor } from '../task/model';
import { VENDOR_ID_EXAMPLES, vendorOfId } from '../task/vendor';

/** Reads a required text parameter and trims it; empty means the user must fill it in. */
export function requiredText(context: IExecuteFunctions, name: string, itemIndex: number, label: string, hint: string) {
	const value = String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (!value) throw new InputError(`${label} is empty`, hint);
	return value;
}

/** Max Wait in milliseconds. */
export function readMaxWaitMs(context: IExecuteFunctions, itemIndex: number) {
	const maxWait = context.getNodeParameter('maxWait', itemIndex) as number;
	if (!(maxWait > 0)) throw new InputError(`Max Wait must be a positive number of seconds (got ${maxWait})`);
	return maxWait * 1000;
}

/** Poll Interval and Max Wait, with the execution's cancel signal. */
export function readWaitOptions(context: IExecuteFunctions, itemIndex: number): WaitOptions {
	const pollInterval = context.getNodeParameter('pollInterval', itemIndex) as number;
	if (!(pollInterval > 0)) throw new InputError(`Poll Interval must be a positive number of seconds (got ${pollInterval})`);
	return { pollIntervalMs: pollInterval * 1000, maxWaitMs: readMaxWaitMs(context, itemIndex), signal: context.getExecutionCancelSignal() };
}

export function readVendor(context: IExecuteFunctions): Vendor {
	const vendor = context.getNodeParameter('vendor', 0) as string;
	if (vendor !== 'sellerpic' && vendor !== 'piapi') throw new InputError(`Unknown vendor "${vendor}"`, 'Choose SellerPic or PiAPI.');
	return vendor;
}

/**
 * Reads a task or result ID and checks it belongs to the vendor before anything is sent. An ID
 * of the other vendor gets an error that says so.
 */
export function readVendorId(context: IExecuteFunctions, name: string, itemIndex: number, vendor: Vendor, label: string): string {
	const value = context.getNodeParameter(name, itemIndex, '') as unknown;
	if (typeof value === 'number' && !Number.isSafeInteger(value)) {
		throw new InputError(
			`${label} arrived as the number ${value}, too large to be exact`,
			'Pass the ID as text, for example {{ String($json.taskId) }}, or keep it a string where it is produced.',
		);
	}
	const id = String(value ?? '').trim();
	const example = VENDOR_ID_EXAMPLES[vendor];
	if (!id) throw new InputError(`${label} is empty`, `Give the ${label} to look up, for example {{ $json.taskId }}. ${example}.`);
	const shown = id.length > 80 ? `${id.slice(0, 77)}...` : id;
	const owner = vendorOfId(id);
	if (owner && owner !== vendor) {
		throw new InputError(
			`${label} "${shown}" looks like a ${VENDOR_NAMES[owner]} task ID; set Vendor to ${VENDOR_NAMES[owner]}`,
			`${example}. Vendor is set to ${VENDOR_NAMES[vendor]}.`,
		);
	}
	if (owner !== vendor) throw new InputError(`${label} "${shown}" is not a ${VENDOR_NAMES[vendor]} ID`, `${example}.`);
	return id;
}
