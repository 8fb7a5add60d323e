import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { sellerPicFormatOptions, vendor } from '../shared/parameters/common.descriptions';

export const properties: INodeProperties[] = [
	vendor,
	...updateDisplayOptions({ show: { vendor: ['sellerpic'] } }, [
		{
			displayName: 'ID Type',
			name: 'idType',
			type: 'options',
			options: [
				{ name: 'Result ID', value: 'resultId', description: 'One result of a task (from SellerPic Segment or Check Segmentation Task)' },
				{ name: 'Task ID', value: 'taskId', description: 'A task: every result that succeeded is returned' },
			],
			default: 'resultId',
			description: 'Whether ID is a result ID (resultIds[0] of SellerPic Segment) or a task ID (taskId)',
		},
		{
			displayName: 'ID',
			name: 'id',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. {{ $json.resultIds[0] }}',
			description: 'The SellerPic result ID or task ID, as set in ID Type',
		},
		{
			displayName: 'Format',
			name: 'format',
			type: 'options',
			options: sellerPicFormatOptions,
			default: 'png',
			description: 'File format SellerPic converts the result to',
		},
		{
			displayName: 'UHD',
			name: 'uhd',
			type: 'boolean',
			default: false,
			description: 'Whether to ask for the high-resolution file (up to 4096 px on the long side)',
		},
	]),
	...updateDisplayOptions({ show: { vendor: ['piapi'] } }, [
		{
			displayName: 'Task ID',
			name: 'id',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. {{ $json.taskId }}',
			description: 'The ID of a completed PiAPI segmentation task (a UUID)',
		},
	]),
	{
		displayName: 'Download File',
		name: 'download',
		type: 'boolean',
		default: false,
		description: 'Whether to download the file and add it to the item as binary data (the URL is returned either way)',
	},
	...updateDisplayOptions({ show: { download: [true] } }, [
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'mask',
			required: true,
			description:
				'Name of the binary field for the file. When a task has several results, the second goes to this name plus "_2", the third plus "_3", and so on.',
		},
	]),
];
