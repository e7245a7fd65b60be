import type { IAuthenticate, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import {
	CHINA_ENDPOINT,
	CUSTOM_ENDPOINT,
	INTERNATIONAL_ENDPOINT,
	authenticateTamsRequest,
} from '../nodes/TensorArt/tamsAuth';

export class TensorArtApi implements ICredentialType {
	name = 'tensorArtApi';

	displayName = 'Tensor.Art API';

	documentationUrl = 'https://github.com/n8n-nodes-async-jobs/n8n-nodes-async-jobs#tensorart-tams';

	icon = { light: 'file:../nodes/TensorArt/tensorArt.svg', dark: 'file:../nodes/TensorArt/tensorArt.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Endpoint',
			name: 'endpoint',
			type: 'options',
			options: [
				{ name: `International (${INTERNATIONAL_ENDPOINT})`, value: INTERNATIONAL_ENDPOINT },
				{ name: `China (${CHINA_ENDPOINT})`, value: CHINA_ENDPOINT },
				{ name: 'Custom URL', value: CUSTOM_ENDPOINT },
			],
			default: INTERNATIONAL_ENDPOINT,
			description: "Where your TAMS app lives, as the TAMS console shows it. The China endpoint offers only RSA signatures.",
		},
		{
			displayName: 'Custom URL',
			name: 'customUrl',
			type: 'string',
			default: '',
			placeholder: 'https://ap-east-1.tensorart.cloud',
			description: "Your app's endpoint from the TAMS console, or a proxy in front of it, without /v1",
			displayOptions: { show: { endpoint: [CUSTOM_ENDPOINT] } },
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{ name: 'API Key', value: 'apiKey' },
				{ name: 'RSA Signature', value: 'rsa' },
			],
			default: 'apiKey',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authentication: ['apiKey'] } },
		},
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			displayOptions: { show: { authentication: ['rsa'] } },
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			placeholder: '-----BEGIN RSA PRIVATE KEY-----',
			description: "The app's RSA private key in PEM form (PKCS#1 or PKCS#8), whose public key is registered in the TAMS console",
			displayOptions: { show: { authentication: ['rsa'] } },
		},
	];

	// A function, not a header template: an RSA signature covers the method, path, time and body.
	authenticate: IAuthenticate = authenticateTamsRequest;

	// Reading a public model costs nothing. TAMS refuses a credential with a body code,
	// sometimes under HTTP 404, so the codes are checked rather than the status; any answer
	// without the model (a web page, another API, a 5xx) fails too.
	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ String(($credentials.endpoint === "${CUSTOM_ENDPOINT}" ? $credentials.customUrl : $credentials.endpoint) || "").trim().replace(/\\/+$/, "") }}`,
			url: '/v1/models/600423083519508503',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: { key: 'code', value: 100001, message: 'Tensor.Art does not know this app (app not found): check the API key or App ID, and the endpoint' },
			},
			{
				type: 'responseSuccessBody',
				properties: { key: 'code', value: 100002, message: 'Tensor.Art could not read the authorization: check the API key, or the App ID and private key' },
			},
			{
				type: 'responseSuccessBody',
				properties: { key: 'code', value: 16, message: 'Tensor.Art rejected the signature: the private key does not belong to this App ID' },
			},
			{
				// Rules can only fail a test, so the one answer of an accepted credential (the model) is required by failing without it.
				type: 'responseSuccessBody',
				properties: {
					key: 'model.id',
					value: undefined,
					// Every status is an answer here (TAMS refuses with 404 and a code), so a 5xx and a web page are named together.
					message:
						'The Endpoint answered, but not as Tensor.Art does for an accepted credential: either a server error (HTTP 5xx: try again later), or a page that is not the API (a web page where JSON was expected: check the Endpoint, or the Custom URL without /v1)',
				},
			},
		],
	};
}
