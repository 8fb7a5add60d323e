import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import {
	downloadMask,
	imageUrl,
	inputBinaryField,
	keepInputBinary,
	maskBinaryField,
	maxConcurrentTasksFor,
	maxWaitFor,
	pollIntervalFor,
	toolDescription,
	versionShows,
	waitForCompletionFor,
} from '../shared/parameters/common.descriptions';
import { sellerPicFormatOptions } from '../vendors/sellerpic/formats';
import { sellerPicProfile } from '../vendors/sellerpic/profile';

const { polling } = sellerPicProfile;

/** Version 1.1 turned Segment By (mode) into the Operation field. */
export const SELLERPIC_SEGMENT_HISTORY = { renamedIn: 1.1 };

const { current, old } = versionShows(SELLERPIC_SEGMENT_HISTORY);

const promptField: INodeProperties = {
	displayName: 'Prompt',
	name: 'prompt',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. sofa',
	description: 'What to cut out, in a few words, e.g. "sofa"',
};

const typeFields: INodeProperties[] = [
	{
		displayName: 'Segment Type',
		name: 'segmentType',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. product',
		description:
			'The kind of object to segment. SellerPic does not publish the list of types; the value is passed as given.',
	},
	{
		displayName: 'Expand Pixels',
		name: 'expandPixels',
		type: 'number',
		typeOptions: { numberPrecision: 0 },
		default: 0,
		description: 'Pixels to grow the mask edge by',
	},
];

export const properties: INodeProperties[] = [
	toolDescription(
		'Cut objects out of a product photo with SellerPic. Needs the image (a URL n8n can download, a binary file or a SellerPic file key) and what to cut out in a few words, e.g. "sofa". Returns a black-and-white mask (white = the object) at the URL in maskUrl (every mask in maskUrls when SellerPic returns several), and the mask files unless Download Mask is off. Takes from about 10 seconds to a few minutes.',
	),
	// Version 1.1 turned Segment By (mode) into the Operation field, which n8n's nodes panel lists as
	// actions.
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: current },
		options: [
			{
				name: 'Segment by Prompt',
				value: 'prompt',
				action: 'Segment an image by prompt',
				description: 'Describe what to cut out, for example "sofa"',
			},
			{
				name: 'Segment by Type',
				value: 'type',
				action: 'Segment an image by type',
				description: 'Cut out a kind of object SellerPic knows, for example a product',
			},
		],
		default: 'prompt',
	},
	{
		displayName: 'Segment By',
		name: 'mode',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: old },
		options: [
			{
				name: 'Prompt',
				value: 'prompt',
				description: 'Describe what to cut out, for example "sofa"',
			},
			{
				name: 'Type',
				value: 'type',
				description: 'Cut out a kind of object SellerPic knows, for example a product',
			},
		],
		default: 'prompt',
	},
	...updateDisplayOptions({ show: { operation: ['prompt'] } }, [promptField]),
	...updateDisplayOptions({ show: { operation: ['type'] } }, typeFields),
	...updateDisplayOptions({ show: { ...old, mode: ['prompt'] } }, [promptField]),
	...updateDisplayOptions({ show: { ...old, mode: ['type'] } }, typeFields),
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Binary File',
				value: 'binary',
				description: 'An image in a binary field of the input item',
			},
			{
				name: 'URL',
				value: 'url',
				description: 'An image URL; n8n downloads it and uploads it to SellerPic',
			},
			{
				name: 'SellerPic File Key',
				value: 'fileKey',
				description: 'An image already uploaded to SellerPic',
			},
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
	waitForCompletionFor(sellerPicProfile),
	...updateDisplayOptions({ show: { waitForCompletion: [true] } }, [
		pollIntervalFor(polling),
		maxWaitFor(polling),
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
			maxConcurrentTasksFor(polling),
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
