import { PackageDirectoryLoader } from 'n8n-core';
import {
	NodeHelpers,
	type ICredentialType,
	type ICredentialTypes,
	type INodeType,
	type INodeTypes,
	type IVersionedNodeType,
} from 'n8n-workflow';

import { coreNodeStandIns } from './core-node-stand-ins';

/** Loads this package from its built `dist/` exactly as n8n loads an installed community package. */
export async function loadPackage(packageDir: string) {
	const loader = new PackageDirectoryLoader(packageDir);
	await loader.loadAll();
	return { nodeTypes: new NodeTypes(loader), credentialTypes: new CredentialTypes(loader) };
}

export class NodeTypes implements INodeTypes {
	constructor(private readonly loader: PackageDirectoryLoader) {}

	getByName(type: string): INodeType | IVersionedNodeType {
		if (type in coreNodeStandIns) return coreNodeStandIns[type];
		const prefix = `${this.loader.packageName}.`;
		if (!type.startsWith(prefix)) throw new Error(`Unknown node type "${type}"`);
		const name = type.slice(prefix.length);
		if (name.endsWith('Tool') && !(name in this.loader.known.nodes))
			return this.toolVariant(name.slice(0, -'Tool'.length));
		return this.loader.getNode(name).type;
	}

	/**
	 * `<node>Tool`, as n8n serves it: the node itself (its own execute) under the tool's type name.
	 * n8n also turns its description into a tool's (an ai_tool output, a Tool Description
	 * parameter); that matters only for wiring it to an agent, which the real-n8n suite does.
	 */
	private toolVariant(name: string): INodeType | IVersionedNodeType {
		const nodeType = this.loader.getNode(name).type;
		if (!NodeHelpers.getVersionedNodeType(nodeType).description.usableAsTool)
			throw new Error(`Node "${name}" cannot be used as a tool`);
		return nodeType;
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes() {
		return this.loader.known.nodes;
	}
}

export class CredentialTypes implements ICredentialTypes {
	constructor(private readonly loader: PackageDirectoryLoader) {}

	recognizes(type: string) {
		return type in this.loader.known.credentials;
	}

	getByName(type: string): ICredentialType {
		return this.loader.getCredential(type).type;
	}

	getSupportedNodes(type: string): string[] {
		return this.loader.known.credentials[type]?.supportedNodes ?? [];
	}

	getParentTypes(type: string): string[] {
		return this.getByName(type).extends ?? [];
	}
}
