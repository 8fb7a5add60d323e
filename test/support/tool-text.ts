import type { INodeTypeDescription } from 'n8n-workflow';

/** The text an AI agent's model reads about a node as its tool: the node's own Tool Description field. */
export function toolText(description: INodeTypeDescription): string {
	const field = description.properties.find(({ name }) => name === 'toolDescription');
	if (typeof field?.default !== 'string')
		throw new Error(`${description.name} has no Tool Description field`);
	return field.default;
}
