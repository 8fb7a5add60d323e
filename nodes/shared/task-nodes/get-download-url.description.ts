import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import {
	downloadMask,
	forVendor,
	maskBinaryField,
	toolDescription,
	vendorPicker,
	versionShows,
} from '../parameters/common.descriptions';
import type { NodeHistory } from '../parameters/read';
import { vendorNames, type TaskVendor } from '../task/vendor';

const MASK_FIELD_DESCRIPTION =
	'Name of the binary field for the file. When a task has several results, the second goes to this name plus "_2", the third plus "_3", and so on.';

/**
 * Get Segmentation Download URL's parameters for the vendors it serves: each vendor's own way to
 * name a result, then whether to download it. Version 1 called Download Mask "Download File"
 * (download) and Mask Binary Field "Put Output File in Field" (binaryPropertyName), the name the
 * Segment nodes use for their input.
 */
export function downloadUrlProperties(
	vendors: readonly TaskVendor[],
	history: NodeHistory = {},
): INodeProperties[] {
	const { current, old } = versionShows(history);
	const downloadSwitch: INodeProperties = {
		...downloadMask,
		default: false,
		description:
			'Whether to download the file and add it to the item as binary data (the URL is returned either way)',
	};
	return [
		toolDescription(downloadUrlToolText(vendors)),
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Get Download URL',
					value: 'get',
					action: 'Get a download URL',
					description: "Get the link to a finished task's mask, and the file if asked",
				},
			],
			default: 'get',
		},
		...(vendors.length > 1 ? [vendorPicker(vendors)] : []),
		...vendors.flatMap((vendor) =>
			updateDisplayOptions(forVendor(vendors, vendor), vendor.downloadUrl.properties),
		),
		current ? { ...downloadSwitch, displayOptions: { show: current } } : downloadSwitch,
		...updateDisplayOptions({ show: { ...current, downloadMask: [true] } }, [
			{ ...maskBinaryField, description: MASK_FIELD_DESCRIPTION },
		]),
		...(history.renamedIn === undefined
			? []
			: [
					{
						displayName: 'Download File',
						name: 'download',
						type: 'boolean',
						default: false,
						description:
							'Whether to download the file and add it to the item as binary data (the URL is returned either way)',
						displayOptions: { show: old },
					} satisfies INodeProperties,
					...updateDisplayOptions({ show: { ...old, download: [true] } }, [
						{
							displayName: 'Put Output File in Field',
							name: 'binaryPropertyName',
							type: 'string',
							default: 'mask',
							required: true,
							description: MASK_FIELD_DESCRIPTION,
						},
					]),
				]),
	];
}

/** What an AI agent's model reads about the tool. */
function downloadUrlToolText(vendors: readonly TaskVendor[]): string {
	const lifetimes = vendors
		.map(({ name, linkLifetime }) => `${linkLifetime} at ${name}`)
		.join(', ');
	return `Get the download URL of a finished ${vendorNames(vendors)} segmentation by task ID or result ID, and optionally the file itself. Returns the mask URL in url (every result in files); the link needs no API key and lasts ${lifetimes}. Takes about a second.`;
}
