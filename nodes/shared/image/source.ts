import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../errors';
import { fileNameFromUrl, type FileData } from './files';
import { notForToolsError, runsAsTool } from '../runtime/tool-mode';
import { downloadAtMost } from '../transport/bounded-download';
import { httpUrlProblem } from '../transport/url';
import { FILE_EXTENSIONS, inspectImage, MIME_TYPES } from './inspect';
import { assertSizeWithin, tooLargeError, type ImageLimits } from './limits';
import { storedSize } from './stored-size';

/**
 * Reads an image from a binary property of the item, through n8n's binary data service. One over
 * the vendor's byte limit by n8n's metadata is refused before its bytes are loaded.
 */
export async function readBinaryImage(
	context: IExecuteFunctions,
	itemIndex: number,
	property: string,
	limits: ImageLimits,
): Promise<FileData> {
	const binary = context.getInputData()[itemIndex]?.binary ?? {};
	if (!property || !binary[property]) {
		if (runsAsTool(context)) {
			throw notForToolsError(
				'Image Source "Binary File"',
				'An agent passes no files to its tools, only the arguments the model fills in.',
				'Set Image Source to "URL" and let the model fill Image URL.',
			);
		}
		const present = Object.keys(binary);
		throw new InputError(
			`The item has no binary field "${property}"`,
			present.length
				? `Set Input Binary Field to one of the item's binary fields: ${present.join(', ')}.`
				: 'The item carries no binary data: read the image first (for example with HTTP Request or Read Files), or use Image Source "URL".',
		);
	}
	const meta = context.helpers.assertBinaryData(itemIndex, property);
	assertSizeWithin(await storedSize(context, meta), limits);
	const data = await context.helpers.getBinaryDataBuffer(itemIndex, property);
	const info = inspectImage(data);
	const fileName =
		meta.fileName || `image-${itemIndex}.${info ? FILE_EXTENSIONS[info.format] : 'bin'}`;
	return { data, fileName, mimeType: info ? MIME_TYPES[info.format] : meta.mimeType };
}

/**
 * Fetches an image from a public URL (no credential is sent), giving it up as soon as it passes the
 * vendor's byte limit.
 */
export async function fetchImage(
	context: IExecuteFunctions,
	url: string,
	limits: ImageLimits,
): Promise<FileData> {
	assertImageUrl(url);
	const reply = await downloadAtMost(context, url, limits.maxBytes, 120_000);
	if (reply.kind === 'failed') {
		throw new InputError(
			`Could not fetch the image from ${url} (${reply.code})`,
			'Check that the URL is reachable from n8n.',
		);
	}
	if (reply.status >= 400) {
		throw new InputError(
			`Could not fetch the image from ${url} (HTTP ${reply.status})`,
			'Check that the URL points to a public image.',
		);
	}
	if (reply.kind === 'tooLarge') throw tooLargeError(limits, reply.size);
	const { data } = reply;
	const info = inspectImage(data);
	return {
		data,
		fileName: fileNameFromUrl(url) ?? 'image',
		mimeType: info ? MIME_TYPES[info.format] : 'application/octet-stream',
	};
}

export function assertImageUrl(value: string) {
	const url = value.trim();
	const problem = httpUrlProblem(url);
	if (problem === 'invalid') {
		throw new InputError(
			`"${value}" is not a valid image URL`,
			'Give a full URL such as https://shop.example/images/shoe.jpg.',
		);
	}
	if (problem === 'protocol') {
		throw new InputError(
			`The image URL must start with http:// or https:// (got ${new URL(url).protocol})`,
			'Give a public http(s) URL of the image.',
		);
	}
}
