import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { maxWait, pollInterval, vendor } from '../shared/parameters/common.descriptions';

// One poll interval and max wait per vendor: SellerPic asks for 60 s between checks, while a
// PiAPI segmentation is done in seconds. Same parameter names, so the node reads them alike.
export const properties: INodeProperties[] = [
	vendor,
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
		displayName: 'Wait Until Done',
		name: 'waitUntilDone',
		type: 'boolean',
		default: false,
		description: 'Whether to keep checking until the task has succeeded or failed. Off: report the status as it is now.',
	},
	...updateDisplayOptions({ show: { waitUntilDone: [true], vendor: ['sellerpic'] } }, [
		{
			...pollInterval,
			default: 60,
			description:
				'Least time between two status checks of one task. SellerPic asks for at least 60 seconds between checks; lower it only if your account allows it.',
		},
		{ ...maxWait, default: 900 },
	]),
	...updateDisplayOptions({ show: { waitUntilDone: [true], vendor: ['piapi'] } }, [
		{
			...pollInterval,
			default: 5,
			description: 'Least time between two status checks of one task. PiAPI segmentations usually take a few seconds.',
		},
		{ ...maxWait, default: 600 },
	]),
];
