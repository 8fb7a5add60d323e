import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import {
	downloadMask,
	imageUrl,
	inputBinaryField,
	keepInputBinary,
	maskBinaryField,
	maxConcurrentTasks,
	maxWait,
	pollInterval,
	sellerPicFormatOptions,
	waitForCompletion,
} from '../shared/parameters/common.descriptions';

/** SellerPic's limit of segmentation tasks per account at once (documented). */
export const SELLERPIC_DEFAULT_CONCURRENCY = 5;

export const properties: INodeProperties[] = [
	{
		displayName: 'Segment By',
		name: 'mode',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Prompt', value: 'prompt', description: 'Describe what to cut out, for example "sofa"' },
			{ name: 'Type', value: 'type', description: 'Cut out a kind of object SellerPic knows, for example a product' },
		],
		default: 'prompt',
	},
	...updateDisplayOptions({ show: { mode: ['prompt'] } }, [
		{
			displayName: 'Prompt',
			name: 'prompt',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. sofa',
			description: 'What to cut out, in a few words, e.g. "sofa"',
		},
	]),
	...updateDisplayOptions({ show: { mode: ['type'] } }, [
		{
			displayName: 'Segment Type',
			name: 'segmentType',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. product',
			description: 'The kind of object to segment. SellerPic does not publish the list of types; the value is passed as given.',
		},
		{
			displayName: 'Expand Pixels',
			name: 'expandPixels',
			type: 'number',
			typeOptions: { numberPrecision: 0 },
			default: 0,
			description: 'Pixels to grow the mask edge by',
		},
	]),
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Binary File', value: 'binary', description: 'An image in a binary field of the input item' },
			{ name: 'URL', value: 'url', description: 'An image URL; n8n downloads it and uploads it to SellerPic' },
			{ name: 'SellerPic File Key', value: 'fileKey', description: 'An image already uploaded to SellerPic' },
		],
		default: 'binary',
	},
	...updateDisplayOptions({ show: { imageSource: ['binary'] } }, [inputBinaryField]),
	...updateDisplayOptions({ show: { imageSource: ['url'] } }, [
		{
			...imageUrl,
			placeholder: 'https://shop.example/images/sofa.jpg',
			description:
				'The http(s) URL of the image (JPG, PNG or WebP, at most 10 MB). n8n downloads it and uploads it to SellerPic, so n8n must be able to reach it.',
		},
	]),
	...updateDisplayOptions({ show: { imageSource: ['fileKey'] } }, [
		{
			displayName: 'File Key',
			name: 'fileKey',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'UPLOAD/1910256820110163968/2025/07/18/0a1b….jpg',
			description: 'The fileKey SellerPic returned for an earlier upload',
		},
	]),
	waitForCompletion,
	...updateDisplayOptions({ show: { waitForCompletion: [true] } }, [
		{
			...pollInterval,
			default: 60,
			description:
				'Least time between two status checks of one task. SellerPic asks for at least 60 seconds between checks; lower it only if your account allows it.',
		},
		{ ...maxWait, default: 900 },
	]),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			downloadMask,
			maskBinaryField,
			keepInputBinary,
			{
				displayName: 'Mask Format',
				name: 'maskFormat',
				type: 'options',
				options: sellerPicFormatOptions,
				default: 'png',
				description: 'File format of the mask download',
			},
			{
				...maxConcurrentTasks,
				default: SELLERPIC_DEFAULT_CONCURRENCY,
				description: 'How many tasks this node keeps running at the vendor at once. SellerPic allows 5 segmentation tasks per account at once.',
			},
			{
				displayName: 'UHD',
				name: 'uhd',
				type: 'boolean',
				default: false,
				description: 'Whether to ask for the high-resolution mask (up to 4096 px on the long side)',
			},
		],
	},
];
