import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { makeProductPhoto } from '../fake/images';

const dir = mkdtempSync(join(tmpdir(), 'seg-images-'));

/** Writes bytes to a temporary file and returns its path (for Test Items `files`). */
export function writeTempFile(name: string, data: Buffer) {
	const path = join(dir, name);
	writeFileSync(path, data);
	return path;
}

/** A generated product photo on disk. */
export async function productPhotoFile(name: string, width = 320, height = 240, format: 'png' | 'jpeg' | 'webp' = 'png') {
	const data = await makeProductPhoto({ width, height, seed: name.length, format });
	return { path: writeTempFile(name, data), data };
}
