/** What differs between the packages that hold PiAPI's nodes: here, PiAPI's own package. */
export const PIAPI_CREDENTIAL_TYPE = 'piApiSegmentApi';
