/**
 * Runs workflow JSON through n8n's own engine (n8n-core `WorkflowExecute` on an n8n-workflow
 * `Workflow`) with this package's built nodes and credentials from dist/, the way n8n loads
 * a community package. Only the providers are simulated; nothing of ours is replaced.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// n8n-core writes its instance settings (encryption key) into the user folder when loaded.
process.env.N8N_USER_FOLDER ??= mkdtempSync(path.join(tmpdir(), 'n8n-async-jobs-'));
// Failed runs are asserted on by the tests; n8n's own log of them would only be noise.
process.env.N8N_LOG_LEVEL ??= 'silent';

import { BinaryDataService, ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { Container } from '@n8n/di';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentials,
	IDataObject,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers, Workflow, createRunExecutionData } from 'n8n-workflow';

import type * as JobItem from '../../nodes/shared/JobItem';
import type { ZodIssue } from 'zod';
import { assertNoSecretLeaks, visibleRun } from './secrets';

/** The package folder, from test/harness (under Jest) or from .build/test/harness (compiled scripts). */
function findRepoRoot(start: string): string {
	for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
		if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'nodes'))) return dir;
	}
	throw new Error(`No package folder above ${start}`);
}
export const repoRoot = findRepoRoot(__dirname);
const packageJson = require(path.join(repoRoot, 'package.json')) as {
	name: string;
	n8n: { nodes: string[]; credentials: string[] };
};

/** Node type names as n8n gives them to a community package: `<package>.<node name>`. */
export const PACKAGE_NAME = packageJson.name;
export const nodeTypeName = (name: string) => `${PACKAGE_NAME}.${name}`;

function loadClasses<T>(files: string[]): T[] {
	return files.map((file) => {
		const exported = require(path.join(repoRoot, file)) as Record<string, new () => T>;
		const Class = Object.values(exported)[0];
		return new Class();
	});
}

/** n8n's own generic credentials, which the HTTP Async Job node offers as its HTTP Request node does. */
const GENERIC_CREDENTIALS = ['HttpHeaderAuth', 'HttpBearerAuth', 'HttpQueryAuth', 'HttpBasicAuth'].map(
	(name) => path.relative(repoRoot, require.resolve(`n8n-nodes-base/dist/credentials/${name}.credentials.js`)),
);

export const credentialTypes = new Map(
	[...loadClasses<ICredentialType>(packageJson.n8n.credentials), ...loadClasses<ICredentialType>(GENERIC_CREDENTIALS)].map((type) => [type.name, type]),
);

export const ourNodeTypes = new Map(
	loadClasses<INodeType>(packageJson.n8n.nodes).map((type) => [nodeTypeName(type.description.name), type]),
);

/**
 * A value that fits no branch of a union (an output that is neither a link nor a text/JSON value)
 * is reported by the branch it comes closest to, so the message names the field that is off.
 */
function closestIssues(issues: ZodIssue[]): ZodIssue[] {
	return issues.flatMap((issue) => {
		if (issue.code !== 'invalid_union') return [issue];
		const branches = issue.unionErrors.map((error) => closestIssues(error.issues));
		return branches.reduce((closest, branch) => (branch.length < closest.length ? branch : closest));
	});
}

/** The published item schemas, from the built package as n8n loads it. */
const { outputItemSchema } = require(path.join(repoRoot, 'dist/nodes/shared/JobItem.js')) as typeof JobItem;

/**
 * Fails the test when an output item of a node of ours does not meet the schema of
 * nodes/shared/JobItem.ts for its action, naming the node, the item and the fields.
 */
export function assertOutputsMatchSchema(what: string, node: INode, outputs: Array<INodeExecutionData[] | null>): void {
	if (!ourNodeTypes.has(node.type)) return;
	const continueOnFail = node.continueOnFail === true || (node.onError !== undefined && node.onError !== 'stopWorkflow');
	outputs.forEach((items, output) =>
		(items ?? []).forEach(({ json }, index) => {
			const { name, schema } = outputItemSchema(node.parameters.operation, json, continueOnFail);
			const result = schema.safeParse(json);
			if (result.success) return;
			const fields = closestIssues(result.error.issues).flatMap((issue) =>
				issue.code === 'unrecognized_keys'
					? issue.keys.map((key) => `field "${[...issue.path, key].join('.')}": not in the schema`)
					: [`field "${issue.path.join('.') || '(item)'}": ${issue.message}`],
			);
			const where = `item ${index}${outputs.length > 1 ? ` of output ${output}` : ''}`;
			throw new Error(`In ${what}, ${where} of node "${node.name}" is not a valid ${name} (nodes/shared/JobItem.ts): ${fields.join('; ')}`);
		}),
	);
}

/** Tests may add node types of their own beside ours (a trigger that emits given items). */
const extraNodeTypes = new Map<string, INodeType>();
export function registerNodeType(name: string, type: INodeType): void {
	extraNodeTypes.set(name, type);
}

/**
 * Registers a test-only node type with one main input and output, one credential and the
 * given properties; `execute` makes it programmatic, without it the properties' routing runs.
 */
export function registerCredentialNode(
	name: string,
	{ displayName, credential, properties, execute }: Pick<INodeTypeDescription, 'displayName' | 'properties'> & { credential: string; execute?: INodeType['execute'] },
): void {
	registerNodeType(name, {
		description: {
			displayName,
			name,
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credential, required: true }],
			properties,
		},
		execute,
	} as INodeType);
}

/** n8n's own nodes (triggers, IF, Wait …), loaded on first use from n8n-nodes-base. */
const baseNodeTypes = new Map<string, INodeType | IVersionedNodeType>();
function loadBaseNodeType(type: string): INodeType | IVersionedNodeType | undefined {
	const name = type.replace(/^n8n-nodes-base\./, '');
	if (name === type) return undefined;
	if (!baseNodeTypes.has(name)) {
		const basePackage = require('n8n-nodes-base/package.json') as { n8n: { nodes: string[] } };
		const file = basePackage.n8n.nodes.find((candidate) => path.basename(candidate).toLowerCase() === `${name.toLowerCase()}.node.js`);
		if (!file) return undefined;
		const exported = require(`n8n-nodes-base/${file}`) as Record<string, new () => INodeType | IVersionedNodeType>;
		baseNodeTypes.set(name, new (Object.values(exported)[0])());
	}
	return baseNodeTypes.get(name);
}

const nodeTypes: INodeTypes = {
	getByName(type: string): INodeType | IVersionedNodeType {
		const found = ourNodeTypes.get(type) ?? extraNodeTypes.get(type) ?? loadBaseNodeType(type);
		if (!found) throw new Error(`Unknown node type ${type}`);
		return found;
	},
	getByNameAndVersion(type: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	},
	getKnownTypes() {
		return {};
	},
};

class TestCredentialsHelper extends ICredentialsHelper {
	/** How often a node asked for decrypted credentials (n8n reads its database each time). */
	reads = 0;

	constructor(private readonly credentials: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	/**
	 * Every credential of this package authenticates with a function, which n8n calls as it is.
	 * n8n's generic ones set headers from `={{$credentials.x}}` templates, or (Basic, Query) nothing.
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, typeName: string, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const authenticate = credentialTypes.get(typeName)?.authenticate;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate === undefined) return requestOptions;
		const render = (template: string) => template.replace(/^=/, '').replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, field: string) => String(credentials[field] ?? ''));
		const headers = Object.entries(authenticate.properties.headers ?? {}).map(([name, value]) => [render(name), render(String(value))]);
		return { ...requestOptions, headers: { ...requestOptions.headers, ...Object.fromEntries(headers) } };
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(_helpers: IHttpRequestHelper): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('Not used by these tests');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		this.reads++;
		// By the credential's id where a workflow's nodes of one type need different keys, else by type.
		const data = (nodeCredentials.id ? this.credentials[nodeCredentials.id] : undefined) ?? this.credentials[type];
		if (!data) throw new Error(`No test credentials of type ${type}`);
		return { ...data };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string) {
		return credentialTypes.get(type)?.properties ?? [];
	}
}

export interface WorkflowJson {
	/** n8n's workflow ID (default `test`). */
	id?: string;
	name?: string;
	nodes: INode[];
	connections: Workflow['connectionsBySourceNode'];
	settings?: IDataObject;
}

export interface RunOptions {
	/** Credential data by credential type name. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** JSON of the items handed to the start node (default: one empty item). */
	input?: IDataObject[];
	/** Whole items (with binary data) handed to the start node, instead of `input`. */
	inputItems?: INodeExecutionData[];
	/** Name of the node to start at (default: the first node). */
	startNode?: string;
	mode?: WorkflowExecuteMode;
	/** The execution's ID (default: a new one per run, as n8n gives every execution its own). */
	executionId?: string;
}

export interface WorkflowRun {
	run: IRun;
	/** Output items of each node's first run, first output. */
	outputs: Record<string, INodeExecutionData[]>;
	/** Every output (an IF's true and false branches …) of each node's first run. */
	branches: Record<string, INodeExecutionData[][]>;
	/** How often the run's nodes read decrypted credentials. */
	credentialReads: number;
	/** When the engine reported the run finished (epoch ms), before the harness checks it. */
	finishedAt: number;
	/** The error that stopped the run, if any. */
	error?: Error & { description?: string; httpCode?: string; context?: IDataObject };
}

export interface RunningWorkflow {
	promise: Promise<WorkflowRun>;
	cancel(): void;
}

/** An n8n `Workflow` of these nodes, with this package's node types, as the engine runs it. */
export function createWorkflow(workflowJson: WorkflowJson): Workflow {
	return new Workflow({
		id: workflowJson.id ?? 'test',
		name: workflowJson.name ?? 'test',
		nodes: workflowJson.nodes.map((node) => withCredentialRefs({ ...node })),
		connections: workflowJson.connections,
		nodeTypes,
		active: false,
		settings: workflowJson.settings,
	});
}

/** What n8n hands every node context: the test credentials and, for a run, its lifecycle hooks. */
export function createAdditionalData(
	credentials: Record<string, ICredentialDataDecryptedObject> = {},
	hooks?: ExecutionLifecycleHooks,
	executionId: string = randomUUID(),
): IWorkflowExecuteAdditionalData {
	return {
		hooks,
		executionId,
		credentialsHelper: new TestCredentialsHelper(credentials),
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		variables: {},
		currentNodeParameters: undefined,
		userId: 'test-user',
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** Starts a workflow in the engine; `cancel()` stops it as n8n's "Stop" button does. */
export function startWorkflow(workflowJson: WorkflowJson, options: RunOptions = {}): RunningWorkflow {
	const workflow = createWorkflow(workflowJson);
	const nodes = Object.values(workflow.nodes);
	const executionId = options.executionId ?? randomUUID();
	const hooks = new ExecutionLifecycleHooks(options.mode ?? 'manual', executionId, {
		id: 'test',
		name: 'test',
		nodes,
		connections: workflowJson.connections,
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as never);
	let finishedAt = 0;
	const finished = new Promise<IRun>((resolve) =>
		hooks.addHandler('workflowExecuteAfter', (run) => {
			finishedAt = Date.now();
			resolve(run);
		}),
	);
	const additionalData = createAdditionalData(options.credentials, hooks, executionId);

	const startNode = options.startNode ? workflow.getNode(options.startNode)! : nodes[0];
	const startItems: INodeExecutionData[] = options.inputItems ?? (options.input ?? [{}]).map((json) => ({ json }));
	const nodeExecutionStack: IExecuteData[] = [{ node: startNode, data: { main: [startItems] }, source: null }];
	const runExecutionData = createRunExecutionData({ executionData: { nodeExecutionStack } });
	const execution = new WorkflowExecute(additionalData, options.mode ?? 'manual', runExecutionData).processRunExecutionData(workflow);

	const promise = (async () => {
		await execution.catch(() => undefined);
		const run = await finished;
		const outputs: Record<string, INodeExecutionData[]> = {};
		const branches: Record<string, INodeExecutionData[][]> = {};
		for (const [name, tasks] of Object.entries(run.data.resultData.runData)) {
			branches[name] = (tasks[0]?.data?.main ?? []).map((items) => items ?? []);
			outputs[name] = branches[name][0] ?? [];
		}
		// Every run of the suite is checked: no API key or private key in what a user can see,
		// and every item of our nodes in the shape published for it.
		assertNoSecretLeaks('the run', visibleRun(run), usableCredentials(nodes, options.credentials ?? {}), credentialTypes);
		for (const [name, tasks] of Object.entries(run.data.resultData.runData)) {
			tasks.forEach((task, runIndex) => assertOutputsMatchSchema(runIndex === 0 ? 'the run' : `the run (the node's run ${runIndex + 1})`, workflow.getNode(name)!, task.data?.main ?? []));
		}
		const { reads: credentialReads } = additionalData.credentialsHelper as TestCredentialsHelper;
		return { run, outputs, branches, credentialReads, finishedAt, error: run.data.resultData.error as WorkflowRun['error'] };
	})();
	return { promise, cancel: () => execution.cancel() };
}

export async function runWorkflow(workflowJson: WorkflowJson, options: RunOptions = {}): Promise<WorkflowRun> {
	return await startWorkflow(workflowJson, options).promise;
}

/** The credentials some node of the run refers to: the only ones its nodes can read, so the only ones they can leak. */
function usableCredentials(nodes: INode[], credentials: Record<string, ICredentialDataDecryptedObject>): Record<string, ICredentialDataDecryptedObject> {
	const types = new Set(nodes.flatMap((node) => Object.keys(node.credentials ?? {})));
	return Object.fromEntries(Object.entries(credentials).filter(([type]) => types.has(type)));
}

/** Nodes of ours get a reference to the credential of each type they accept, as the editor sets. */
function withCredentialRefs(node: INode): INode {
	const type = ourNodeTypes.get(node.type);
	if (!type || node.credentials) return node;
	node.credentials = {};
	for (const credential of type.description.credentials ?? []) {
		node.credentials[credential.name] = { id: credential.name, name: credential.name };
	}
	return node;
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

/**
 * Runs a credential's `test` request the way n8n's credential tester does: as the routing
 * request of a throwaway declarative node, with the credential's authentication applied,
 * then its rules on the reply.
 */
export async function testCredential(typeName: string, data: ICredentialDataDecryptedObject): Promise<CredentialTestResult> {
	const credentialType = credentialTypes.get(typeName);
	const test = credentialType?.test;
	if (!test) throw new Error(`Credential type ${typeName} has no test request`);
	const testerType = `credentialTest.${typeName}`;
	registerCredentialNode(testerType, {
		displayName: 'Credential Test',
		credential: typeName,
		properties: [{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request: test.request } }],
	});
	const node: INode = {
		id: 'credential-test',
		name: 'Credential Test',
		type: testerType,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [typeName]: { id: typeName, name: typeName } },
	};
	const { outputs, error } = await runWorkflow({ nodes: [node], connections: {} }, { credentials: { [typeName]: data } });
	if (error) {
		const status = Number((error as { httpCode?: string }).httpCode ?? (error.cause as { response?: { status?: number } })?.response?.status);
		for (const rule of test.rules ?? []) {
			if (rule.type === 'responseCode' && rule.properties.value === status) return { status: 'Error', message: rule.properties.message };
		}
		return { status: 'Error', message: error.message };
	}
	const reply = outputs['Credential Test']?.[0]?.json ?? {};
	for (const rule of test.rules ?? []) {
		if (rule.type === 'responseSuccessBody' && lookup(reply, rule.properties.key) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

function lookup(value: IDataObject, key: string): unknown {
	return key.split('.').reduce<unknown>((current, part) => (current as IDataObject | undefined)?.[part], value);
}

/**
 * Keeps binary data in files under the n8n user folder, as n8n 2.x does by default, instead of in
 * the items (n8n-core's mode without a configured store). Downloads then stream to disk.
 */
export async function useFilesystemBinaryData(): Promise<BinaryDataService> {
	const service = Container.get(BinaryDataService);
	await service.init();
	return service;
}

/** An input item carrying a PNG (or any bytes) in binary property `property`. */
export function binaryItem(json: IDataObject, files: Record<string, { bytes: Buffer; mimeType: string; fileName: string }>): INodeExecutionData {
	const binary: INodeExecutionData['binary'] = {};
	for (const [property, file] of Object.entries(files)) {
		binary[property] = { data: file.bytes.toString('base64'), mimeType: file.mimeType, fileName: file.fileName };
	}
	return { json, binary };
}
