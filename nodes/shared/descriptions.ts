/* eslint-disable n8n-nodes-base/node-param-default-missing, n8n-nodes-base/node-param-default-wrong-for-boolean, n8n-nodes-base/node-param-description-missing-final-period --
   These factories build parameters whose defaults and notes differ per vendor; the rules only
   recognise literal values. Every built description ends with a period. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from './errors';
import type { WaitOptions } from './polling';

export interface WaitDefaults {
	pollIntervalSeconds: number;
	maxWaitSeconds: number;
	/** Why the poll interval default is what it is, shown to the user. */
	pollIntervalNote: string;
}

/** "Wait for completion", poll interval and max wait, as in n8n's own async nodes. */
export function waitProperties(defaults: WaitDefaults, waitField = 'waitForCompletion', waitDefault = true): INodeProperties[] {
	const whenWaiting = { show: { [waitField]: [true] } };
	return [
		{
			displayName: waitField === 'waitForCompletion' ? 'Wait for Completion' : 'Wait Until Done',
			name: waitField,
			type: 'boolean',
			default: waitDefault,
			description:
				'Whether to wait until the task is done and return its result. Off: return the task ID at once and get the result later with Check Segmentation Task.',
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: 0.01, numberPrecision: 2 },
			default: defaults.pollIntervalSeconds,
			description: `Least time between two status checks of one task. ${defaults.pollIntervalNote}`,
			displayOptions: whenWaiting,
		},
		{
			displayName: 'Max Wait (Seconds)',
			name: 'maxWait',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: defaults.maxWaitSeconds,
			description: 'How long to wait for a task before failing the item with its task ID, so it can be checked later',
			displayOptions: whenWaiting,
		},
	];
}

export function readWaitOptions(context: IExecuteFunctions, itemIndex: number): WaitOptions {
	const pollInterval = context.getNodeParameter('pollInterval', itemIndex) as number;
	const maxWait = context.getNodeParameter('maxWait', itemIndex) as number;
	if (!(pollInterval > 0)) throw new InputError(`Poll Interval must be a positive number of seconds (got ${pollInterval})`);
	if (!(maxWait > 0)) throw new InputError(`Max Wait must be a positive number of seconds (got ${maxWait})`);
	return { pollIntervalMs: pollInterval * 1000, maxWaitMs: maxWait * 1000, signal: context.getExecutionCancelSignal() };
}

export function maxConcurrentTasksProperty(defaultValue: number, note: string): INodeProperties {
	return {
		displayName: 'Max Concurrent Tasks',
		name: 'maxConcurrentTasks',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 100 },
		default: defaultValue,
		description: `How many tasks this node keeps running at the vendor at once. ${note}`,
	};
}

export const outputBinaryOptions: INodeProperties[] = [
	{
		displayName: 'Download Mask',
		name: 'downloadMask',
		type: 'boolean',
		default: true,
		description:
			'Whether to download the mask and add it to the item as a binary file (the URL is returned either way). Turn it off when an AI agent uses the node: the model sees only the URL.',
	},
	{
		displayName: 'Mask Binary Field',
		name: 'maskBinaryField',
		type: 'string',
		default: 'mask',
		description: 'Name of the binary field that receives the mask',
	},
	{
		displayName: 'Keep Input Binary',
		name: 'keepInputBinary',
		type: 'boolean',
		default: true,
		description: "Whether the input item's binary files pass through to the output",
	},
];

/** Reads a required text parameter and trims it; empty means the user must fill it in. */
export function requiredText(context: IExecuteFunctions, name: string, itemIndex: number, label: string, hint: string) {
	const value = String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (!value) throw new InputError(`${label} is empty`, hint);
	return value;
}
