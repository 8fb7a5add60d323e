import type { IBinaryKeyData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { processItems } from '../shared/runtime/items';
import { readVendor, requiredText } from '../shared/parameters/read';
import { PiApiClient } from '../vendors/piapi/client';
import { SellerPicClient } from '../vendors/sellerpic/client';
import { piApiResolver, sellerPicResolver, type Resolved } from './resolve';

const CONCURRENT_ITEMS = 5;

export async function executeGetSegmentationDownloadUrl(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resolve =
		readVendor(this) === 'sellerpic' ? sellerPicResolver(await SellerPicClient.create(this)) : piApiResolver(await PiApiClient.create(this));
	return [
		await processItems(this, CONCURRENT_ITEMS, async (itemIndex) => {
			const download = this.getNodeParameter('download', itemIndex, false) === true;
			const field = download
				? requiredText(this, 'binaryPropertyName', itemIndex, 'Put Output File in Field', 'Name the binary field for the file, for example "mask".')
				: '';
			return [await outputItem(this, await resolve(this, itemIndex, download), field)];
		}),
	];
}

/** One item per input item: the first URL, every file, and with Download on the files as `<field>`, `<field>_2`, ... */
async function outputItem(context: IExecuteFunctions, { request, files }: Resolved, field: string): Promise<INodeExecutionData> {
	const usedNames = new Set<string>();
	const described = files.map((file) => ({ ...file, fileName: uniqueName(file.fileName, usedNames) }));
	const json = {
		...request,
		url: described[0].url,
		files: described.map(({ resultId, url, fileName }) => ({ ...(resultId === undefined ? {} : { resultId }), url, fileName })),
	};
	const binary: IBinaryKeyData = {};
	for (const [index, file] of described.entries()) {
		if (!file.data) continue;
		binary[index ? `${field}_${index + 1}` : field] = await context.helpers.prepareBinaryData(file.data, file.fileName, file.mimeType);
	}
	return Object.keys(binary).length ? { json, binary } : { json };
}

function uniqueName(name: string, used: Set<string>) {
	let candidate = name;
	for (let n = 2; used.has(candidate); n++) candidate = name.replace(/(\.[^.]*)?$/, (ext) => `_${n}${ext}`);
	used.add(candidate);
	return candidate;
}
