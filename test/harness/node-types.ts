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
		return this.loader.getNode(type.slice(prefix.length)).type;
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
