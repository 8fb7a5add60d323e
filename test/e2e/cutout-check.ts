/*
 * What Edit Image made of a photo and its mask, judged by the pixels: a cut-out (the mask as the
 * photo's alpha) and a white-background image (the cut-out on a white canvas). Every figure compares
 * pixel by pixel with the mask and the original photo.
 */
import sharp from 'sharp';

interface Pixels {
	data: Buffer;
	width: number;
	height: number;
	channels: number;
}

/** Raw pixels: one grey channel, or RGB (with alpha when asked), whatever channels the file has. */
async function decode(
	bytes: Buffer,
	options: { alpha?: boolean; grey?: boolean } = {},
): Promise<Pixels> {
	let image = sharp(bytes);
	if (options.grey) image = image.toColourspace('b-w');
	else if (options.alpha) image = image.toColourspace('srgb').ensureAlpha();
	else image = image.toColourspace('srgb').removeAlpha();
	const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
	return { data, width: info.width, height: info.height, channels: info.channels };
}

/** The mask with its white area grown (margin > 0) or shrunk (margin < 0) by |margin| px, as 0/255 per pixel. */
async function shiftedMask(mask: Buffer, margin: number): Promise<Buffer> {
	let image = sharp(mask).toColourspace('b-w').threshold(128);
	// sharp's morphology treats black as the foreground: growing white is an erode.
	if (margin > 0) image = image.erode(margin);
	if (margin < 0) image = image.dilate(-margin);
	return await image.raw().toBuffer();
}

function expectSameSize(what: string, a: Pixels, b: Pixels): void {
	if (a.width !== b.width || a.height !== b.height)
		throw new Error(`${what} is ${a.width}×${a.height}, the photo ${b.width}×${b.height}`);
}

// No Math.* in the pixel loops: global lookups are slow inside Jest's vm sandbox.
function meanRgbDifference(a: Pixels, b: Pixels, where: (pixel: number) => boolean): number {
	let sum = 0;
	let count = 0;
	for (let p = 0; p < a.width * a.height; p++) {
		if (!where(p)) continue;
		for (let c = 0; c < 3; c++) {
			const difference = a.data[p * a.channels + c] - b.data[p * b.channels + c];
			sum += difference < 0 ? -difference : difference;
		}
		count += 3;
	}
	return count ? sum / count : NaN;
}

export interface CutoutCheck {
	format?: string;
	width: number;
	height: number;
	hasAlpha: boolean;
	/** Share of the mask's black pixels that are fully transparent (alpha 0) in the cut-out. */
	transparentWhereBlack: number;
	/** Share of the mask's white pixels that are fully opaque (alpha 255). */
	opaqueWhereWhite: number;
	/** Mean difference per colour channel (0–255) from the photo, over the mask's white pixels. */
	colourDifference: number;
}

export async function checkCutout(
	cutout: Buffer,
	mask: Buffer,
	photo: Buffer,
): Promise<CutoutCheck> {
	const meta = await sharp(cutout).metadata();
	const [image, maskPixels, photoPixels] = await Promise.all([
		decode(cutout, { alpha: true }),
		decode(mask, { grey: true }),
		decode(photo),
	]);
	expectSameSize('The cut-out', image, photoPixels);
	expectSameSize('The mask', maskPixels, photoPixels);
	const white = (p: number): boolean => maskPixels.data[p] >= 128;
	let black = 0;
	let transparent = 0;
	let opaque = 0;
	for (let p = 0; p < image.width * image.height; p++) {
		const alpha = image.data[p * image.channels + 3];
		if (white(p)) opaque += alpha === 255 ? 1 : 0;
		else {
			black++;
			transparent += alpha === 0 ? 1 : 0;
		}
	}
	const whiteCount = image.width * image.height - black;
	return {
		format: meta.format,
		width: image.width,
		height: image.height,
		hasAlpha: Boolean(meta.hasAlpha),
		transparentWhereBlack: transparent / black,
		opaqueWhereWhite: opaque / whiteCount,
		colourDifference: meanRgbDifference(image, photoPixels, white),
	};
}

export interface WhiteBackgroundCheck {
	format?: string;
	width: number;
	height: number;
	/** The darkest channel value outside the object, `margin` px or more away from it (255 = pure white). */
	darkestOutside: number;
	/** Mean difference per colour channel from the photo inside the object, `margin` px or more in from its edge. */
	colourDifferenceInside: number;
}

/** `margin` keeps JPEG's ringing along the object's edge out of the figures (one 8×8 block by default). */
export async function checkWhiteBackground(
	image: Buffer,
	mask: Buffer,
	photo: Buffer,
	margin = 8,
): Promise<WhiteBackgroundCheck> {
	const meta = await sharp(image).metadata();
	const [pixels, photoPixels, grown, shrunk] = await Promise.all([
		decode(image),
		decode(photo),
		shiftedMask(mask, margin),
		shiftedMask(mask, -margin),
	]);
	expectSameSize('The white-background image', pixels, photoPixels);
	let darkestOutside = 255;
	for (let p = 0; p < pixels.width * pixels.height; p++) {
		if (grown[p] >= 128) continue;
		for (let c = 0; c < 3; c++) {
			const value = pixels.data[p * pixels.channels + c];
			if (value < darkestOutside) darkestOutside = value;
		}
	}
	return {
		format: meta.format,
		width: pixels.width,
		height: pixels.height,
		darkestOutside,
		colourDifferenceInside: meanRgbDifference(pixels, photoPixels, (p) => shrunk[p] >= 128),
	};
}
