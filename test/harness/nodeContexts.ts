/**
 * The ways n8n runs node code outside a workflow run, with n8n-core's own contexts: an editor's
 * list search (LoadOptionsContext), the polls of an active workflow's polling trigger
 * (PollContext driven by PollTriggerExecutor, as n8n's poll schedule does), and a call of a
 * parked execution's resume URL (WebhookContext on the saved execution, as n8n's waiting webhooks do).
 */
import { Container } from '@n8n/di';
import { LoadOptionsContext, PollContext, PollTriggerExecutor, WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeListSearchResult,
	INodeType,
	IRun,
	IWebhookData,
	IWebhookResponseData,
} from 'n8n-workflow';

import type { WorkflowJson } from './engine';
import { assertOutputsMatchSchema, createAdditionalData, createWorkflow, credentialTypes } from './engine';
import { assertNoSecretLeaks, visibleError } from './secrets';

/** Runs `methodName` of the node's list searches as the editor does while the user types `filter`. */
export async function runListSearch(
	node: INode,
	methodName: string,
	options: { credentials: Record<string, ICredentialDataDecryptedObject>; filter?: string; paginationToken?: string },
): Promise<INodeListSearchResult> {
	const workflow = createWorkflow({ nodes: [node], connections: {} });
	const workflowNode = workflow.getNode(node.name)!;
	const additionalData = createAdditionalData(options.credentials);
	// The editor sends the node's parameters as they are at the moment of the search.
	additionalData.currentNodeParameters = workflowNode.parameters;
	const context = new LoadOptionsContext(workflow, workflowNode, additionalData, 'parameters.workflow');
	const nodeType = workflow.nodeTypes.getByNameAndVersion(workflowNode.type, workflowNode.typeVersion) as INodeType;
	const search = nodeType.methods?.listSearch?.[methodName];
	if (!search) throw new Error(`${workflowNode.type} has no list search ${methodName}`);
	// What the editor shows, the list or the error, is checked for secrets as a run's outputs are.
	const shown = await search.call(context, options.filter, options.paginationToken).catch((error: unknown) => ({ error }));
	assertNoSecretLeaks('a list search', 'error' in shown ? visibleError(shown.error) : shown, options.credentials, credentialTypes);
	if ('error' in shown) throw shown.error;
	return shown;
}

export interface ActivePollingTrigger {
	/** One scheduled poll: what it emitted (each emit starts a workflow execution in n8n). */
	poll(): Promise<INodeExecutionData[][][]>;
	/** The workflow's static data, which n8n saves between polls. */
	staticData(): IDataObject;
	/** Errors reported by polls (n8n records them as failed executions). */
	errors: Error[];
}

/**
 * Activates a workflow whose first node is a polling trigger: runs the activation poll (whose
 * items would be emitted too), then returns a handle that polls as each Poll Time would.
 */
export async function activatePollingTrigger(
	workflowJson: WorkflowJson,
	credentials: Record<string, ICredentialDataDecryptedObject>,
): Promise<ActivePollingTrigger & { activationEmits: INodeExecutionData[][][] }> {
	const workflow = createWorkflow(workflowJson);
	const node = Object.values(workflow.nodes)[0];
	const emitted: INodeExecutionData[][][] = [];
	const errors: Error[] = [];
	const pollFunctions = new PollContext(
		workflow,
		node,
		createAdditionalData(credentials),
		'trigger',
		'activate',
		(data) => emitted.push(data),
		(error) => errors.push(error),
	);
	const executePoll = Container.get(PollTriggerExecutor).create(workflow, node, pollFunctions, () => true);
	const pollOnce = async (activation: boolean) => {
		const [emittedBefore, errorsBefore] = [emitted.length, errors.length];
		await executePoll(activation);
		const polled = { emitted: emitted.slice(emittedBefore), errors: errors.slice(errorsBefore).map(visibleError) };
		assertNoSecretLeaks('a poll', polled, credentials, credentialTypes);
		for (const outputs of polled.emitted) assertOutputsMatchSchema('a poll', node, outputs);
		return polled.emitted;
	};
	const activationEmits = await pollOnce(true);
	return {
		activationEmits,
		poll: async () => await pollOnce(false),
		staticData: () => workflow.getStaticData('node', node),
		errors,
	};
}

export interface CallbackAnswer {
	/** What the node's webhook returned: `workflowData` is what n8n resumes the execution with. */
	result: IWebhookResponseData;
	/** The HTTP status the webhook answered itself with, if it did. */
	status?: number;
}

/**
 * A POST to `url`, the resume URL a parked execution `run` handed to a provider: n8n finds the
 * parked node by the URL's last path segment and runs its webhook on the saved execution.
 */
export async function callResumeUrl(
	workflowJson: WorkflowJson,
	run: IRun,
	url: string,
	credentials: Record<string, ICredentialDataDecryptedObject>,
	body: IDataObject = {},
): Promise<CallbackAnswer> {
	const { pathname, searchParams } = new URL(url);
	const [executionId, nodeId] = pathname.split('/').slice(-2).map(decodeURIComponent);
	const workflow = createWorkflow(workflowJson);
	const node = Object.values(workflow.nodes).find((n) => n.id === nodeId);
	if (!node) throw new Error(`no node ${nodeId} in the workflow`);
	const answer: CallbackAnswer = { result: {} };
	const response = {
		status(code: number) {
			answer.status = code;
			return response;
		},
		json: () => response,
	};
	const additionalData = createAdditionalData(credentials, undefined, executionId);
	Object.assign(additionalData, { httpRequest: { query: Object.fromEntries(searchParams), body, headers: {}, params: {} }, httpResponse: response });
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion) as INodeType;
	const [description] = nodeType.description.webhooks ?? [];
	const webhookData = { httpMethod: 'POST', node: node.name, path: pathname, webhookDescription: description, workflowId: workflow.id, workflowExecuteAdditionalData: additionalData } as IWebhookData;
	const context = new WebhookContext(workflow, node, additionalData, 'webhook', webhookData, [], structuredClone(run.data));
	answer.result = await nodeType.webhook!.call(context);
	assertNoSecretLeaks('a callback', answer.result, credentials, credentialTypes);
	const resumedWith = answer.result.workflowData?.[0];
	if (resumedWith) assertOutputsMatchSchema('a callback', node, [resumedWith]);
	return answer;
}
