import type { JobStatus } from '../../shared/JobItem';
import type { ReplyFields } from '../httpAsyncJobProvider';

/**
 * One job API as a preset of the HTTP Async Job node: data only, read by the same adapter as the
 * node's Custom fields (see apiParameters.ts). Addresses are templates: `{{baseUrl}}` is the
 * API's origin (or the API Base URL the user set), `{{endpoint}}` the model or endpoint the user
 * gives, `{{app}}` its first two path segments (`fal-ai/flux` of `fal-ai/flux/dev`), `{{jobId}}`
 * the job's ID.
 */
export interface ApiPreset {
	/** The option's value in the node's API selector. */
	value: string;
	/** The API as the selector names it. */
	name: string;
	/** What its jobs do, for the selector and the docs. */
	description: string;
	/** Where the API is: the base URL unless the user sets another; the only origin the credential is meant for. */
	origin: string;
	/** The credential the API takes, as one of n8n's generic credential types. */
	credential: PresetCredential;
	/** The model or endpoint the user names; absent where the API has one address for every job. */
	endpoint?: { displayName: string; example: string; description: string };
	/** Headers the API wants on every request, beside the credential (Runway's X-Runway-Version). */
	headers?: Record<string, string>;
	/** The input a new node starts with: a JSON object of the job's inputs. */
	exampleInput: string;
	create: {
		method: 'POST' | 'PUT';
		url: string;
		/** JSON (the default), or multipart/form-data with one text field per entry of the input (other values as JSON text). */
		bodyType?: 'json' | 'multipart';
		/** The body is `{ [inputField]: input }`; without it the input itself. */
		inputField?: string;
		headers?: Record<string, string>;
		/** Where the reply holds the job ID. */
		jobIdPath: string;
		/** Where the reply holds the job's status URL, where it gives one. */
		statusUrlPath?: string;
	};
	/** Where and how a job's status is read; the reply paths as the Reply Fields collection names them. */
	status: ReplyFields & {
		/** With {{jobId}}: the address Get Job and Wait For Job read (and a create whose reply names none). */
		url: string;
		/** Where the reply holds the status word. */
		path: string;
		/** Every word the API reports, by meaning, the rare final ones included. */
		words: Partial<Record<JobStatus, string[]>>;
	};
	/** Where a succeeded job's outputs are read from, where not from its status. */
	result?: { url?: string; urlPath?: string };
	/** How a job is canceled, where the API can. */
	cancel?: { method: 'POST' | 'PUT' | 'DELETE'; url: string };
	/** The vendor's SDK whose protocol the preset and its simulator were checked against. */
	checkedAgainst: string;
}

/**
 * The credential of a preset: n8n's generic Bearer Auth, or Header Auth under the name given here,
 * as Custom takes them. n8n's vendor credentials (OpenAI, Google Gemini …) are not offered: the
 * community-package rule `no-credential-reuse` lets a node name only its own package's types.
 */
export type PresetCredential =
	| { type: 'httpBearerAuth' }
	| { type: 'httpHeaderAuth'; headerName: string; valueFormat: string };
