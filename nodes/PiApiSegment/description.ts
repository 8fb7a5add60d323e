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
	waitForCompletionFor,
} from '../shared/parameters/common.descriptions';
import { piApiProfile } from '../vendors/piapi/profile';

const { polling } = piApiProfile;

export const properties: INodeProperties[] = [
	toolDescription(
		'Cut objects out of an image with PiAPI. Needs a public image URL (PiAPI downloads it itself) and a short comma-separated list of objects, e.g. "sofa" or "shirt,shoes". Returns a black-and-white mask (white = the objects) at the URL in maskUrl. Takes a few seconds and may cost PiAPI credits.',
	),
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Segment',
				value: 'segment',
				action: 'Segment an image by prompt',
				description: 'Cut the objects a prompt names out of an image',
			},
		],
		default: 'segment',
	},
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'URL', value: 'url', description: 'A public image URL that PiAPI fetches itself' },
			{
				name: 'Binary File',
				value: 'binary',
				description:
					"An image in a binary field of the input item, turned into a URL with PiAPI's file upload (paid plans)",
			},
		],
		default: 'url',
	},
	...updateDisplayOptions({ show: { imageSource: ['url'] } }, [
		{
			...imageUrl,
			placeholder: 'https://shop.example/images/outfit.jpg',
			description:
				'Public http(s) URL of the image (JPG, PNG or WebP). PiAPI downloads it itself, so it must be reachable from the internet: not localhost or an intranet address.',
		},
	]),
	...updateDisplayOptions({ show: { imageSource: ['binary'] } }, [inputBinaryField]),
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. clothes,shoes',
		description:
			'What to cut out: short object names, comma-separated, e.g. "sofa" or "shirt,shoes"',
	},
	{
		displayName: 'Negative Prompt',
		name: 'negativePrompt',
		type: 'string',
		default: '',
		placeholder: 'e.g. pants',
		description: 'Objects to leave out of the mask: short names, comma-separated. Empty: none.',
	},
	{
		displayName: 'Segment Factor',
		name: 'segmentFactor',
		type: 'number',
		typeOptions: { numberPrecision: 0 },
		default: 0,
		description:
			"Pixels to move the mask's edge: positive grows it, negative shrinks it (PiAPI's own examples use -15)",
	},
	waitForCompletionFor(piApiProfile),
	...updateDisplayOptions({ show: { waitForCompletion: [true] } }, [
		{
			displayName: 'Wait Mode',
			name: 'waitMode',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Poll',
					value: 'poll',
					description:
						'Check each task while this execution keeps running, never more than a Poll Interval apart',
				},
				{
					name: 'Webhook Callback',
					value: 'callback',
					description:
						"Pause this execution and resume it when PiAPI calls back: nothing runs while PiAPI works. PiAPI must be able to reach this n8n. Not available when the node is an AI agent's tool.",
				},
			],
			default: 'poll',
		},
	]),
	...updateDisplayOptions({ show: { waitForCompletion: [true], waitMode: ['poll'] } }, [
		pollIntervalFor(polling),
	]),
	...updateDisplayOptions({ show: { waitForCompletion: [true] } }, [maxWaitFor(polling)]),
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
			maxConcurrentTasksFor(polling),
			{
				displayName: 'Service Mode',
				name: 'serviceMode',
				type: 'options',
				options: [
					{ name: 'Workspace Default', value: '' },
					{ name: 'Pay as You Go (Public)', value: 'public' },
					{ name: 'Host Your Account (Private)', value: 'private' },
				],
				default: '',
				description: 'Which PiAPI service pays for the task',
			},
			{
				displayName: 'Webhook URL',
				name: 'webhookEndpoint',
				type: 'string',
				default: '',
				placeholder: 'https://n8n.example/webhook/piapi',
				description:
					'PiAPI calls this URL when the task completes or fails (for example a PiAPI Trigger or Webhook node)',
			},
			{
				displayName: 'Webhook Secret',
				name: 'webhookSecret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description:
					'Sent back by PiAPI in the x-webhook-secret header so the receiver can check the call',
			},
		],
	},
];
