import type { IDisplayOptions, INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import type { PollingProfile, VendorProfile } from '../task/vendor';
import type { NodeHistory } from './read';

/*
 * Parameters more than one node has, as literal objects: a node spreads one and overrides what
 * differs (default, description), and places it with updateDisplayOptions.
 */

export const waitForCompletion: INodeProperties = {
	displayName: 'Wait for Completion',
	name: 'waitForCompletion',
	type: 'boolean',
	default: true,
	description: 'Whether to wait until the task is done and return its result',
};

/**
 * Wait for Completion on a Segment node: without waiting, the vendor's task check gets the result
 * later.
 */
export function waitForCompletionFor({ nodeNames }: VendorProfile): INodeProperties {
	return {
		...waitForCompletion,
		description: `Whether to wait until the task is done and return its result. Off: return the task ID at once and get the result later with ${nodeNames.checkTask}.`,
	};
}

/**
 * What an AI agent's model reads about the node as its tool: n8n's Tool Description field, shown
 * only on the tool. n8n would otherwise add the field itself, filled with the node's own
 * description, which is the one sentence people read in the nodes panel.
 */
export function toolDescription(text: string): INodeProperties {
	return {
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		default: text,
		required: true,
		typeOptions: { rows: 4 },
		displayOptions: { show: { '@tool': [true] } },
		description:
			"What the AI agent's model reads about this tool: what to give it, what it returns, how long it takes",
	};
}

export const pollInterval: INodeProperties = {
	displayName: 'Poll Interval (Seconds)',
	name: 'pollInterval',
	type: 'number',
	typeOptions: { minValue: 0.01, numberPrecision: 2 },
	default: 60,
	description: 'Longest time between two status checks of one task',
};

export const maxWait: INodeProperties = {
	displayName: 'Max Wait (Seconds)',
	name: 'maxWait',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 900,
	description:
		'How long to wait for a task before failing the item with its task ID, so it can be checked later',
};

export const maxConcurrentTasks: INodeProperties = {
	displayName: 'Max Concurrent Tasks',
	name: 'maxConcurrentTasks',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 100 },
	default: 5,
	description: 'How many tasks this node keeps running at the vendor at once',
};

export const downloadMask: INodeProperties = {
	displayName: 'Download Mask',
	name: 'downloadMask',
	type: 'boolean',
	default: true,
	description:
		'Whether to download the mask and add it to the item as a binary file (the URL is returned either way). Turn it off when an AI agent uses the node: the model sees only the URL.',
};

export const maskBinaryField: INodeProperties = {
	displayName: 'Mask Binary Field',
	name: 'maskBinaryField',
	type: 'string',
	default: 'mask',
	description: 'Name of the binary field that receives the mask',
};

export const keepInputBinary: INodeProperties = {
	displayName: 'Keep Input Binary',
	name: 'keepInputBinary',
	type: 'boolean',
	default: true,
	description: "Whether the input item's binary files pass through to the output",
};

export const inputBinaryField: INodeProperties = {
	displayName: 'Input Binary Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	required: true,
	description: 'Name of the binary field that holds the image (JPG, PNG or WebP, at most 10 MB)',
};

export const imageUrl: INodeProperties = {
	displayName: 'Image URL',
	name: 'imageUrl',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'https://shop.example/images/product.jpg',
};

/**
 * Poll Interval, Max Wait and Max Concurrent Tasks as a vendor's polling profile sets them, the
 * same on every node. Poll Interval means the same for every vendor; the description adds how the
 * vendor's rules bear on it.
 */
export function pollIntervalFor(polling: PollingProfile): INodeProperties {
	return {
		...pollInterval,
		default: polling.pollIntervalSeconds,
		description: `${pollInterval.description}. ${polling.pollIntervalNote}`,
	};
}

export function maxWaitFor(polling: PollingProfile): INodeProperties {
	return { ...maxWait, default: polling.maxWaitSeconds };
}

export function maxConcurrentTasksFor(polling: PollingProfile): INodeProperties {
	return {
		...maxConcurrentTasks,
		default: polling.maxConcurrentTasks,
		description: polling.maxConcurrentTasksDescription,
	};
}

/** A node subtitle expression that names the chosen vendor, followed by `rest` (an expression). */
export function vendorSubtitle(vendors: readonly VendorProfile[], rest = '""'): string {
	const names = JSON.stringify(Object.fromEntries(vendors.map(({ id, name }) => [id, name])));
	const vendor =
		vendors.length > 1 ? `${names}[$parameter["vendor"]]` : JSON.stringify(vendors[0].name);
	return `={{${vendor} + ${rest}}}`;
}

/** The Vendor parameter of a node that serves several vendors; the credential shown follows it. */
export function vendorPicker(vendors: readonly VendorProfile[]): INodeProperties {
	const firstVendor = vendors[0].id;
	return {
		displayName: 'Vendor',
		name: 'vendor',
		type: 'options',
		// The credential is chosen per node, so the vendor cannot change from item to item.
		noDataExpression: true,
		options: vendors.map(({ name, id }) => ({ name, value: id })),
		default: firstVendor,
		description: 'The service that ran the segmentation task',
	};
}

/**
 * One credential per vendor, each shown when its vendor is picked (the only one, required, for one
 * vendor).
 */
export function vendorCredentials(vendors: readonly VendorProfile[]): INodeCredentialDescription[] {
	if (vendors.length === 1) return [{ name: vendors[0].credentialType, required: true }];
	return vendors.map(({ credentialType, id }) => ({
		name: credentialType,
		required: true,
		displayOptions: { show: { vendor: [id] } },
	}));
}

/**
 * Shown for this vendor: always when the node serves only it, else when it is the chosen Vendor.
 */
export function forVendor(
	vendors: readonly VendorProfile[],
	vendor: VendorProfile,
	show: IDisplayOptions['show'] = {},
): IDisplayOptions {
	return { show: vendors.length > 1 ? { ...show, vendor: [vendor.id] } : show };
}

/**
 * `displayOptions.show` for parameters with their current names, and for those with the old ones.
 */
export function versionShows({ renamedIn }: NodeHistory): {
	current?: IDisplayOptions['show'];
	old?: IDisplayOptions['show'];
} {
	if (renamedIn === undefined) return {};
	return {
		current: { '@version': [{ _cnd: { gte: renamedIn } }] },
		old: { '@version': [{ _cnd: { lt: renamedIn } }] },
	};
}
