import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { PIAPI_BASE_URL, PIAPI_UPLOAD_BASE_URL } from '../nodes/vendors/piapi/profile';

export class PiApiApi implements ICredentialType {
	name = 'piApiApi';

	displayName = 'PiAPI API';

	documentationUrl = 'https://piapi.ai/docs';

	icon: Icon = { light: 'file:icons/piapi.svg', dark: 'file:icons/piapi.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your PiAPI key, from the PiAPI workspace',
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: PIAPI_BASE_URL,
			description: 'Change only to reach PiAPI through a proxy or a test server',
		},
		{
			displayName: 'Upload Base URL',
			name: 'uploadBaseUrl',
			type: 'string',
			default: PIAPI_UPLOAD_BASE_URL,
			description:
				"Host of PiAPI's file upload, used to turn a binary image into a URL. Change only for a proxy or a test server.",
		},
		{
			displayName: 'Request Timeout (Seconds)',
			name: 'requestTimeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 60,
			description:
				'How long to wait for each answer from the API before giving up on the request. Image uploads and mask downloads get three times as long.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-api-key': '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/account/info',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'PiAPI rejected the API key (HTTP 401). Copy the key again from your PiAPI workspace.',
				},
			},
		],
	};
}
