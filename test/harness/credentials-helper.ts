import type { Credentials } from 'n8n-core';
import {
	ICredentialsHelper,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeTypes,
	type IWorkflowExecuteAdditionalData,
	type NodeParameterValueType,
} from 'n8n-workflow';

import type { CredentialTypes } from './node-types';

/**
 * Resolves credentials from test data instead of n8n's database, and applies a credential
 * type's `authenticate` the way n8n's server does (generic header/query/body templates with
 * `$credentials` expressions, or an authenticate function).
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	private byType: Record<string, ICredentialDataDecryptedObject> = {};

	constructor(
		private readonly credentialTypes: CredentialTypes,
		private readonly nodeTypes: INodeTypes,
	) {
		super();
	}

	setCredentials(byType: Record<string, ICredentialDataDecryptedObject>) {
		this.byType = byType;
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes.getParentTypes(name);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const credentialType = this.credentialTypes.getByName(typeName);
		const { authenticate } = credentialType;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate?.type !== 'generic') return requestOptions;

		const resolve = (value: NodeParameterValueType) =>
			this.resolveWithCredentials(value, credentials, workflow, node);
		for (const target of ['headers', 'qs', 'body', 'auth'] as const) {
			const templates = authenticate.properties[target];
			if (!templates) continue;
			const current = (requestOptions[target] ?? {}) as Record<string, unknown>;
			for (const [key, template] of Object.entries(templates)) {
				current[key] = resolve(template as NodeParameterValueType);
			}
			(requestOptions as unknown as Record<string, unknown>)[target] = current;
		}
		return requestOptions;
	}

	/** Evaluates `={{ ... $credentials ... }}` templates with n8n's own expression engine. */
	resolveWithCredentials(
		value: NodeParameterValueType,
		credentials: ICredentialDataDecryptedObject,
		workflow?: Workflow,
		node?: INode,
	) {
		const anyNode: INode = node ?? {
			id: 'credential-resolver',
			name: 'Credential Resolver',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		const resolver =
			workflow ??
			new Workflow({ nodes: [anyNode], connections: {}, active: false, nodeTypes: this.nodeTypes });
		return resolver.expression.getSimpleParameterValue(
			anyNode,
			value as string,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		_node: INode,
		_credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	getCredentialsProperties(type: string) {
		return this.credentialTypes.getByName(type).properties;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.byType[type];
		if (!data) throw new Error(`The test gave no credentials of type "${type}"`);
		return withDefaults(this.credentialTypes.getByName(type), data);
	}

	async getCredentials(): Promise<Credentials> {
		throw new Error('getCredentials is not used by this package');
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}
}

function withDefaults(type: ICredentialType, data: ICredentialDataDecryptedObject) {
	const defaults: ICredentialDataDecryptedObject = {};
	for (const property of type.properties) {
		defaults[property.name] = property.default as ICredentialDataDecryptedObject[string];
	}
	return { ...defaults, ...data };
}
