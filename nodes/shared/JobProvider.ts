import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { JobSnapshot, JobStatus } from './JobItem';

/** One call to a provider's API, relative to the base URL in the credential. */
export interface ProviderRequest {
	method: 'GET' | 'POST' | 'PUT' | 'DELETE';
	path: string;
	qs?: IDataObject;
	/** Sent as JSON. */
	body?: IDataObject;
	/** Sent as multipart/form-data. */
	formData?: FormData;
	/**
	 * The provider de-duplicates this request (TAMS `requestId`), so replaying it after it may
	 * have reached the server cannot start a second job. Reads (GET) are always replayable.
	 */
	replayable?: boolean;
	/** What this request does, in the user's words, for error messages ("create the job"). */
	purpose: string;
	/**
	 * Set on requests that start a job (a create that is not replayable is taken to start one):
	 * where to look for a job that may have been made although no readable answer came back.
	 */
	uncertainOutcomeHint?: string;
}

/** A job as the provider addresses it: Pixxel jobs live under a workflow, the others by id alone. */
export interface JobRef {
	jobId: string;
	workflowId?: string;
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
	credentialType: string;
	/** Credential fields that hold secrets (API keys, private keys): cut out of every reply, should one quote them. */
	secretFields: string[];
	baseUrl(credentials: ICredentialDataDecryptedObject): string;
	/**
	 * Why these credentials cannot authenticate any request (an empty field, a key that does not
	 * parse), never quoting a secret; undefined when usable. Checked before the first request, so
	 * a broken credential is one clear error rather than retried failed sends.
	 */
	credentialProblem?(credentials: ICredentialDataDecryptedObject): string | undefined;
	/** What to check in the credential when the provider refuses it; by default the API key and base URL. */
	credentialAdvice?(credentials: ICredentialDataDecryptedObject): string;
	waitDefaults: WaitDefaults;
	/** Reads and checks the job the user names (Get Job, Wait For Job) before anything is sent. */
	readJobRef(fn: IExecuteFunctions, itemIndex: number): JobRef;
	getJobRequest(ref: JobRef): ProviderRequest;
	/** Reads a job response (parsed JSON) with a zod schema, whose error names the field that is off. */
	readJob(body: unknown, ref?: JobRef): JobSnapshot;
	/** Reads a create reply where it is not a whole job (AetherForge answers with the id alone). */
	readCreatedJob?(body: unknown): JobSnapshot;
	/** The reply as the item's `raw` shows it, where the wire form is unreadable (Pixxel's byte arrays). */
	readableRaw?(body: unknown): unknown;
	/** The create request with a URL the provider calls as the job changes status (callback mode); only providers that call back have it. */
	withNotifyUrl?(request: ProviderRequest, url: string): ProviderRequest;
	/** Maps the provider's status word; undefined for a status this package does not know. */
	mapStatus(providerStatus: string): JobStatus | undefined;
	readError(statusCode: number, body: unknown): ProviderErrorInfo;
}
