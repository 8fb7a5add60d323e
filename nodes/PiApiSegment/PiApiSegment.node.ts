import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { piApiProfile } from '../vendors/piapi/profile';
import { resumeFromCallback } from './callback';
import { properties } from './description';
import { route } from './router';

export class PiApiSegment implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'PiAPI Segment',
		name: 'piApiSegment',
		icon: { light: 'file:piapi.svg', dark: 'file:piapi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"segment: " + $parameter["prompt"]}}',
		description:
			'Cut the objects a prompt names out of an image with PiAPI and get their black-and-white mask',
		defaults: { name: 'PiAPI Segment' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: piApiProfile.credentialType, required: true }],
		// Wait Mode "Webhook Callback": PiAPI calls this execution's resume URL.
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				path: '',
				restartWebhook: true,
				isFullPath: true,
				responseMode: 'onReceived',
			},
		],
		waitingNodeTooltip: 'Waiting for PiAPI to call back when the segmentation tasks are done',
		properties,
	};

	// PiAPI has no API to register webhooks: it takes the endpoint and secret with each task
	// (config.webhook_config). There is nothing to find at PiAPI (checkExists), nothing to register
	// (create succeeds as it is) and nothing to remove (delete). n8n serves this resume webhook
	// only while an execution waits for it.
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

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeFromCallback.call(this);
	}
}
