import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { forEachConcurrently } from './concurrency';
import { InputError, VendorApiError } from '../errors';

/** Errors are built for a node, whether it runs or answers a webhook. */
type NodeContext = Pick<IExecuteFunctions, 'getNode'>;

/**
 * Runs `handle` for every input item, up to `concurrency` at once, and returns the outputs in
 * input order, each paired with its input item. A failing item either stops the node with an
 * error naming the item (in-flight items finish first) or, with Continue On Fail, becomes an
 * error item while the rest go on.
 */
export async function processItems(
	context: IExecuteFunctions,
	concurrency: number,
	handle: (itemIndex: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const count = context.getInputData().length;
	const continueOnFail = context.continueOnFail();
	let firstFailure: { itemIndex: number; error: unknown } | undefined;
	const signal = context.getExecutionCancelSignal();

	const outputs = await forEachConcurrently(
		count,
		concurrency,
		async (itemIndex) => {
			let failure: unknown;
			try {
				const produced = await handle(itemIndex);
				return produced.map((item) => ({ ...item, pairedItem: { item: itemIndex } }));
			} catch (error) {
				failure = error;
			}
			// A cancelled execution ends the node as n8n expects, not as an item error.
			if (signal?.aborted) throw failure;
			if (!continueOnFail) {
				if (!firstFailure || itemIndex < firstFailure.itemIndex)
					firstFailure = { itemIndex, error: failure };
				return [];
			}
			return [errorItem(context, failure, itemIndex)];
		},
		() => firstFailure !== undefined || Boolean(signal?.aborted),
	);
	if (firstFailure) throw toNodeError(context, firstFailure.error, firstFailure.itemIndex);
	return outputs.flatMap((produced) => produced ?? []);
}

/** The item a failure becomes when the node continues on fail. */
export function errorItem(
	context: NodeContext,
	error: unknown,
	itemIndex: number,
): INodeExecutionData {
	const nodeError = toNodeError(context, error, itemIndex);
	const json: IDataObject = { error: nodeError.message };
	if (nodeError.description) json.errorDescription = nodeError.description;
	if (error instanceof VendorApiError) {
		const { vendor, httpStatus, vendorCode, traceId, taskId, taskMayExist } = error.details;
		json.errorDetails = { vendor, httpStatus, code: vendorCode, traceId, taskId, taskMayExist };
	}
	// With On Error "continue (using error output)" n8n routes an item by its `error` (and then
	// keeps only the message in its json); otherwise the item keeps every detail above.
	if (context.getNode().onError === 'continueErrorOutput')
		return { json, error: nodeError, pairedItem: { item: itemIndex } };
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * Turns what went wrong into n8n's error for the item: NodeApiError for vendors, NodeOperationError
 * for input.
 */
export function toNodeError(context: NodeContext, error: unknown, itemIndex: number) {
	const node = context.getNode();
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof VendorApiError) {
		const { httpStatus, vendorCode, traceId, hint, taskId } = error.details;
		const taskNote = taskId && !error.message.includes(taskId) ? `Task id: ${taskId}.` : undefined;
		const description = [hint, taskNote, traceId ? `Trace id: ${traceId}` : undefined]
			.filter(Boolean)
			.join(' ');
		// `vendorCode`, not `code`: n8n would read a `code` field as the HTTP status.
		const response: JsonObject = {
			message: error.message,
			vendorCode: vendorCode ?? null,
			httpStatus: httpStatus ?? null,
			traceId: traceId ?? null,
		};
		const message = `${error.message} [item ${itemIndex}]`;
		const nodeError = new NodeApiError(node, response, {
			itemIndex,
			message,
			description: description || undefined,
			httpCode: httpStatus === undefined ? undefined : String(httpStatus),
		});
		// n8n swaps messages that mention a network code (ECONNRESET, ...) for a generic text
		// without the vendor or the item, and fills a missing description with the message: keep ours.
		nodeError.message = message;
		nodeError.description = description || undefined;
		return nodeError;
	}
	const message = `${error instanceof Error ? error.message : String(error)} [item ${itemIndex}]`;
	const nodeError = new NodeOperationError(node, message, {
		itemIndex,
		description: error instanceof InputError ? error.hint : undefined,
	});
	nodeError.message = message; // as above: n8n would swap a message naming a network code
	return nodeError;
}
