/*
 * demo-output/index.html: one row per product and vendor with the photo, the mask, the cut-out
 * (on a checkerboard, so its transparency shows) and the white-background image, plus the status
 * and timing. Images are linked by relative paths, so the folder can be opened or moved as a whole.
 */
import type { DemoVendor } from './workflow';

export interface DemoImages {
	photo: string;
	mask: string;
	cutout: string;
	white: string;
}

export interface DemoRow {
	productId: string;
	title: string;
	vendor: DemoVendor;
	/** How long the vendor node ran (its products run at the same time). */
	seconds: number;
	/** Relative file paths when the product was segmented; absent when it failed. */
	images?: DemoImages;
	error?: string;
}

export interface DemoPage {
	rows: DemoRow[];
	/** Lines about the run shown above the table (n8n version, vendors, timing of the Edit Image steps). */
	about: string[];
}

const VENDOR_LABEL: Record<DemoVendor, string> = { sellerpic: 'SellerPic', piapi: 'PiAPI' };
const IMAGE_COLUMNS: Array<[keyof DemoImages, string]> = [
	['photo', 'Photo'],
	['mask', 'Mask'],
	['cutout', 'Cut-out'],
	['white', 'White background'],
];

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function row(entry: DemoRow): string {
	const status = entry.images ? 'ok' : 'error';
	const cells = [
		`<th scope="row">${escapeHtml(entry.productId)}<small>${escapeHtml(entry.title)}</small></th>`,
		`<td>${VENDOR_LABEL[entry.vendor]}</td>`,
		`<td class="status ${status}">${status}</td>`,
		`<td class="seconds">${entry.seconds.toFixed(1)}</td>`,
	];
	if (entry.images) {
		for (const [key, label] of IMAGE_COLUMNS) {
			const src = escapeHtml(entry.images[key]);
			cells.push(
				`<td class="${key}"><a href="${src}"><img src="${src}" alt="${label} of ${escapeHtml(entry.productId)} (${VENDOR_LABEL[entry.vendor]})"></a></td>`,
			);
		}
	} else {
		cells.push(
			`<td class="error" colspan="${IMAGE_COLUMNS.length}">${escapeHtml(entry.error ?? 'no mask')}</td>`,
		);
	}
	const data = `data-product="${escapeHtml(entry.productId)}" data-vendor="${entry.vendor}" data-status="${status}"`;
	return `<tr ${data}>\n\t\t\t${cells.join('\n\t\t\t')}\n\t\t</tr>`;
}

export function renderDemoPage(page: DemoPage): string {
	const headers = [
		'Product',
		'Vendor',
		'Status',
		'Seconds',
		...IMAGE_COLUMNS.map(([, label]) => label),
	];
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>n8n-nodes-segmentation demo</title>
<style>
	body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
	h1 { font-size: 20px; margin: 0 0 4px; }
	p.about { margin: 2px 0; color: #555; }
	table { border-collapse: collapse; margin-top: 16px; }
	th, td { border-bottom: 1px solid #ddd; padding: 6px 10px; text-align: left; vertical-align: middle; }
	thead th { background: #f4f4f4; }
	th small { display: block; font-weight: normal; color: #666; }
	td.seconds { text-align: right; font-variant-numeric: tabular-nums; }
	td.status.ok { color: #17803d; font-weight: 600; }
	td.status.error, td.error { color: #b42318; }
	td.error { font-size: 13px; max-width: 600px; }
	img { display: block; height: 120px; width: auto; }
	td.cutout img {
		background-color: #fff;
		background-image: linear-gradient(45deg, #ccc 25%, transparent 25%, transparent 75%, #ccc 75%),
			linear-gradient(45deg, #ccc 25%, transparent 25%, transparent 75%, #ccc 75%);
		background-position: 0 0, 8px 8px;
		background-size: 16px 16px;
	}
	td.white img { outline: 1px solid #ddd; }
</style>
</head>
<body>
<h1>n8n-nodes-segmentation demo</h1>
${page.about.map((line) => `<p class="about">${escapeHtml(line)}</p>`).join('\n')}
<table>
	<thead>
		<tr>${headers.map((header) => `<th scope="col">${header}</th>`).join('')}</tr>
	</thead>
	<tbody>
		${page.rows.map(row).join('\n\t\t')}
	</tbody>
</table>
</body>
</html>
`;
}
