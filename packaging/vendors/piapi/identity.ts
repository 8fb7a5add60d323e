/** What differs between the packages that hold PiAPI's nodes: here, PiAPI's own package. */
export const PIAPI_CREDENTIAL_TYPE = 'piApiSegmentApi';

/** The node that checks a task, as this package names it (for advice in errors). */
export const PIAPI_NODE_NAMES = {
	checkTask: 'PiAPI Check Task',
};
