/*
 * Reads binary data that a real n8n stored on disk. An output item's binary entry holds
 * metadata only, e.g. `{ data: 'filesystem-v2', id: 'filesystem-v2:workflows/<wf>/executions/<ex>/binary_data/<uuid>' }`;
 * the bytes are under `$N8N_USER_FOLDER/.n8n/storage/` (n8n 2.x) or `.n8n/binaryData/` (1.x), at the part after the colon.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';

export interface BinaryMeta {
	id?: string;
	data?: string;
	mimeType?: string;
	fileName?: string;
	bytes?: number;
}

export function binaryFilePath(userFolder: string, meta: BinaryMeta): string {
	const match = /^filesystem(?:-v2)?:(.+)$/.exec(meta.id ?? '');
	if (!match)
		throw new Error(
			`Not a filesystem binary id: ${JSON.stringify(meta.id)} (is N8N_DEFAULT_BINARY_DATA_MODE filesystem?)`,
		);
	const storage = [
		join(userFolder, '.n8n', 'storage'),
		join(userFolder, '.n8n', 'binaryData'),
	].find((dir) => existsSync(dir));
	if (!storage) throw new Error(`n8n in ${userFolder} has stored no binary data`);
	const path = normalize(join(storage, match[1]));
	if (!path.startsWith(storage + sep))
		throw new Error(`Binary id points outside the storage folder: ${meta.id}`);
	return path;
}

export async function readBinary(userFolder: string, meta: BinaryMeta): Promise<Buffer> {
	return await readFile(binaryFilePath(userFolder, meta));
}
