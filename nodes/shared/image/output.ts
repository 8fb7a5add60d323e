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
 * image.
 */
export function maskFromBytes(data: Buffer, sourceName: string | undefined): FileData {
	const format = inspectImage(data)?.format ?? 'png';
	return {
		data,
		fileName: maskFileName(sourceName, FILE_EXTENSIONS[format]),
		mimeType: MIME_TYPES[format],
	};
}

export interface BinaryOutputOptions {
	maskBinaryField: string;
	keepInputBinary: boolean;
}

/**
 * The output item of a segmentation: its JSON, the mask as a binary file, and the input's binaries
 * if kept.
 */
export async function segmentationItem(
	context: IExecuteFunctions,
	itemIndex: number,
	json: IDataObject,
	mask: FileData | undefined,
	options: BinaryOutputOptions,
): Promise<INodeExecutionData> {
	const binary = inputBinary(context, itemIndex, options);
	if (mask)
		binary[options.maskBinaryField] = await context.helpers.prepareBinaryData(
			mask.data,
			mask.fileName,
			mask.mimeType,
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
