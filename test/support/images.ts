import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

import sharp from 'sharp';

import { makeProductPhoto } from '../fake/images';

const dir = mkdtempSync(join(tmpdir(), 'seg-images-'));

/** Writes bytes to a temporary file and returns its path (for Test Items `files`). */
export function writeTempFile(name: string, data: Buffer) {
	const path = join(dir, name);
	writeFileSync(path, data);
	return path;
}

/** A generated product photo on disk. */
export async function productPhotoFile(
	name: string,
	width = 320,
	height = 240,
	format: 'png' | 'jpeg' | 'webp' = 'png',
) {
	const data = await makeProductPhoto({ width, height, seed: name.length, format });
	return { path: writeTempFile(name, data), data };
}

/** A PNG that announces animation (an APNG acTL chunk right after IHDR). */
export async function apng() {
	const png = await makeProductPhoto({ width: 32, height: 32, seed: 3 });
	const acTL = Buffer.alloc(20);
	acTL.writeUInt32BE(8, 0);
	acTL.write('acTL', 4, 'latin1');
	acTL.writeUInt32BE(2, 8); // frames
	acTL.writeUInt32BE(0, 12); // plays forever
	acTL.writeUInt32BE(crc32(acTL.subarray(4, 16)), 16);
	const afterIhdr = 8 + 25;
	return Buffer.concat([png.subarray(0, afterIhdr), acTL, png.subarray(afterIhdr)]);
}

/** A two-frame animated WebP, 24×24. */
export async function animatedWebp() {
	const frame = async (background: string) =>
		await sharp({ create: { width: 24, height: 24, channels: 3, background } })
			.png()
			.toBuffer();
	return await sharp([await frame('#c33'), await frame('#3c3')], { join: { animated: true } })
		.webp({ loop: 0 })
		.toBuffer();
}
