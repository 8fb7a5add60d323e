export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif';

export interface ImageInfo {
	format: ImageFormat;
	width?: number;
	height?: number;
	animated: boolean;
}

export const MIME_TYPES: Record<ImageFormat, string> = {
	jpeg: 'image/jpeg',
	png: 'image/png',
	webp: 'image/webp',
	gif: 'image/gif',
};

export const FILE_EXTENSIONS: Record<ImageFormat, string> = {
	jpeg: 'jpg',
	png: 'png',
	webp: 'webp',
	gif: 'gif',
};

/**
 * Tells an image's format, size and animation from its bytes alone; undefined when it is not one we
 * know.
 */
export function inspectImage(bytes: Buffer): ImageInfo | undefined {
	if (isPng(bytes)) return inspectPng(bytes);
	if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
		return inspectJpeg(bytes);
	if (
		bytes.length >= 12 &&
		bytes.toString('latin1', 0, 4) === 'RIFF' &&
		bytes.toString('latin1', 8, 12) === 'WEBP'
	) {
		return inspectWebp(bytes);
	}
	if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.toString('latin1', 0, 6))) {
		return {
			format: 'gif',
			width: bytes.readUInt16LE(6),
			height: bytes.readUInt16LE(8),
			animated: false,
		};
	}
	return undefined;
}

function isPng(bytes: Buffer) {
	return (
		bytes.length >= 24 &&
		bytes.readUInt32BE(0) === 0x89504e47 &&
		bytes.readUInt32BE(4) === 0x0d0a1a0a
	);
}

function inspectPng(bytes: Buffer): ImageInfo {
	const info: ImageInfo = {
		format: 'png',
		width: bytes.readUInt32BE(16),
		height: bytes.readUInt32BE(20),
		animated: false,
	};
	// An APNG announces itself with an acTL chunk before the first IDAT.
	let offset = 8;
	while (offset + 8 <= bytes.length) {
		const length = bytes.readUInt32BE(offset);
		const type = bytes.toString('latin1', offset + 4, offset + 8);
		if (type === 'acTL') info.animated = true;
		if (type === 'IDAT' || type === 'IEND') break;
		offset += 12 + length;
	}
	return info;
}

function inspectJpeg(bytes: Buffer): ImageInfo {
	let offset = 2;
	while (offset + 9 < bytes.length) {
		if (bytes[offset] !== 0xff) {
			offset++;
			continue;
		}
		const marker = bytes[offset + 1];
		if (marker === 0xff) {
			offset++;
			continue;
		}
		const isStartOfFrame =
			marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
		if (isStartOfFrame) {
			return {
				format: 'jpeg',
				height: bytes.readUInt16BE(offset + 5),
				width: bytes.readUInt16BE(offset + 7),
				animated: false,
			};
		}
		offset += 2 + bytes.readUInt16BE(offset + 2);
	}
	return { format: 'jpeg', animated: false };
}

function inspectWebp(bytes: Buffer): ImageInfo {
	const chunk = bytes.toString('latin1', 12, 16);
	if (chunk === 'VP8X' && bytes.length >= 30) {
		const flags = bytes[20];
		return {
			format: 'webp',
			width: 1 + bytes.readUIntLE(24, 3),
			height: 1 + bytes.readUIntLE(27, 3),
			animated: (flags & 0x02) !== 0,
		};
	}
	if (chunk === 'VP8L' && bytes.length >= 25) {
		const bits = bytes.readUInt32LE(21);
		return {
			format: 'webp',
			width: (bits & 0x3fff) + 1,
			height: ((bits >> 14) & 0x3fff) + 1,
			animated: false,
		};
	}
	if (chunk === 'VP8 ' && bytes.length >= 30) {
		return {
			format: 'webp',
			width: bytes.readUInt16LE(26) & 0x3fff,
			height: bytes.readUInt16LE(28) & 0x3fff,
			animated: false,
		};
	}
	return { format: 'webp', animated: false };
}
