/**
 * Each provider as the fault, bad-input and secret tests drive it through one shape: the node
 * parameters of Create, Get and Wait, a job made on its simulator, its error body, a reply field
 * whose type breaks its job schema, and its key, to revoke mid-run.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { WorkflowRun } from './engine';
import { startWorkflow } from './engine';
import { httpApiSettings } from './httpAsyncJobSettings';
import { singleNodeWorkflow } from './workflows';
import type { ProviderSimulators } from '../simulator';
import type { JobScript, SimJob } from '../simulator/jobs';
import { PIXXEL_PROJECT } from '../simulator/pixxel';
import type { SimRequest } from '../simulator/server';

export type Action = 'create' | 'get' | 'wait';

export interface ProviderCase {
	/** The node type, and the `provider` of its items, unless `nodeType` says otherwise. */
	name: string;
	/** The HTTP Async Job node, set up for a simulated API. */
	nodeType?: 'httpAsyncJob';
	/** As messages name the provider. */
	displayName: string;
	credentialType: string;
	prefix: string;
	/**
	 * Node parameters of an action; Get and Wait read the job from the item's `jobId` (and
	 * `workflowId`). The HTTP Async Job node's hold the simulator's URLs.
	 */
	parameters(action: Action, sim?: ProviderSimulators): IDataObject;
	/** The path of a read of the job's status, on the simulator. */
	readPath?(jobId: string): RegExp;
	/** The credential's secret, where it is not `apiKey`. */
	secret?(sim: ProviderSimulators): string;
	/** The input item of a create whose job can be told apart by `marker`. */
	createInput(sim: ProviderSimulators, marker: string): IDataObject;
	/** The marker of the create input a job on the simulator was made from. */
	markerOf(job: SimJob<unknown>): string | undefined;
	/** The marker of the create input a create request on its way to the simulator was made from. */
	markerOfRequest(sim: ProviderSimulators, request: SimRequest): string | undefined;
	/** A job made on the simulator as if started earlier: the input item of Get and Wait for it. */
	existingJob(sim: ProviderSimulators, script: Partial<JobScript>): IDataObject;
	jobs(sim: ProviderSimulators): Map<string, SimJob<unknown>>;
	/** Where the next created jobs take their scripts from (first in, first out). */
	nextScripts(sim: ProviderSimulators): Array<Partial<JobScript>>;
	/** An error reply in the provider's own shape. */
	errorBody(message: string): unknown;
	/** The provider's reply to a key it does not accept. */
	keyRefused: { status: number; body: unknown };
	/** A field of every job reply (create's too) that, made a number, breaks the documented schema. */
	schemaField: string[];
	/** Whether a create's reply tells the job's status (AetherForge's holds the id alone). */
	createReplyHasStatus: boolean;
	/** Stops / restarts the simulator accepting the key of `sim.credentials`. */
	revokeKey(sim: ProviderSimulators): void;
	restoreKey(sim: ProviderSimulators): void;
}

let nextTamsId = 970_000_000_000_000_000n;

const withWorkflow = (parameters: IDataObject): IDataObject => ({
	...parameters,
	workflow: { __rl: true, mode: 'id', value: '={{ $json.workflowId }}' },
});

export const aetherForge: ProviderCase = {
	name: 'aetherForge',
	displayName: 'AetherForge',
	credentialType: 'aetherForgeApi',
	prefix: '/aetherforge',
	parameters: (action) =>
		action === 'create'
			? { operation: 'createJob', type: 'effectV2', description: '={{ $json.marker }}', quality: 'pro', frame: '4' }
			: { operation: action === 'get' ? 'getJob' : 'waitForJob', jobId: '={{ $json.jobId }}' },
	createInput: (_sim, marker) => ({ marker }),
	markerOf: (job) => (job.extra as { form: { fields: Record<string, string> } }).form.fields.description,
	markerOfRequest: (_sim, request) => /name="description"\r\n\r\n([^\r]*)\r\n/.exec(request.rawBody.toString('utf8'))?.[1],
	existingJob(sim, script) {
		sim.aetherForge.jobs.nextScripts.unshift(script);
		const job = sim.aetherForge.jobs.create(crypto.randomUUID(), sim.server.clock.now(), { form: { path: '', fields: {}, files: {} }, imageUrls: [] });
		return { jobId: job.id };
	},
	jobs: (sim) => sim.aetherForge.jobs.jobs,
	nextScripts: (sim) => sim.aetherForge.jobs.nextScripts,
	errorBody: (message) => ({ detail: message }),
	keyRefused: { status: 401, body: { detail: 'Invalid API key' } },
	schemaField: ['job_id'],
	createReplyHasStatus: false,
	revokeKey: (sim) => sim.aetherForge.apiKeys.delete(String(sim.credentials.aetherForgeApi.apiKey)),
	restoreKey: (sim) => sim.aetherForge.apiKeys.add(String(sim.credentials.aetherForgeApi.apiKey)),
};

export const pixxel: ProviderCase = {
	name: 'pixxel',
	displayName: 'Pixxel',
	credentialType: 'pixxelApi',
	prefix: '/pixxel',
	parameters: (action) =>
		action === 'create'
			? withWorkflow({ operation: 'createJob', projectId: PIXXEL_PROJECT })
			: withWorkflow({ operation: action === 'get' ? 'getJob' : 'waitForJob', jobId: '={{ $json.jobId }}' }),
	// Pixxel's create has no body: each marked item runs a workflow of its own.
	createInput: (sim, marker) => ({ workflowId: sim.pixxel.addWorkflow(marker).id }),
	markerOf: (job) => (job.extra as { workflow: { name: string } }).workflow.name,
	markerOfRequest: (sim, request) => sim.pixxel.workflows.get(decodeURIComponent(request.path.split('/')[3] ?? ''))?.name,
	existingJob(sim, script) {
		const workflowId = sim.pixxel.workflowNamed('Crop health (NDVI)').id;
		return { jobId: sim.pixxel.startJob(workflowId, script).id, workflowId };
	},
	jobs: (sim) => sim.pixxel.jobs.jobs,
	nextScripts: (sim) => sim.pixxel.jobs.nextScripts,
	errorBody: (message) => ({ error: { code: 'internal', message, details: null } }),
	keyRefused: { status: 403, body: { error: { code: 'forbidden', message: 'invalid or missing API key', details: null } } },
	schemaField: ['id'],
	createReplyHasStatus: true,
	revokeKey: (sim) => sim.pixxel.apiKeys.delete(String(sim.credentials.pixxelApi.apiKey)),
	restoreKey: (sim) => sim.pixxel.apiKeys.set(String(sim.credentials.pixxelApi.apiKey), PIXXEL_PROJECT),
};

export const tensorArt: ProviderCase = {
	name: 'tensorArt',
	displayName: 'Tensor.Art',
	credentialType: 'tensorArtApi',
	prefix: '/tams',
	parameters: (action) =>
		action === 'create'
			? { resource: 'job', operation: 'createJob', params: '={{ JSON.stringify($json.params) }}' }
			: { resource: 'job', operation: action === 'get' ? 'getJob' : 'waitForJob', jobId: '={{ $json.jobId }}' },
	createInput: (_sim, marker) => ({ params: { '9': { classType: 'SaveImage', inputs: { filename_prefix: marker } } } }),
	markerOf: (job) => (job.extra as { params: Record<string, { inputs?: IDataObject }> }).params['9']?.inputs?.filename_prefix as string | undefined,
	markerOfRequest: (_sim, request) => tensorArt.markerOf({ extra: JSON.parse(request.rawBody.toString('utf8') || '{}') } as SimJob<unknown>),
	existingJob(sim, script) {
		sim.tensorArt.jobs.nextScripts.unshift(script);
		return { jobId: sim.tensorArt.addJob(String(nextTamsId++), sim.server.clock.now()).id };
	},
	jobs: (sim) => sim.tensorArt.jobs.jobs,
	nextScripts: (sim) => sim.tensorArt.jobs.nextScripts,
	errorBody: (message) => ({ code: 13, message, details: [] }),
	keyRefused: { status: 404, body: { code: 100001, message: 'unauthorized', tips: 'app not found' } },
	schemaField: ['job', 'status'],
	createReplyHasStatus: true,
	revokeKey: (sim) => sim.tensorArt.apiKeys.delete(String(sim.credentials.tensorArtApi.apiKey)),
	restoreKey: (sim) => sim.tensorArt.apiKeys.add(String(sim.credentials.tensorArtApi.apiKey)),
};

export const PROVIDERS: ProviderCase[] = [aetherForge, pixxel, tensorArt];

const replicateProblem = (status: number, detail: string) => ({ title: 'Bad request', detail, status });

/** The HTTP Async Job node configured for the Replicate-like and fal-like APIs, as a user would from their docs. */
export const httpReplicate: ProviderCase = {
	name: 'httpAsyncJob (Replicate)',
	nodeType: 'httpAsyncJob',
	displayName: '127.0.0.1',
	credentialType: 'httpBearerAuth',
	prefix: '/replicate',
	parameters: (action, sim) => {
		const settings = httpApiSettings(sim!, 'replicate');
		return action === 'create'
			? { ...settings.create, operation: 'createJob' }
			: { ...settings.status, operation: action === 'get' ? 'getJob' : 'waitForJob', jobId: '={{ $json.jobId }}' };
	},
	createInput: (_sim, marker) => ({ prompt: marker }),
	markerOf: (job) => (job.extra as { input: { prompt?: string } }).input.prompt,
	markerOfRequest: (_sim, request) => (JSON.parse(request.rawBody.toString('utf8') || '{}') as { input?: { prompt?: string } }).input?.prompt,
	existingJob(sim, script) {
		sim.replicate.jobs.nextScripts.unshift(script);
		const job = sim.replicate.jobs.create(crypto.randomUUID().replace(/-/g, ''), sim.server.clock.now(), { model: 'acme/model', version: '0'.repeat(64), input: {}, shape: 'url', outputUrls: [] });
		return { jobId: job.id };
	},
	jobs: (sim) => sim.replicate.jobs.jobs,
	nextScripts: (sim) => sim.replicate.jobs.nextScripts,
	errorBody: (message) => replicateProblem(400, message),
	keyRefused: { status: 401, body: { title: 'Unauthenticated', detail: 'You did not pass a valid authentication token', status: 401 } },
	schemaField: ['status'],
	createReplyHasStatus: true,
	secret: (sim) => String(sim.credentials.httpBearerAuth.token),
	revokeKey: (sim) => sim.replicate.apiTokens.delete(String(sim.credentials.httpBearerAuth.token)),
	restoreKey: (sim) => sim.replicate.apiTokens.add(String(sim.credentials.httpBearerAuth.token)),
};

const falKey = (sim: ProviderSimulators) => String(sim.credentials.httpHeaderAuth.value).replace(/^Key /, '');

export const httpFal: ProviderCase = {
	...httpReplicate,
	name: 'httpAsyncJob (fal)',
	credentialType: 'httpHeaderAuth',
	prefix: '/fal',
	parameters: (action, sim) => {
		const settings = httpApiSettings(sim!, 'fal');
		return action === 'create'
			? { ...settings.create, operation: 'createJob' }
			: { ...settings.status, operation: action === 'get' ? 'getJob' : 'waitForJob', jobId: '={{ $json.jobId }}' };
	},
	readPath: (jobId) => new RegExp(`/${jobId}/status$`),
	markerOfRequest: (_sim, request) => (JSON.parse(request.rawBody.toString('utf8') || '{}') as { prompt?: string }).prompt,
	existingJob(sim, script) {
		sim.fal.jobs.nextScripts.unshift(script);
		return { jobId: sim.fal.jobs.create(crypto.randomUUID(), sim.server.clock.now(), { app: 'fal-ai/flux', input: {}, imageUrls: [] }).id };
	},
	jobs: (sim) => sim.fal.jobs.jobs,
	nextScripts: (sim) => sim.fal.jobs.nextScripts,
	errorBody: (message) => ({ detail: message }),
	keyRefused: { status: 401, body: { detail: 'Invalid API key' } },
	// The submit reply says IN_QUEUE whatever the job's status word will be.
	createReplyHasStatus: false,
	secret: (sim) => falKey(sim),
	revokeKey: (sim) => sim.fal.apiKeys.delete(falKey(sim)),
	restoreKey: (sim) => sim.fal.apiKeys.add(falKey(sim)),
};

/** The HTTP Async Job node's cases beside the provider nodes', for the fault matrix and the secret scan. */
export const HTTP_NODE_CASES: ProviderCase[] = [httpReplicate, httpFal];

export interface ActionRun {
	provider: ProviderCase;
	action: Action;
	input: IDataObject[];
	/** Parameters beside the action's own (wait settings, options). */
	parameters?: IDataObject;
	continueOnFail?: boolean;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
}

/** Runs one action of a provider's node in n8n's engine; its output items are `outputs.Job`. */
export function startAction(sim: ProviderSimulators, { provider, action, input, parameters = {}, continueOnFail, credentials }: ActionRun) {
	const workflow = singleNodeWorkflow(provider.nodeType ?? provider.name, { ...provider.parameters(action, sim), ...parameters });
	if (continueOnFail) workflow.nodes[0].onError = 'continueRegularOutput';
	return startWorkflow(workflow, { credentials: credentials ?? sim.credentials, input });
}

export async function runAction(sim: ProviderSimulators, run: ActionRun): Promise<WorkflowRun> {
	return await startAction(sim, run).promise;
}

/** A copy of `body` with the field at `path` set to `value`. */
export function withField(body: unknown, path: string[], value: unknown): unknown {
	const copy = structuredClone(body) as IDataObject;
	let parent = copy;
	for (const key of path.slice(0, -1)) parent = parent[key] as IDataObject;
	parent[path[path.length - 1]] = value as IDataObject[string];
	return copy;
}

/** The error item Continue On Fail makes of a failed item. */
export const isErrorItem = (item: INodeExecutionData): boolean => typeof item.json.error === 'string' && item.json.jobId === undefined;
