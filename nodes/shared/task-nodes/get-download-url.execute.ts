import type { IBinaryKeyData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { readVendor, requiredText, versionedName, type NodeHistory } from '../parameters/read';
import { maskField } from '../image/output';
import { processItems } from '../runtime/items';
import type { Resolved } from '../task/result-files';
import type { TaskVendor } from '../task/vendor';

const CONCURRENT_ITEMS = 5;

const FIELD_LABELS: Record<string, string> = {
	maskBinaryField: 'Mask Binary Field',
	binaryPropertyName: 'Put Output File in Field',
};

export async function getSegmentationDownloadUrls(
	context: IExecuteFunctions,
	vendors: readonly TaskVendor[],
	history: NodeHistory = {},
): Promise<INodeExecutionData[][]> {
	const resolve = await readVendor(context, vendors).downloadUrl.resolver(context, vendors);
	const downloadSwitch = versionedName(context, history, 'downloadMask', 'download');
	const fieldName = versionedName(context, history, 'maskBinaryField', 'binaryPropertyName');
	return [
		await processItems(context, CONCURRENT_ITEMS, async (itemIndex) => {
			const download = context.getNodeParameter(downloadSwitch, itemIndex, false) === true;
			const field = download
				? requiredText(
						context,
						fieldName,
						itemIndex,
						FIELD_LABELS[fieldName],
						'Name the binary field for the file, for example "mask".',
					)
				: '';
			return [await outputItem(context, await resolve(context, itemIndex, download), field)];
		}),
	];
}

/**
 * One item per input item: the first URL, every file, and with Download on the files as `<field>`,
 * `<field>_2`, ...
 */
async function outputItem(
	context: IExecuteFunctions,
	{ request, files }: Resolved,
	field: string,
): Promise<INodeExecutionData> {
	const usedNames = new Set<string>();
	const described = files.map((file) => ({
		...file,
		fileName: uniqueName(file.fileName, usedNames),
	}));
	const json = {
		...request,
		url: described[0].url,
		files: described.map(({ resultId, url, fileName }) => ({
			...(resultId === undefined ? {} : { resultId }),
			url,
			fileName,
		})),
	};
	const binary: IBinaryKeyData = {};
	for (const [index, file] of described.entries()) {
		if (!file.data) continue;
		binary[maskField(field, index)] = await context.helpers.prepareBinaryData(
			file.data,
			file.fileName,
			file.mimeType,
		);
	}
	return Object.keys(binary).length ? { json, binary } : { json };
}

function uniqueName(name: string, used: Set<string>) {
	let candidate = name;
	for (let n = 2; used.has(candidate); n++)
		candidate = name.replace(/(\.[^.]*)?$/, (ext) => `_${n}${ext}`);
	used.add(candidate);
	return candidate;
}
