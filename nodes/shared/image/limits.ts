import { InputError } from '../errors';
import { inspectImage, type ImageInfo } from './inspect';

export interface ImageLimits {
	vendor: string;
	maxBytes: number;
	/** Longest side in pixels; undefined when the vendor sets none. */
	maxSide?: number;
}

const MB = 1024 * 1024;

/** Checks an image against a vendor's documented limits before anything is sent. */
export function checkImage(bytes: Buffer, limits: ImageLimits): ImageInfo {
	const { vendor } = limits;
	if (bytes.length === 0)
		throw new InputError('The image file is empty', 'Check the step that produced the file.');
	const info = inspectImage(bytes);
	if (!info) {
		throw new InputError(
			`The file is not an image ${vendor} accepts (JPG, PNG or WebP), judged by its content`,
			'Check that the binary field holds the image itself, not an HTML page or another file.',
		);
	}
	if (info.format === 'gif') {
		throw new InputError(
			`${vendor} does not accept GIF images`,
			'Convert the image to PNG or JPG first (for example with the Edit Image node).',
		);
	}
	if (info.animated) {
		throw new InputError(
			`${vendor} does not accept animated images`,
			'Use a still PNG, JPG or WebP image.',
		);
	}
	assertSizeWithin(bytes.length, limits);
	const longest = Math.max(info.width ?? 0, info.height ?? 0);
	if (limits.maxSide && longest > limits.maxSide) {
		throw new InputError(
			`The image is ${info.width}×${info.height} px; ${vendor} accepts at most ${limits.maxSide} px on the longest side here`,
			'Scale the image down first (for example with the Edit Image node).',
		);
	}
	return info;
}

/** Refuses an image by its size alone, before its bytes are read; an unknown size passes. */
export function assertSizeWithin(size: number | undefined, limits: ImageLimits) {
	if (size !== undefined && size > limits.maxBytes) throw tooLargeError(limits, size);
}

/** The image is over the vendor's byte limit; `size` when the whole size is known. */
export function tooLargeError(limits: ImageLimits, size?: number) {
	const { vendor, maxBytes } = limits;
	return new InputError(
		size === undefined
			? `The image is larger than ${maxBytes / MB} MB; ${vendor} accepts at most ${maxBytes / MB} MB`
			: `The image is ${(size / MB).toFixed(1)} MB; ${vendor} accepts at most ${maxBytes / MB} MB`,
		'Compress or scale the image down first (for example with the Edit Image node).',
	);
}
