import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
} from 'n8n-workflow';

import { maskFileName, type FileData } from './files';
import { FILE_EXTENSIONS, inspectImage, MIME_TYPES } from './inspect';

/**
 * A downloaded mask as a file: the bytes decide its format (PNG if unknown); named after the source
 * image, the masks after the first numbered ("shoe_mask.png", "shoe_mask_2.png").
 */
export function maskFromBytes(data: Buffer, sourceName: string | undefined, index = 0): FileData {
	const format = inspectImage(data)?.format ?? 'png';
	return {
		data,
		fileName: maskFileName(sourceName, FILE_EXTENSIONS[format], maskField('mask', index)),
		mimeType: MIME_TYPES[format],
	};
}

/** Where the mask at `index` of a task goes: `field`, then `field_2`, `field_3`, … */
export function maskField(field: string, index: number) {
	return index ? `${field}_${index + 1}` : field;
}

/** Adds every mask of a task to `binary`, as `field`, `field_2`, … in the vendor's order. */
export async function addMasks(
	context: { helpers: Pick<IExecuteFunctions['helpers'], 'prepareBinaryData'> },
	binary: IBinaryKeyData,
	masks: readonly FileData[],
	field: string,
): Promise<IBinaryKeyData> {
	for (const [index, mask] of masks.entries())
		binary[maskField(field, index)] = await context.helpers.prepareBinaryData(
			mask.data,
			mask.fileName,
			mask.mimeType,
		);
	return binary;
}

export interface BinaryOutputOptions {
	maskBinaryField: string;
	keepInputBinary: boolean;
}

/**
 * The output item of a segmentation: its JSON, every mask as a binary file (`mask`, `mask_2`, …),
 * and the input's binaries if kept.
 */
export async function segmentationItem(
	context: IExecuteFunctions,
	itemIndex: number,
	json: IDataObject,
	masks: readonly FileData[],
	options: BinaryOutputOptions,
): Promise<INodeExecutionData> {
	const binary = await addMasks(
		context,
		inputBinary(context, itemIndex, options),
		masks,
		options.maskBinaryField,
	);
	return Object.keys(binary).length ? { json, binary } : { json };
}

/**
 * The input item's binary files when Keep Input Binary is on: n8n's references to them, not the
 * bytes.
 */
export function inputBinary(
	context: Pick<IExecuteFunctions, 'getInputData'>,
	itemIndex: number,
	options: Pick<BinaryOutputOptions, 'keepInputBinary'>,
): IBinaryKeyData {
	const input = context.getInputData()[itemIndex];
	return options.keepInputBinary && input?.binary ? { ...input.binary } : {};
}

export function readBinaryOutputOptions(
	options: IDataObject,
): BinaryOutputOptions & { downloadMask: boolean } {
	return {
		downloadMask: options.downloadMask !== false,
		maskBinaryField: String(options.maskBinaryField || 'mask'),
		keepInputBinary: options.keepInputBinary !== false,
	};
}
