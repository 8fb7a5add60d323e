import type { INodeProperties } from 'n8n-workflow';

import { waitProperties } from '../shared/descriptions';
import { forVendor, vendorProperty } from '../shared/vendor';

const WAIT_FIELD = 'waitUntilDone';

// One poll interval and max wait per vendor: SellerPic asks for 60 s between checks, while a
// PiAPI segmentation is done in seconds. Same parameter names, so the node reads them alike.
const [waitUntilDone, ...sellerPicTiming] = waitProperties(
	{
		pollIntervalSeconds: 60,
		maxWaitSeconds: 900,
		pollIntervalNote: 'SellerPic asks for at least 60 seconds between checks; lower it only if your account allows it.',
	},
	WAIT_FIELD,
	false,
);
const [, ...piApiTiming] = waitProperties(
	{ pollIntervalSeconds: 5, maxWaitSeconds: 600, pollIntervalNote: 'PiAPI segmentations usually take a few seconds.' },
	WAIT_FIELD,
	false,
);

export const properties: INodeProperties[] = [
	vendorProperty,
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.taskId }}',
		description:
			'The ID of the task, as returned by SellerPic Segment or PiAPI Segment. SellerPic task IDs are numbers, PiAPI task IDs are UUIDs.',
	},
	{
		...waitUntilDone,
		description: 'Whether to keep checking until the task has succeeded or failed. Off: report the status as it is now.',
	},
	...forVendor('sellerpic', sellerPicTiming),
	...forVendor('piapi', piApiTiming),
];
