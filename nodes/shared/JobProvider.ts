import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import type { JobSnapshot, JobStatus } from './JobItem';
import type { StreamedForm } from './jsonLines';

/** One call to a provider's API, relative to the base URL in the credential (or a whole URL where the provider has none). */
export interface ProviderRequest {
	method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	path: string;
	qs?: IDataObject;
	headers?: Record<string, string>;
	/** Sent as JSON. */
	body?: IDataObject | IDataObject[];
	/** Sent as multipart/form-data. */
	formData?: FormData;
	/** Sent as multipart/form-data whose file is made while it is sent (a JSON Lines upload of any size). */
	streamedForm?: StreamedForm;
	/** Sent as application/x-www-form-urlencoded. */
	urlencodedForm?: Record<string, string>;
	/**
	 * A refusal (4xx other than a credential, a missing address or a rate limit) is the answer
	 * itself, returned with its status code rather than thrown: fal.ai's result request reports
	 * a failed job so.
	 */
	refusalIsAnswer?: boolean;
	/**
	 * The provider de-duplicates this request (TAMS `requestId`), so replaying it after it may
	 * have reached the server cannot start a second job. Reads (GET) are always replayable.
	 */
	replayable?: boolean;
	/**
	 * A successful reply's body is handed over unread, as the bytes arrive (an async iterable), to
	 * be read line by line: a results file. Error replies are read as usual.
	 */
	streamReply?: boolean;
	/** What this request does, in the user's words, for error messages ("create the job"). */
	purpose: string;
	/** The node field the user typed this request's whole URL in ("Status URL"), for messages. */
	urlField?: string;
	/**
	 * The reply field this request's URL was read from ('Status URL Path "status_url" of the create
	 * reply'): the credential goes with it only to the provider's credential origins.
	 */
	urlFromReply?: string;
	/**
	 * Set on requests that start a job (a create that is not replayable is taken to start one):
	 * where to look for a job that may have been made although no readable answer came back.
	 */
	uncertainOutcomeHint?: string;
}

/**
 * A job as the provider addresses it: most by its id alone; `address` holds what else a provider
 * needs (Pixxel's workflow, the status and result URLs of fal.ai's queue). The node file sets it
 * from the item's parameters; only the provider's adapter reads it.
 */
export interface JobRef {
	jobId: string;
	address?: Record<string, string>;
}

/** A reply as the provider sent it, for a request whose refusals are answers. */
export interface ProviderReply {
	statusCode: number;
	body: unknown;
}

export type ProviderProblem =
	| 'credentials'
	| 'notFound'
	| 'invalidInput'
	| 'rateLimited'
	| 'unavailable'
	| 'other';

/** A provider's error reply, read into words a user can act on. */
export interface ProviderErrorInfo {
	message: string;
	description?: string;
	problem: ProviderProblem;
	/** The provider's own error code, kept for the error item. */
	code?: string;
}

export interface WaitDefaults {
	pollIntervalSeconds: number;
	maxIntervalSeconds: number;
	timeoutMinutes: number;
	/** Requests per second one node run may send with one credential. */
	requestsPerSecond: number;
}

/**
 * Everything the engine needs to know about one provider. A new provider is one object of
 * this shape, a credential and a thin node file: the engine never asks which provider it runs.
 */
export interface JobProvider {
	/** The `provider` value of normalized items. */
	name: string;
	displayName: string;
	/** Undefined for an API that needs no authentication. */
	credentialType?: string;
	/** Credential fields that hold secrets (API keys, private keys): cut out of every reply, should one quote them. */
	secretFields: string[];
	/** Undefined where every request names a whole URL. */
	baseUrl?(credentials: ICredentialDataDecryptedObject): string;
	/**
	 * Puts the credential on a request where its type does not do so itself (n8n's Basic Auth
	 * and Query Auth credentials leave that to the node).
	 */
	authenticate?(credentials: ICredentialDataDecryptedObject, options: IHttpRequestOptions): IHttpRequestOptions;
	/**
	 * Why these credentials cannot authenticate any request (an empty field, a key that does not
	 * parse), never quoting a secret; undefined when usable. Checked before the first request, so
	 * a broken credential is one clear error rather than retried failed sends.
	 */
	credentialProblem?(credentials: ICredentialDataDecryptedObject): string | undefined;
	/**
	 * Origins (`https://host[:port]`) the credential may go to besides the base URL's (for a provider
	 * without one, the origins of the URLs the user typed): a request whose URL came from a reply is
	 * sent only there, and a *Download Outputs* link there is fetched with the credential.
	 */
	credentialOrigins?(credentials: ICredentialDataDecryptedObject): string[];
	/** The option where the user lists more hosts for the credential, named in a refusal. */
	credentialOriginsOption?: string;
	/** Where the user sets the API's address, for hints: by default the Base URL in the credential. */
	addressField?: string;
	/** What to check in the credential when the provider refuses it; by default the API key and base URL. */
	credentialAdvice?(credentials: ICredentialDataDecryptedObject): string;
	waitDefaults: WaitDefaults;
	getJobRequest(ref: JobRef): ProviderRequest;
	/** Reads a job response (parsed JSON) with a zod schema, whose error names the field that is off. */
	readJob(body: unknown, ref?: JobRef): JobSnapshot;
	/** Reads a create reply where it is not a whole job (AetherForge answers with the id alone). */
	readCreatedJob?(body: unknown): JobSnapshot;
	/** Where the outputs of a job that read as succeeded are fetched from, where not from the job itself (fal.ai's `response_url`). */
	resultRequest?(ref: JobRef, body: unknown): ProviderRequest | undefined;
	/** The job as its result reply (a success, or a refusal that tells why it failed) completes it. */
	readResult?(job: JobSnapshot, reply: ProviderReply): JobSnapshot;
	/** The reply as the item's `raw` shows it, where the wire form is unreadable (Pixxel's byte arrays). */
	readableRaw?(body: unknown): unknown;
	/** The create request with a URL the provider calls as the job changes status (callback mode); only providers that call back have it. */
	withNotifyUrl?(request: ProviderRequest, url: string): ProviderRequest;
	/**
	 * With `withNotifyUrl`: the credential fields whose values, as stored, key the callback token.
	 * Fixed for good: a change voids the tokens of executions parked before it.
	 */
	callbackKeyFields?: string[];
	/** Maps the provider's status word; undefined for a status this package does not know. */
	mapStatus(providerStatus: string): JobStatus | undefined;
	readError(statusCode: number, body: unknown): ProviderErrorInfo;
}
