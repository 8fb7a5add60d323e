/* What a mask file is: format, size and how much of it is white (the segmented object). */
import sharp from 'sharp';

export interface MaskInfo {
	format?: string;
	width?: number;
	height?: number;
	/** Mean brightness of the first channel, 0 (all black) to 1 (all white). */
	whiteShare: number;
}

export async function inspectMask(bytes: Buffer): Promise<MaskInfo> {
	const image = sharp(bytes);
	const [meta, stats] = await Promise.all([image.metadata(), image.stats()]);
	return {
		format: meta.format,
		width: meta.width,
		height: meta.height,
		whiteShare: stats.channels[0].mean / 255,
	};
}
