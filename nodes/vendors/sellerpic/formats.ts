import type { INodePropertyOptions } from 'n8n-workflow';

import { InputError } from '../../shared/errors';
import { MIME_TYPES } from '../../shared/image/inspect';

/** The formats SellerPic converts a result to (documented), and their MIME types. */
export const SELLERPIC_FORMATS = {
	png: { name: 'PNG', mimeType: MIME_TYPES.png },
	jpg: { name: 'JPG', mimeType: MIME_TYPES.jpeg },
	webp: { name: 'WebP', mimeType: MIME_TYPES.webp },
} as const;

export type SellerPicFormat = keyof typeof SELLERPIC_FORMATS;

export const sellerPicFormatOptions: INodePropertyOptions[] = Object.entries(SELLERPIC_FORMATS).map(
	([value, { name }]) => ({ name, value }),
);

/** A format as the user gave it ("PNG", " webp"), checked against SellerPic's list. */
export function readSellerPicFormat(value: unknown): SellerPicFormat {
	const format = String(value ?? '')
		.trim()
		.toLowerCase();
	if (format in SELLERPIC_FORMATS) return format as SellerPicFormat;
	const names = Object.keys(SELLERPIC_FORMATS);
	throw new InputError(
		`Format must be ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]} (got "${format}")`,
	);
}
