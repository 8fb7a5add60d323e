import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { SELLERPIC_BASE_URL } from '../nodes/vendors/sellerpic/profile';

export class SellerPicApi implements ICredentialType {
	name = 'sellerPicApi';

	displayName = 'SellerPic API';

	documentationUrl = 'https://developer-docs.sellerpic.ai';

	icon: Icon = { light: 'file:icons/sellerpic.svg', dark: 'file:icons/sellerpic.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your SellerPic API key, from the API page of your SellerPic account',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: SELLERPIC_BASE_URL,
			description: 'Change only to reach SellerPic through a proxy or a test server',
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
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/api/usage',
			method: 'GET',
		},
		// n8n checks each rule by its type, so both kinds may stand in one list; the type only
		// allows one kind. SellerPic may refuse a key with HTTP 401/403 or with HTTP 200 and
		// `success: false`: both must fail the test.
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'SellerPic rejected the API key (HTTP 401). Copy the key again from your SellerPic account.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'SellerPic refused access with this API key (HTTP 403). Check that the key is active.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'success',
					value: false,
					message:
						'SellerPic rejected the API key. Copy the key again from your SellerPic account.',
				},
			},
		] as ICredentialTestRequest['rules'],
	};
}
