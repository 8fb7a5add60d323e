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
	if (bytes.length > limits.maxBytes) {
		throw new InputError(
			`The image is ${(bytes.length / MB).toFixed(1)} MB; ${vendor} accepts at most ${limits.maxBytes / MB} MB`,
			'Compress or scale the image down first (for example with the Edit Image node).',
		);
	}
	const longest = Math.max(info.width ?? 0, info.height ?? 0);
	if (limits.maxSide && longest > limits.maxSide) {
		throw new InputError(
			`The image is ${info.width}×${info.height} px; ${vendor} accepts at most ${limits.maxSide} px on the longest side here`,
			'Scale the image down first (for example with the Edit Image node).',
		);
	}
	return info;
}
