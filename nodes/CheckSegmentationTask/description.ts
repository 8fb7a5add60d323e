import { updateDisplayOptions, type IDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { forVendor, maxWaitFor, pollIntervalFor, toolDescription, vendorPicker, waitForCompletion } from '../shared/parameters/common.descriptions';
import { vendorNames, type TaskVendor } from '../shared/task/vendor';

/**
 * Check Segmentation Task's parameters for the vendors it serves. Poll Interval and Max Wait
 * are each vendor's own, as on its Segment node. Version 1 called Wait for Completion "Wait
 * Until Done" (waitUntilDone).
 */
export function checkTaskProperties(vendors: readonly TaskVendor[]): INodeProperties[] {
	const waitFields = (vendor: TaskVendor, waitSwitch: 'waitForCompletion' | 'waitUntilDone', version: IDisplayOptions['show']) =>
		updateDisplayOptions(forVendor(vendors, vendor, { ...version, [waitSwitch]: [true] }), [
			pollIntervalFor(vendor.polling),
			maxWaitFor(vendor.polling),
		]);
	return [
		toolDescription(checkTaskToolText(vendors)),
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Check',
					value: 'check',
					action: 'Check a segmentation task',
					description: 'Get the status of a task, and wait until it is done if asked',
				},
			],
			default: 'check',
		},
		...(vendors.length > 1 ? [vendorPicker(vendors)] : []),
		{
			displayName: 'Task ID',
			name: 'taskId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. {{ $json.taskId }}',
			description: `The ID of the task as its Segment node returned it: ${vendors.map(({ idExample }) => idExample).join('; ')}`,
		},
		{
			...waitForCompletion,
			default: false,
			description: 'Whether to keep checking until the task has succeeded or failed. Off: report the status as it is now.',
			displayOptions: { show: { '@version': [{ _cnd: { gte: 1.1 } }] } },
		},
		{
			displayName: 'Wait Until Done',
			name: 'waitUntilDone',
			type: 'boolean',
			default: false,
			description: 'Whether to keep checking until the task has succeeded or failed. Off: report the status as it is now.',
			displayOptions: { show: { '@version': [1] } },
		},
		...vendors.flatMap((vendor) => [
			...waitFields(vendor, 'waitForCompletion', { '@version': [{ _cnd: { gte: 1.1 } }] }),
			...waitFields(vendor, 'waitUntilDone', { '@version': [1] }),
		]),
	];
}

/** What an AI agent's model reads about the tool: what to give it, what comes back, how long it takes. */
function checkTaskToolText(vendors: readonly TaskVendor[]): string {
	const ids = vendors.map(({ idExample }) => idExample).join('; ');
	return `Get the status of a ${vendorNames(vendors)} segmentation task by its task ID (${ids}). Returns status (queued, running, succeeded or failed), done, and error when the task failed${vendors.length > 1 ? ', in one shape for every vendor' : ''}. Takes about a second, or until the task is done with Wait for Completion.`;
}
