import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class SellerPicApi implements ICredentialType {
	name = 'sellerPicApi';

	displayName = 'SellerPic API';

	documentationUrl = 'https://developer-docs.sellerpic.ai';

	icon = { light: 'file:icons/sellerpic.svg', dark: 'file:icons/sellerpic.dark.svg' } as const;

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
			default: 'https://api.sellerpic.ai',
			description: 'Change only to reach SellerPic through a proxy or a test server',
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
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'success',
					value: false,
					message: 'SellerPic refused the API key. Check the key in your SellerPic account.',
				},
			},
		],
	};
}
