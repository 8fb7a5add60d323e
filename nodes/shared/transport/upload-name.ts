import type { FileData } from '../image/files';
import { FILE_EXTENSIONS, inspectImage, MIME_TYPES } from '../image/inspect';

/**
 * How an image is named and typed in an upload: its extension and MIME type from its bytes (a PNG
 * named "photo.JPG", or with no extension, goes up as "photo.png", image/png), its name otherwise
 * kept. Bytes of no known image format keep the name and type they came with.
 */
export function uploadName(file: FileData): { fileName: string; mimeType: string } {
	const format = inspectImage(file.data)?.format;
	if (!format) return { fileName: file.fileName || 'image', mimeType: file.mimeType };
	const base = file.fileName.replace(/\.[^./\\]*$/, '').trim() || 'image';
	return { fileName: `${base}.${FILE_EXTENSIONS[format]}`, mimeType: MIME_TYPES[format] };
}
