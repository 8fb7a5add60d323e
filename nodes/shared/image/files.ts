/** A file's bytes with its name and type: an image read from an item or a URL, or a mask. */
export interface FileData {
	data: Buffer;
	fileName: string;
	mimeType: string;
}

/**
 * The last segment of a URL's path, decoded ("…/images/shoe%201.jpg?x=1" → "shoe 1.jpg"); undefined
 * when there is none.
 */
export function fileNameFromUrl(url: string): string | undefined {
	if (!URL.canParse(url)) return undefined;
	const last = new URL(url).pathname.split('/').filter(Boolean).pop();
	if (!last) return undefined;
	let name = last;
	try {
		name = decodeURIComponent(last);
	} catch {
		// A stray % in the URL: keep the segment as it is.
	}
	return name.trim() || undefined;
}

/** "shoe.jpg" → "shoe_mask.png". */
export function maskFileName(sourceName: string | undefined, extension: string, suffix = 'mask') {
	const base = (sourceName ?? 'image').replace(/\.[^./]*$/, '') || 'image';
	return `${base}_${suffix}.${extension}`;
}
