/**
 * Our nodes as tools of n8n's AI Agent, run the way n8n runs them:
 *
 * - n8n serves a `usableAsTool` node also as `<type>Tool`: a type whose description is the
 *   node's, converted for the agent (name + "Tool", no main input, one `ai_tool` output, a
 *   tool description field unless the node has its own), and whose methods are the node's
 *   (n8n's NodeTypes.getByNameAndVersion builds it with Object.create; the conversion is
 *   LoadNodesAndCredentials.convertNodeToAiTool). `registerToolType` does the same.
 * - The agent node asks n8n-core for its connected tools (`getInputConnectionData('ai_tool')`),
 *   and n8n-core wraps each tool node with `createNodeAsTool`: invoking the tool runs the node's
 *   `execute` with a SupplyDataContext of connection type `ai_tool`, whose `isToolExecution()`
 *   is true, on one input item holding the arguments the model chose. The test agent below
 *   does exactly that, with the arguments given in its parameters instead of a model's.
 */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, deepCopy } from 'n8n-workflow';

import type { WorkflowJson } from './engine';
import { createWorkflow, nodeTypeName, registerNodeType } from './engine';

export const TEST_AGENT_TYPE = 'test.agent';

/** What n8n-core hands the agent for each connected tool (a LangChain structured tool). */
interface ConnectedTool {
	name: string;
	description: string;
	invoke(args: IDataObject): Promise<string>;
}

/** Registers `<package>.<name>Tool`, our node `name` as n8n serves it to an AI agent. */
export function registerToolType(name: string): string {
	const base = createWorkflow({ nodes: [], connections: {} }).nodeTypes.getByNameAndVersion(nodeTypeName(name));
	const description = Object.create(base.description, {
		properties: { value: Object.create(base.description.properties) },
	}) as INodeTypeDescription;
	const tool = Object.create(base, { description: { value: description } }) as INodeType;
	convertToAiTool(tool.description);
	const type = `${nodeTypeName(name)}Tool`;
	registerNodeType(type, tool);
	return type;
}

/** The parts of n8n's conversion of a node description into a tool's that a run depends on. */
function convertToAiTool(description: INodeTypeDescription): void {
	description.name += 'Tool';
	description.inputs = [];
	description.outputs = [NodeConnectionTypes.AiTool];
	description.displayName += ' Tool';
	delete description.usableAsTool;
	if (!description.properties.some((property) => property.name === 'toolDescription')) {
		// n8n adds its own description field then; ours all bring one, so a test notices if that changes.
		throw new Error(`${description.name} has no toolDescription property of its own`);
	}
}

registerNodeType(TEST_AGENT_TYPE, {
	description: {
		displayName: 'Test Agent',
		name: TEST_AGENT_TYPE,
		group: ['transform'],
		version: 1,
		description: 'Calls its one connected tool with the arguments a model would choose',
		defaults: {},
		inputs: [NodeConnectionTypes.Main, { type: NodeConnectionTypes.AiTool, displayName: 'Tools', required: true }],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Tool Arguments', name: 'toolArgs', type: 'json', default: '{}' }],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const [tool] = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as ConnectedTool[];
		const args = this.getNodeParameter('toolArgs', 0, {}, { ensureType: 'json' }) as IDataObject;
		const answer = await tool.invoke(args);
		return [[{ json: { tool: tool.name, description: tool.description, answer: JSON.parse(answer) as IDataObject[] }, pairedItem: { item: 0 } }]];
	},
} as INodeType);

/** A workflow of the test agent with node `name` of ours connected as its tool, set up with `parameters`. */
export function agentWithTool(name: string, parameters: IDataObject, toolArgs: IDataObject): WorkflowJson {
	const toolType = registerToolType(name);
	const node = (nodeName: string, type: string, nodeParameters: IDataObject, y: number): INode => ({
		id: nodeName,
		name: nodeName,
		type,
		typeVersion: 1,
		position: [0, y],
		parameters: deepCopy(nodeParameters) as INode['parameters'],
	});
	const credentials = createWorkflow({ nodes: [], connections: {} }).nodeTypes.getByNameAndVersion(toolType).description.credentials ?? [];
	const tool = { ...node('Job tool', toolType, parameters, 200), credentials: Object.fromEntries(credentials.map(({ name }) => [name, { id: name, name }])) };
	const agent = node('Agent', TEST_AGENT_TYPE, { toolArgs: JSON.stringify(toolArgs) }, 0);
	return {
		nodes: [agent, tool],
		connections: { [tool.name]: { [NodeConnectionTypes.AiTool]: [[{ node: agent.name, type: NodeConnectionTypes.AiTool, index: 0 }]] } },
	};
}
