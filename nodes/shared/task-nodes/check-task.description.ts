import { updateDisplayOptions, type IDisplayOptions, type INodeProperties } from 'n8n-workflow';

import {
	forVendor,
	maxWaitFor,
	pollIntervalFor,
	toolDescription,
	vendorPicker,
	versionShows,
	waitForCompletion,
} from '../parameters/common.descriptions';
import type { NodeHistory } from '../parameters/read';
import { vendorNames, type TaskVendor } from '../task/vendor';

const WAIT_SWITCH_DESCRIPTION =
	'Whether to keep checking until the task has succeeded or failed. Off: report the status as it is now.';

/**
 * Check Segmentation Task's parameters for the vendors it serves. Poll Interval and Max Wait
 * are each vendor's own, as on its Segment node. Check Segmentation Task 1 called Wait for
 * Completion "Wait Until Done" (waitUntilDone).
 */
export function checkTaskProperties(
	vendors: readonly TaskVendor[],
	history: NodeHistory = {},
): INodeProperties[] {
	const waitFields = (
		vendor: TaskVendor,
		waitSwitch: string,
		version: IDisplayOptions['show'] = {},
	) =>
		updateDisplayOptions(forVendor(vendors, vendor, { ...version, [waitSwitch]: [true] }), [
			pollIntervalFor(vendor.polling),
			maxWaitFor(vendor.polling),
		]);
	const { current, old } = versionShows(history);
	const waitSwitch: INodeProperties = {
		...waitForCompletion,
		default: false,
		description: WAIT_SWITCH_DESCRIPTION,
	};
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
		current ? { ...waitSwitch, displayOptions: { show: current } } : waitSwitch,
		...vendors.flatMap((vendor) => waitFields(vendor, 'waitForCompletion', current)),
		...(history.renamedIn === undefined
			? []
			: [
					{
						displayName: 'Wait Until Done',
						name: 'waitUntilDone',
						type: 'boolean',
						default: false,
						description: WAIT_SWITCH_DESCRIPTION,
						displayOptions: { show: old },
					} satisfies INodeProperties,
					...vendors.flatMap((vendor) => waitFields(vendor, 'waitUntilDone', old)),
				]),
	];
}

/**
 * What an AI agent's model reads about the tool: what to give it, what comes back, how long it
 * takes.
 */
function checkTaskToolText(vendors: readonly TaskVendor[]): string {
	const ids = vendors.map(({ idExample }) => idExample).join('; ');
	return `Get the status of a ${vendorNames(vendors)} segmentation task by its task ID (${ids}). Returns status (queued, running, succeeded or failed), done, and error when the task failed${vendors.length > 1 ? ', in one shape for every vendor' : ''}. Takes about a second, or until the task is done with Wait for Completion.`;
}
