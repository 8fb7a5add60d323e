import { createHash } from 'node:crypto';
import sharp from 'sharp';

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif';
export type MaskFormat = 'png' | 'jpg' | 'webp';

export interface ImageInfo {
	format: ImageFormat | null;
	width?: number;
	height?: number;
	animated?: boolean;
}

const KNOWN_FORMATS: readonly string[] = ['png', 'jpeg', 'webp', 'gif'];

export const MIME_BY_FORMAT: Record<ImageFormat | MaskFormat, string> = {
	png: 'image/png',
	jpeg: 'image/jpeg',
	jpg: 'image/jpeg',
	webp: 'image/webp',
	gif: 'image/gif',
};

export async function sniffImage(buf: Buffer): Promise<ImageInfo> {
	try {
		const meta = await sharp(buf).metadata();
		if (!meta.format || !KNOWN_FORMATS.includes(meta.format)) return { format: null };
		return {
			format: meta.format as ImageFormat,
			width: meta.width,
			height: meta.height,
			animated: (meta.pages ?? 1) > 1,
		};
	} catch {
		return { format: null };
	}
}

export interface MaskOptions {
	/** Grow (positive) or shrink (negative) the white area by this many pixels. */
	edgeShiftPx?: number;
	/** Per-channel difference from the border colour that still counts as background. */
	tolerance?: number;
}

const maskCache = new Map<string, Promise<Buffer>>();
const MASK_CACHE_SIZE = 32;

/**
 * Greyscale PNG, same size as the input: white where the pixel differs from the mean border
 * colour. Masks of recently seen images are reused, so a benchmark that sends the same photos
 * many times measures the node rather than the fake's own image work.
 */
export async function makeMask(buf: Buffer, options: MaskOptions = {}): Promise<Buffer> {
	const key = `${createHash('sha1').update(buf).digest('hex')}:${options.edgeShiftPx ?? 0}:${options.tolerance ?? 24}`;
	let mask = maskCache.get(key);
	if (!mask) {
		mask = drawMask(buf, options);
		maskCache.set(key, mask);
		if (maskCache.size > MASK_CACHE_SIZE) maskCache.delete(maskCache.keys().next().value!);
		mask.catch(() => maskCache.delete(key));
	}
	return await mask;
}

async function drawMask(buf: Buffer, options: MaskOptions): Promise<Buffer> {
	const tolerance = options.tolerance ?? 24;
	const { data, info } = await sharp(buf)
		.flatten({ background: '#ffffff' })
		.removeAlpha()
		.raw()
		.toBuffer({ resolveWithObject: true });
	const { width, height, channels } = info;
	const border = meanBorderColour(data, width, height, channels);
	const mask = Buffer.alloc(width * height);
	const [r, g, b] = border;
	// No Math.* in hot loops: global lookups are very slow inside Jest's vm sandbox.
	for (let i = 0, p = 0; p < mask.length; p++, i += channels) {
		const dr = data[i] - r;
		const dg = data[i + 1] - g;
		const db = data[i + 2] - b;
		const differs =
			dr > tolerance ||
			-dr > tolerance ||
			dg > tolerance ||
			-dg > tolerance ||
			db > tolerance ||
			-db > tolerance;
		mask[p] = differs ? 255 : 0;
	}
	let image = sharp(mask, { raw: { width, height, channels: 1 } });
	const shift = Math.trunc(options.edgeShiftPx ?? 0);
	// sharp's morphology treats black as the foreground, so growing the white area is an erode.
	if (shift > 0) image = image.erode(shift);
	if (shift < 0) image = image.dilate(-shift);
	return image.toColourspace('b-w').png().toBuffer();
}

function meanBorderColour(data: Buffer, width: number, height: number, channels: number): number[] {
	const sum = [0, 0, 0];
	let count = 0;
	const add = (x: number, y: number): void => {
		const i = (y * width + x) * channels;
		for (let c = 0; c < 3; c++) sum[c] += data[i + c];
		count++;
	};
	for (let x = 0; x < width; x++) {
		add(x, 0);
		if (height > 1) add(x, height - 1);
	}
	for (let y = 1; y < height - 1; y++) {
		add(0, y);
		if (width > 1) add(width - 1, y);
	}
	return sum.map((s) => s / count);
}

export async function convertMask(png: Buffer, format: MaskFormat): Promise<Buffer> {
	if (format === 'png') return png;
	if (format === 'jpg') return sharp(png).jpeg({ quality: 95 }).toBuffer();
	return sharp(png).webp({ lossless: true }).toBuffer();
}

export interface ProductPhotoOptions {
	width: number;
	height: number;
	seed: number;
	format?: 'png' | 'jpeg' | 'webp';
	/** Adds small random noise everywhere (keeps the mask intact, defeats compression). */
	noise?: boolean;
}

/** Light plain background with a saturated ellipse in the middle (covering the central ~50% of each axis). */
export async function makeProductPhoto(options: ProductPhotoOptions): Promise<Buffer> {
	const { width, height, seed } = options;
	const random = mulberry32(seed);
	const background = [
		230 + Math.floor(random() * 25),
		230 + Math.floor(random() * 25),
		230 + Math.floor(random() * 25),
	];
	const object = [
		Math.floor(random() * 120),
		Math.floor(random() * 120),
		120 + Math.floor(random() * 120),
	];
	const radiusX = width * (0.25 + random() * 0.05);
	const radiusY = height * (0.25 + random() * 0.05);
	const centreX = width / 2;
	const centreY = height / 2;
	const pixels = Buffer.alloc(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const dx = (x + 0.5 - centreX) / radiusX;
			const dy = (y + 0.5 - centreY) / radiusY;
			const colour = dx * dx + dy * dy <= 1 ? object : background;
			const i = (y * width + x) * 3;
			for (let c = 0; c < 3; c++) {
				const jitter = options.noise ? ((random() * 21) | 0) - 10 : 0;
				pixels[i + c] = clampByte(colour[c] + jitter);
			}
		}
	}
	const image = sharp(pixels, { raw: { width, height, channels: 3 } });
	if (options.format === 'jpeg') return image.jpeg({ quality: 92 }).toBuffer();
	if (options.format === 'webp') return image.webp({ quality: 92 }).toBuffer();
	return image.png().toBuffer();
}

/** A noisy PNG product photo of roughly targetBytes (within ~10%), square, at most 4096 px. */
export async function makeLargePhoto(targetBytes: number, seed = 1): Promise<Buffer> {
	const bytesPerPixelGuess = 1.7;
	let side = Math.min(4096, Math.ceil(Math.sqrt(targetBytes / bytesPerPixelGuess)));
	let photo = await makeProductPhoto({ width: side, height: side, seed, noise: true });
	const ratio = targetBytes / photo.length;
	if (Math.abs(ratio - 1) > 0.1) {
		side = Math.min(4096, Math.round(side * Math.sqrt(ratio)));
		photo = await makeProductPhoto({ width: side, height: side, seed, noise: true });
	}
	return photo;
}

function clampByte(value: number): number {
	return value < 0 ? 0 : value > 255 ? 255 : value;
}

const imul = Math.imul;

function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = imul(t ^ (t >>> 15), t | 1);
		t ^= t + imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
