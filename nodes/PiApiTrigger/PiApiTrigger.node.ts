import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { properties } from './description';
import { emitTasks } from './execute';
import { receivePiApiCallback } from './webhook';

export class PiApiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'PiAPI Trigger',
		name: 'piApiTrigger',
		icon: { light: 'file:piapi.svg', dark: 'file:piapi.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"on " + $parameter["statuses"].join(", ")}}',
		description: 'Starts the workflow when PiAPI calls back about a finished task',
		defaults: { name: 'PiAPI Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'piapi' }],
		properties,
	};

	// PiAPI has no API to register webhooks: the trigger's URL and secret go with each task
	// (config.webhook_config), set by whoever creates the task. So activating the workflow finds
	// nothing at PiAPI (checkExists), registers nothing (create succeeds as it is), and
	// deactivating it removes nothing (delete). None of them sends a request.
	webhookMethods = {
		default: {
			async checkExists(): Promise<boolean> {
				return false;
			},
			async create(): Promise<boolean> {
				return true;
			},
			async delete(): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receivePiApiCallback.call(this);
	}

	/** Runs first in the execution the webhook started, with the webhook's items. */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await emitTasks.call(this);
	}
}
