import type { IExecuteFunctions, INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { InputError, VendorApiError } from './errors';
import { CREDENTIAL_TYPES, VENDOR_NAMES, type Vendor } from './task';

/** The vendor picker of the nodes that serve both vendors; the credential shown follows it. */
export const vendorProperty: INodeProperties = {
	displayName: 'Vendor',
	name: 'vendor',
	type: 'options',
	// The credential is chosen per node, so the vendor cannot change from item to item.
	noDataExpression: true,
	options: [
		{ name: 'SellerPic', value: 'sellerpic' },
		{ name: 'PiAPI', value: 'piapi' },
	],
	default: 'sellerpic',
	description: 'The service that ran the segmentation task',
};

export const vendorCredentials: INodeCredentialDescription[] = (['sellerpic', 'piapi'] as const).map((vendor) => ({
	name: CREDENTIAL_TYPES[vendor],
	required: true,
	displayOptions: { show: { vendor: [vendor] } },
}));

/** Shows the properties only for one vendor (on top of their own display conditions). */
export function forVendor(vendor: Vendor, properties: INodeProperties[]): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, vendor: [vendor] },
		},
	}));
}

export function readVendor(context: IExecuteFunctions): Vendor {
	const vendor = context.getNodeParameter('vendor', 0) as string;
	if (vendor !== 'sellerpic' && vendor !== 'piapi') throw new InputError(`Unknown vendor "${vendor}"`, 'Choose SellerPic or PiAPI.');
	return vendor;
}

const SELLERPIC_ID = /^\d{1,19}$/;
const INT64_MAX = BigInt('9223372036854775807');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EXAMPLES: Record<Vendor, string> = {
	sellerpic: 'SellerPic IDs are whole numbers such as 1946000000000000123',
	piapi: 'PiAPI task IDs are UUIDs such as 3f2c9a4e-8b1d-4c6e-9f0a-1b2c3d4e5f60',
};

/**
 * Reads a task or result ID and checks it belongs to the vendor before anything is sent:
 * SellerPic IDs are int64 numbers, PiAPI task IDs are UUIDs. An ID of the other vendor gets
 * an error that says so.
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
	if (!id) throw new InputError(`${label} is empty`, `Give the ${label} to look up, for example {{ $json.taskId }}. ${EXAMPLES[vendor]}.`);
	const shown = id.length > 80 ? `${id.slice(0, 77)}...` : id;
	const other: Vendor = vendor === 'sellerpic' ? 'piapi' : 'sellerpic';
	if (looksLike(other, id)) {
		throw new InputError(
			`${label} "${shown}" looks like a ${VENDOR_NAMES[other]} task ID; set Vendor to ${VENDOR_NAMES[other]}`,
			`${EXAMPLES[vendor]}. Vendor is set to ${VENDOR_NAMES[vendor]}.`,
		);
	}
	if (!looksLike(vendor, id)) throw new InputError(`${label} "${shown}" is not a ${VENDOR_NAMES[vendor]} ID`, `${EXAMPLES[vendor]}.`);
	return id;
}

function looksLike(vendor: Vendor, id: string) {
	return vendor === 'sellerpic' ? SELLERPIC_ID.test(id) && BigInt(id) <= INT64_MAX : UUID.test(id);
}

/**
 * The same error with advice added, for vendor rejections of the request (not for transient
 * failures or refused credentials).
 * `append`: add to the advice already there; otherwise only errors without advice get it.
 */
export function withHint(error: unknown, hint: string, append = false): unknown {
	if (!(error instanceof VendorApiError) || error.retryable) return error;
	if (error.details.httpStatus === 401 || error.details.httpStatus === 403) return error;
	const { hint: existing } = error.details;
	if (existing && !append) return error;
	return new VendorApiError(error.message, { ...error.details, hint: existing ? `${existing} ${hint}` : hint });
}
