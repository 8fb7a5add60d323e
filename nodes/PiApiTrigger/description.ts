import type { INodeProperties } from 'n8n-workflow';

import { downloadMask, maskBinaryField } from '../shared/parameters/common.descriptions';

export const properties: INodeProperties[] = [
	{
		displayName:
			"Give PiAPI this node's webhook URL (above) and the secret below in a task's \"config.webhook_config\", for example with PiAPI Segment's Webhook URL and Webhook Secret options.",
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Webhook Secret',
		name: 'secret',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		description:
			'The secret the tasks were created with. PiAPI sends it back in the x-webhook-secret header; calls without it are refused.',
	},
	{
		displayName: 'Statuses',
		name: 'statuses',
		type: 'multiOptions',
		options: [
			{ name: 'Completed', value: 'succeeded' },
			{ name: 'Failed', value: 'failed' },
		],
		default: ['succeeded', 'failed'],
		description: 'Which finished tasks start the workflow. Calls about unfinished tasks never do.',
	},
	{
		displayName: 'Task Types',
		name: 'taskTypes',
		type: 'string',
		default: 'segment',
		placeholder: 'segment',
		description:
			'Comma-separated PiAPI task types that start the workflow (for example segment). Empty: every task type.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				...downloadMask,
				default: false,
				description:
					"Whether to add a completed task's mask to the item as a binary file (PiAPI is answered first)",
			},
			maskBinaryField,
		],
	},
];
