import type { IAuthenticate, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { authorizationHeader } from '../nodes/shared/authorization';

const SERVER_ERRORS: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

export class PixxelApi implements ICredentialType {
	name = 'pixxelApi';

	displayName = 'Pixxel Aurora API';

	documentationUrl = 'https://github.com/n8n-nodes-async-jobs/n8n-nodes-async-jobs#pixxel-aurora';

	icon = { light: 'file:../nodes/Pixxel/pixxel.svg', dark: 'file:../nodes/Pixxel/pixxel.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "A key of a project's service account, from the API tab of the Aurora settings",
		},
		{
			displayName: 'Bearer Prefix',
			name: 'bearerPrefix',
			type: 'boolean',
			default: false,
			description: 'Whether to send "Authorization: Bearer <key>" instead of the raw key the API documents',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.pixxel.space',
			description: 'Change only to reach the API through a proxy',
		},
	];

	// Pixxel documents the raw key as the whole header; some of its pages show a bearer token.
	authenticate: IAuthenticate = authorizationHeader(
		(credentials) => `${credentials.bearerPrefix ? 'Bearer ' : ''}${String(credentials.apiKey)}`,
	);

	// Listing one workflow costs nothing; a rejected key is answered with 403.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v0/workflows',
			qs: { limit: 1 },
		},
		// n8n's tester checks each rule by its own type, though the type of `rules` lists one kind at a time.
		rules: [
			{
				type: 'responseCode',
				properties: { value: 403, message: 'Pixxel rejected this API key (or it has no access to any project)' },
			},
			{
				type: 'responseCode',
				properties: { value: 404, message: 'The Base URL answered 404 Not Found: it is probably not the Pixxel API. Set it to https://api.pixxel.space (or a proxy of it), without /v0' },
			},
			// Without these n8n shows only the status text ("Internal Server Error").
			...Object.entries(SERVER_ERRORS).map(([code, text]) => ({
				type: 'responseCode',
				properties: {
					value: Number(code),
					message: `The Base URL answered ${code} (${text}): the server failed, not the API key. Try again later; if it lasts, check the Base URL (the default is https://api.pixxel.space)`,
				},
			})),
			{
				// Rules can only fail a test: a success without the workflow list (a web page at the base URL) fails.
				type: 'responseSuccessBody',
				properties: {
					key: 'workflows',
					value: undefined,
					message: "The Base URL answered, but not with the Pixxel API's JSON (a web page?): it is probably not the API's address. Set it to https://api.pixxel.space (or a proxy of it), without /v0",
				},
			},
		] as ICredentialTestRequest['rules'],
	};
}
