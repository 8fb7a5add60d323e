import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

/**
 * A binary's size in bytes from what n8n knows without loading it; undefined when it cannot say.
 * n8n 2.x writes `bytes` on the entry; n8n 1.x keeps the size in the stored file's metadata (disk,
 * S3); in the default in-memory mode the bytes are base64 in the item already.
 */
export async function storedSize(
	context: IExecuteFunctions,
	meta: IBinaryData,
): Promise<number | undefined> {
	if (isSize(meta.bytes)) return meta.bytes;
	if (meta.id) {
		try {
			const { fileSize } = await context.helpers.getBinaryMetadata(meta.id);
			return isSize(fileSize) ? fileSize : undefined;
		} catch {
			// A storage that keeps no metadata: the size is checked once the bytes are read.
			return undefined;
		}
	}
	return typeof meta.data === 'string' ? base64Size(meta.data) : undefined;
}

function isSize(value: unknown): value is number {
	return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Bytes of unbroken base64 without decoding it; undefined when line breaks would skew the count. */
function base64Size(data: string) {
	if (/\s/.test(data)) return undefined;
	const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
	return Math.floor((data.length * 3) / 4) - padding;
}
