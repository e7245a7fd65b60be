import type { IDataObject, INode } from 'n8n-workflow';

import type { WorkflowJson } from './engine';
import { nodeTypeName } from './engine';

/** A workflow of one node of ours, named `name`, fed by the run's input items. */
export function singleNodeWorkflow(nodeType: string, parameters: IDataObject, name = 'Job'): WorkflowJson {
	const node: INode = {
		id: 'node-1',
		name,
		type: nodeTypeName(nodeType),
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
	};
	return { nodes: [node], connections: {} };
}

/** Our nodes one after another, each fed by the one before. */
export function chainWorkflow(steps: Array<{ name: string; nodeType: string; parameters: IDataObject }>): WorkflowJson {
	const nodes: INode[] = steps.map((step, index) => ({
		id: `node-${index + 1}`,
		name: step.name,
		type: nodeTypeName(step.nodeType),
		typeVersion: 1,
		position: [index * 220, 0],
		parameters: step.parameters as INode['parameters'],
	}));
	const connections: WorkflowJson['connections'] = {};
	for (let index = 0; index + 1 < nodes.length; index++) {
		connections[nodes[index].name] = { main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] };
	}
	return { nodes, connections };
}
