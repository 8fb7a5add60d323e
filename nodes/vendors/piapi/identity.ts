/**
 * What differs between the packages that hold PiAPI's nodes: here, the combined package
 * (n8n-nodes-segmentation). PiAPI's own package replaces this one file (packaging/).
 */
export const PIAPI_CREDENTIAL_TYPE = 'piApiApi';

/** The node that checks a task, as this package names it (for advice in errors). */
export const PIAPI_NODE_NAMES = {
	checkTask: 'Check Segmentation Task',
};
