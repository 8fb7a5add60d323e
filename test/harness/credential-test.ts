import { ExecuteContext, RoutingNode } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type IExecuteData,
	type INode,
	type INodeCredentialTestResult,
	type INodeType,
	type INodeTypes,
	type IRunExecutionData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { getEngine } from './engine';

/**
 * Runs a credential type's `test` request the way n8n's credentials tester does when a user
 * clicks "Test" in the credential dialog: through n8n-core's RoutingNode, with the same
 * rules for turning responses and errors into a result.
 */
export async function testCredential(
	type: string,
	data: ICredentialDataDecryptedObject,
): Promise<INodeCredentialTestResult> {
	const { credentialTypes, credentialsHelper } = await getEngine();
	const credentialType = credentialTypes.getByName(type);
	const testRequest = credentialType.test;
	if (!testRequest)
		return { status: 'Error', message: 'No testing function found for this credential.' };
	credentialsHelper.setCredentials({ [type]: data });

	const node: INode = {
		id: 'credential-test',
		name: 'Temp-Node',
		type: 'credential-test.request',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [type]: { id: 'test', name: 'test' } },
	};
	const requestNodeType: INodeType = {
		description: {
			displayName: 'Credential test',
			name: 'credential-test.request',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: [],
			outputs: [],
			credentials: [{ name: type, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					default: '',
					routing: { request: testRequest.request },
				},
			],
		},
	};
	const nodeTypes: INodeTypes = {
		getByName: () => requestNodeType,
		getByNameAndVersion: () => requestNodeType,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = {
		credentialsHelper,
		currentNodeExecutionIndex: 0,
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
	const executeData: IExecuteData = { node, data: {}, source: null };
	const runExecutionData = { resultData: { runData: {} } } as IRunExecutionData;
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		runExecutionData,
		0,
		[],
		{ main: [[{ json: {} }]] },
		executeData,
		[],
	);
	const decrypted: ICredentialsDecrypted = {
		id: 'test',
		name: 'test',
		type,
		data: await credentialsHelper.getDecrypted(additionalData, { id: 'test', name: 'test' }, type),
	};

	// Mirrors n8n's CredentialsTester. n8n 2.20's errors drop an Error `cause` (a class field
	// resets it), so `error.cause.response` is empty there and HTTP errors report the error's message.
	let response;
	try {
		response = await new RoutingNode(context, requestNodeType, decrypted).runNode();
	} catch (error) {
		const httpResponse = error.cause?.response;
		if (httpResponse) {
			for (const rule of testRequest.rules ?? []) {
				if (rule.type === 'responseCode' && rule.properties.value === httpResponse.status) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (httpResponse.status < 199 || httpResponse.status > 299) {
				return {
					status: 'Error',
					message: httpResponse.statusText || `Received HTTP status code: ${httpResponse.status}`,
				};
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: String(error.message) };
	}
	for (const rule of testRequest.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		const body = response?.[0]?.[0]?.json as Record<string, unknown> | undefined;
		if (body?.[rule.properties.key] === rule.properties.value)
			return { status: 'Error', message: rule.properties.message };
	}
	return { status: 'OK', message: 'Connection successful!' };
}
