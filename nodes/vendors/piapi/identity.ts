/**
 * What differs between the packages that hold PiAPI's nodes: here, the combined package
 * (n8n-nodes-segmentation). PiAPI's own package replaces this one file (packaging/).
 */
export const PIAPI_CREDENTIAL_TYPE = 'piApiApi';
