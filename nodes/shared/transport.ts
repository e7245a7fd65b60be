import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { JobProvider, ProviderRequest } from './JobProvider';
import type { LinkRefusal } from './linkPolicy';
import { parseJsonKeepingDigits } from './jsonText';
import { baseUrlProblem, cleartextToPublicHost, linkHost } from './linkPolicy';
import { secretValues, withoutSecrets } from './secrets';

export type ApiContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions | IWebhookFunctions;

export interface Reply {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
	/** The reply was text that is not JSON where JSON was due (a cut-off or garbled reply). */
	malformed?: boolean;
}

/**
 * The one door to a provider's HTTP API for a node run: the credential is read and checked once,
 * every request goes through n8n's authentication with it, and no secret of it survives in a reply.
 */
export class ProviderTransport {
	private credentials?: Promise<ICredentialDataDecryptedObject>;

	/**
	 * The run's connection: the credential's base URL (for a provider whose requests name whole
	 * URLs, the origin of the run's first request, the API it talks to), and the credential as
	 * n8n is handed it (none for an API without authentication).
	 */
	private connection?: { baseUrl: string; credentialsDecrypted?: ICredentialsDecrypted };

	/** Secret values of the credential, cut out of every reply. */
	private secrets: string[] = [];

	/**
	 * Origins the credential goes to besides the base URL's: the provider's own (its credential
	 * origins) and those of the whole URLs the user typed. Requests whose URL a reply named, and
	 * download links, carry the credential only here.
	 */
	private readonly credentialOrigins = new Set<string>();

	/** What to check when the provider refuses the credential. */
	credentialAdvice = '';

	constructor(
		private readonly ctx: ApiContext,
		private readonly provider: JobProvider,
		private readonly requestTimeoutMs = 60_000,
	) {}

	/** Reads the credential once per run and checks it: a broken one is one clear error, and nothing is sent. */
	async connect(itemIndex: number | undefined, firstRequest: ProviderRequest): Promise<void> {
		const { credentialType } = this.provider;
		this.credentials ??= credentialType ? this.ctx.getCredentials(credentialType) : Promise.resolve({});
		const credentials = await this.credentials;
		if (this.connection) return;
		const baseUrl = this.checkedBaseUrl(credentials, itemIndex) ?? new URL(firstRequest.path).origin;
		this.secrets = secretValues(credentials, this.provider.secretFields);
		for (const origin of this.provider.credentialOrigins?.(credentials) ?? []) this.credentialOrigins.add(origin);
		this.credentialAdvice =
			this.provider.credentialAdvice?.(credentials) ??
			`Check the ${this.provider.displayName} credential: its API Key (used at its Base URL) must belong to an active account.`;
		const ref = credentialType ? this.ctx.getNode().credentials?.[credentialType] : undefined;
		// Handed to n8n with each request: without it n8n loads and decrypts the credential again every time.
		const credentialsDecrypted = credentialType ? { id: ref?.id ?? '', name: ref?.name ?? '', type: credentialType, data: credentials } : undefined;
		this.connection = { baseUrl, credentialsDecrypted };
	}

	/** The credential's base URL, once `connect` has read and checked it. */
	get baseUrl(): string | undefined {
		return this.connection?.baseUrl;
	}

	/**
	 * Why `request` must not be sent with the credential, if it must not: its URL came from a reply
	 * and names an origin the credential does not go to, or it is http:// to a public host. Whole
	 * URLs the user typed are where the user pointed the credential: their origins are trusted from
	 * then on, for the URLs their replies name.
	 */
	credentialRefusal(request: ProviderRequest): LinkRefusal | undefined {
		const { baseUrl, credentialsDecrypted } = this.connection!;
		if (!credentialsDecrypted) return undefined;
		const field = request.urlFromReply ?? request.urlField ?? this.addressField;
		let url: URL;
		try {
			url = new URL(request.path, baseUrl);
		} catch {
			return { reason: `${field} is not an address`, advice: `Check ${field}; nothing was sent.` };
		}
		const host = linkHost(url.href);
		if (request.urlFromReply && url.origin !== new URL(baseUrl).origin && !this.credentialOrigins.has(url.origin)) {
			const option = this.provider.credentialOriginsOption;
			const change = option
				? `If ${host} belongs to the API (a queue or file host), add it to "${option}"; otherwise the reply is not the API's: check ${field}.`
				: `The reply is not the API's own: check ${field}.`;
			return {
				reason: `${field} names ${host}, where the credential is not sent`,
				advice: `The credential goes only to the host of ${this.addressField}${option ? ` and to the hosts in "${option}"` : ''}; nothing was sent. ${change}`,
			};
		}
		if (cleartextToPublicHost(url)) {
			return {
				reason: `${field} is http:// to ${url.hostname}, a public host, so the key would travel unencrypted`,
				advice: `Use https://, or http:// only for a proxy on this machine or a private network; nothing was sent.`,
			};
		}
		if (!request.urlFromReply && /^https?:\/\//i.test(request.path)) this.credentialOrigins.add(url.origin);
		return undefined;
	}

	/** Whether a download of `link` carries the credential: on an origin of the provider's own, or one the user typed. */
	carriesCredentialTo(link: string): boolean {
		let url: URL;
		try {
			url = new URL(link);
		} catch {
			return false;
		}
		return this.connection?.credentialsDecrypted !== undefined && this.credentialOrigins.has(url.origin) && !cleartextToPublicHost(url);
	}

	/** Where the user sets the API's address, as hints name it. */
	get addressField(): string {
		return this.provider.addressField ?? `the Base URL in the ${this.provider.displayName} credential`;
	}

	/** One request with the run's credential (or none, for an API without authentication), as n8n's helper answers it. */
	async authenticatedRequest(options: IHttpRequestOptions): Promise<unknown> {
		const { credentialsDecrypted } = this.connection!;
		const { credentialType, authenticate } = this.provider;
		const authenticated = authenticate ? authenticate(await this.credentials!, options) : options;
		return credentialsDecrypted
			? await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, credentialType!, authenticated, { credentialsDecrypted })
			: await this.ctx.helpers.httpRequest(authenticated);
	}

	/** The longest one request may take (the node's Request Timeout). */
	get requestTimeout(): number {
		return this.requestTimeoutMs;
	}

	/**
	 * Sends one request once, given `timeoutMs` at most (a wait's time left may be shorter than the
	 * Request Timeout); HTTP error statuses are replies, network failures are thrown.
	 */
	async send(request: ProviderRequest, timeoutMs = this.requestTimeoutMs): Promise<Reply> {
		const { baseUrl } = this.connection!;
		const options: IHttpRequestOptions = {
			method: request.method,
			baseURL: baseUrl,
			url: request.path,
			qs: request.qs,
			headers: { ...request.headers },
			json: true,
			// Parsed here rather than by n8n, so integers above 2^53 keep their digits.
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// A redirect to another host would carry the API key there.
			disableFollowRedirect: true,
			timeout: timeoutMs,
		};
		if (request.body !== undefined) {
			// Serialized once here, so a request signature covers exactly the bytes sent.
			options.body = JSON.stringify(request.body);
			options.headers = { ...options.headers, 'Content-Type': 'application/json' };
		} else if (request.formData !== undefined) {
			options.body = request.formData;
		} else if (request.streamedForm !== undefined) {
			// axios streams a spec-compliant form as it sends it; n8n's option types know only the form-data package's.
			options.body = request.streamedForm as unknown as FormData;
		} else if (request.urlencodedForm !== undefined) {
			options.body = new URLSearchParams(request.urlencodedForm).toString();
			options.headers = { ...options.headers, 'Content-Type': 'application/x-www-form-urlencoded' };
		}
		if (request.streamReply) options.encoding = 'stream';
		const sent = await this.authenticatedRequest(options);
		// A reply that quotes a key (an echoed header, a debug field) must not carry it into items or errors.
		const reply = this.scrub(sent as Reply);
		if (request.streamReply) {
			if (reply.statusCode >= 200 && reply.statusCode < 300) return reply;
			reply.body = this.scrub(await textOf(reply.body as AsyncIterable<Uint8Array>));
		}
		if (typeof reply.body !== 'string' || reply.body.trim() === '') return reply;
		try {
			return { ...reply, body: parseJsonKeepingDigits(reply.body) };
		} catch {
			return { ...reply, malformed: true };
		}
	}

	/** `value` with the credential's secrets cut out. */
	scrub<T>(value: T): T {
		return withoutSecrets(value, this.secrets);
	}

	/** The credential's base URL, checked; undefined where every request names a whole URL (which the adapter checks). */
	private checkedBaseUrl(credentials: ICredentialDataDecryptedObject, itemIndex: number | undefined): string | undefined {
		const { displayName, credentialType } = this.provider;
		const baseUrl = this.provider.baseUrl?.(credentials);
		const problem = this.provider.credentialProblem?.(credentials) ?? (baseUrl === undefined ? undefined : baseUrlProblem(baseUrl));
		if (problem) {
			const name = this.ctx.getNode().credentials?.[credentialType ?? '']?.name;
			throw new NodeOperationError(this.ctx.getNode(), `The ${displayName} credential${name ? ` "${name}"` : ''} cannot be used: ${problem}`, {
				itemIndex,
				description: `Open the credential and correct it; nothing was sent to ${displayName}.`,
			});
		}
		if (baseUrl === undefined) return undefined;
		if (!/^https?:\/\/[^/\s]+/i.test(baseUrl)) {
			throw new NodeOperationError(this.ctx.getNode(), `The base URL in the ${displayName} credential is not an http(s) address`, {
				itemIndex,
				description: `Set it to an address starting with https:// (or http:// for a local proxy), e.g. the provider's default.`,
			});
		}
		return baseUrl;
	}
}

/** A short streamed reply (an error) as text. */
async function textOf(chunks: AsyncIterable<Uint8Array>): Promise<string> {
	const decoder = new TextDecoder();
	let text = '';
	for await (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
	return text + decoder.decode();
}
