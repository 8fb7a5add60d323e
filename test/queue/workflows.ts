/*
 * The workflows the queue suite runs, beside example 6 (PiAPI Trigger): each starts from a
 * production webhook, so its executions run on the workers.
 */
import { CREDENTIALS } from '../../tools/local-n8n/n8n/examples';
import type { CredentialJson, WorkflowJson } from '../../tools/local-n8n/n8n/n8n-instance';
import { WORKER_NAME_VARIABLE } from '../../tools/local-n8n/services/queue-cluster';

export type Vendor = 'sellerpic' | 'piapi';

export const QUEUE_WORKFLOWS = {
	segment: { sellerpic: 'queueSegmentSellerPic', piapi: 'queueSegmentPiApiPoll' },
	callback: 'queueSegmentPiApiCallback',
	unreachableCallback: 'queueCallbackUnreachable',
} as const;

export const WEBHOOK_PATHS = {
	segment: { sellerpic: 'queue-segment-sellerpic', piapi: 'queue-segment-piapi' },
	callback: 'queue-callback',
	unreachableCallback: 'queue-callback-unreachable',
} as const;

/** A PiAPI credential whose API is not on this machine (never called: the resume URL check stops first). */
export const PIAPI_ELSEWHERE: CredentialJson = {
	id: 'PiApiElsewhere001',
	name: 'PiAPI not on this machine',
	type: 'piApiApi',
	data: {
		apiKey: 'pi-not-used',
		baseUrl: 'http://piapi.invalid',
		uploadBaseUrl: 'http://piapi.invalid/upload',
	},
};

type Node = WorkflowJson['nodes'][number];
const at = (x: number): [number, number] => [x, 0];
const mainTo = (...targets: Array<string | undefined>) => ({
	main: targets.map((target) => (target ? [{ node: target, type: 'main', index: 0 }] : [])),
});

function webhookNode(
	path: string,
	responseMode: 'responseNode' | 'onReceived',
	webhookId: string,
): Node {
	return {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		position: at(0),
		webhookId,
		parameters: { httpMethod: 'POST', path, responseMode, options: {} },
	};
}

const noOp = (name: string, x: number): Node => ({
	name,
	type: 'n8n-nodes-base.noOp',
	typeVersion: 1,
	position: at(x),
	parameters: {},
});

/**
 * POST { imageUrl } → which worker runs it → the Segment node (polling) → the answer is the
 * mask itself (PNG), so the caller sees that each execution produced one.
 */
export function segmentWorkflow(vendor: Vendor): WorkflowJson {
	const segment: Node =
		vendor === 'piapi'
			? {
					name: 'Segment',
					type: 'n8n-nodes-segmentation.piApiSegment',
					typeVersion: 1,
					position: at(400),
					parameters: {
						imageSource: 'url',
						imageUrl: '={{ $json.body.imageUrl }}',
						prompt: 'product',
						pollInterval: 0.5,
						maxWait: 300,
						options: {},
					},
					credentials: { piApiApi: CREDENTIALS.piApi },
				}
			: {
					name: 'Segment',
					type: 'n8n-nodes-segmentation.sellerPicSegment',
					typeVersion: 1,
					position: at(400),
					parameters: {
						mode: 'prompt',
						prompt: 'product',
						imageSource: 'url',
						imageUrl: '={{ $json.body.imageUrl }}',
						pollInterval: 0.5,
						maxWait: 300,
						options: {},
					},
					credentials: { sellerPicApi: CREDENTIALS.sellerPic },
				};
	return {
		id: QUEUE_WORKFLOWS.segment[vendor],
		name: `Queue mode: webhook → ${vendor} Segment (poll) → mask`,
		nodes: [
			webhookNode(
				WEBHOOK_PATHS.segment[vendor],
				'responseNode',
				vendor === 'piapi'
					? '5e9a0101-0000-4000-8000-000000000001'
					: '5e9a0102-0000-4000-8000-000000000001',
			),
			{
				name: 'Worker',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: at(200),
				parameters: {
					assignments: {
						assignments: [
							{
								id: 'worker',
								name: 'worker',
								value: `={{ $env.${WORKER_NAME_VARIABLE} }}`,
								type: 'string',
							},
						],
					},
					includeOtherFields: true,
					options: {},
				},
			},
			segment,
			{
				name: 'Answer with the mask',
				type: 'n8n-nodes-base.respondToWebhook',
				typeVersion: 1.5,
				position: at(600),
				parameters: {
					respondWith: 'binary',
					responseDataSource: 'set',
					inputFieldName: 'mask',
					options: {},
				},
			},
		],
		connections: {
			Webhook: mainTo('Worker'),
			Worker: mainTo('Segment'),
			Segment: mainTo('Answer with the mask'),
		},
		settings: { executionOrder: 'v1' },
	};
}

/** POST { imageUrls: [...] } → one item per URL → PiAPI Segment in callback mode → masks or failures. */
export function callbackWorkflow(
	id: string,
	path: string,
	webhookId: string,
	credential: { id: string; name: string },
): WorkflowJson {
	return {
		id,
		name: `Queue mode: webhook → PiAPI Segment (callback) → masks (${credential.name})`,
		nodes: [
			webhookNode(path, 'onReceived', webhookId),
			{
				name: 'One item per image',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: at(200),
				parameters: {
					fieldToSplitOut: 'body.imageUrls',
					options: { destinationFieldName: 'imageUrl' },
				},
			},
			{
				name: 'PiAPI Segment',
				type: 'n8n-nodes-segmentation.piApiSegment',
				typeVersion: 1,
				position: at(400),
				parameters: {
					imageSource: 'url',
					imageUrl: '={{ $json.imageUrl }}',
					prompt: 'product',
					waitMode: 'callback',
					maxWait: 300,
					options: {},
				},
				credentials: { piApiApi: credential },
				onError: 'continueErrorOutput',
			},
			noOp('Mask ready', 600),
			noOp('Segmentation failed', 600),
		],
		connections: {
			Webhook: mainTo('One item per image'),
			'One item per image': mainTo('PiAPI Segment'),
			'PiAPI Segment': mainTo('Mask ready', 'Segmentation failed'),
		},
		settings: { executionOrder: 'v1' },
	};
}
