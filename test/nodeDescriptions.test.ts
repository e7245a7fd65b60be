/**
 * What the editor shows of the nodes, computed as n8n computes it: canvas subtitles through n8n's
 * own expression evaluation, the Job ID a Get Job starts with, the Custom API Call choice n8n
 * adds, and the project list of the Pixxel node.
 */
import type { IDataObject, INode, INodeType } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { createWorkflow, nodeTypeName, runWorkflow } from './harness/engine';
import { runListSearch } from './harness/nodeContexts';
import { chainWorkflow, singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';
import { PIXXEL_PROJECT } from './simulator/pixxel';

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

/** The subtitle the canvas shows under a node with these parameters (n8n evaluates it as below). */
function subtitleOf(nodeType: string, parameters: IDataObject): unknown {
	const workflow = createWorkflow(singleNodeWorkflow(nodeType, parameters));
	const node = workflow.getNode('Job')!;
	const type = workflow.nodeTypes.getByNameAndVersion(node.type, 1) as INodeType;
	return workflow.expression.getSimpleParameterValue(node, type.description.subtitle!, 'internal', {});
}

describe('canvas subtitles name the action as the editor does', () => {
	test.each([
		['tensorArt', { resource: 'job', operation: 'createJob' }, 'Create: Job'],
		['tensorArt', { resource: 'job', operation: 'waitForJob' }, 'Wait For: Job'],
		['tensorArt', { resource: 'template', operation: 'getTemplate' }, 'Get: Template'],
		['tensorArt', { resource: 'image', operation: 'uploadImage' }, 'Upload: Image'],
		['tensorArt', { resource: 'job', operation: '__CUSTOM_API_CALL__' }, 'Custom API Call'],
		['pixxel', { operation: 'getResults' }, 'Get Results'],
		['pixxel', { operation: 'waitForJob' }, 'Wait For Job'],
		['aetherForge', { operation: 'createJob', type: 'upscale' }, 'Upscale Image'],
		['aetherForge', { operation: 'createJob', type: 'makeSpriteV2' }, 'Make Sprite (V2)'],
		['aetherForge', { operation: 'getJob' }, 'Get Job'],
		['aetherForge', { operation: '__CUSTOM_API_CALL__' }, 'Custom API Call'],
		['httpAsyncJob', { operation: 'createJob' }, 'Create Job'],
		['httpAsyncJob', { operation: 'waitForJob' }, 'Wait For Job'],
		['llmBatch', { vendor: 'openAi', operation: 'createBatch' }, 'OpenAI: Create Batch'],
		['llmBatch', { vendor: 'anthropic', operation: 'getBatchResults' }, 'Anthropic: Get Batch Results'],
	])('%s %j: "%s"', (nodeType, parameters, expected) => {
		expect(subtitleOf(nodeType, parameters)).toBe(expected);
	});
});

test('Get Job reads the job ID of the item before it when Job ID is left as it starts', async () => {
	const result = await runWorkflow(
		chainWorkflow([
			{ name: 'Create', nodeType: 'aetherForge', parameters: { operation: 'createJob', type: 'generateImage', prompt: 'a castle', ai_model: 'Nano Banana' } },
			{ name: 'Get', nodeType: 'aetherForge', parameters: { operation: 'getJob' } },
		]),
		{ credentials: sim.credentials },
	);
	expect(result.error).toBeUndefined();
	const created = result.outputs.Create[0].json.jobId;
	expect(result.outputs.Get[0].json).toMatchObject({ provider: 'aetherForge', jobId: created });
	expect(sim.server.log.some((entry) => entry.prefix === '/aetherforge' && entry.method === 'GET' && entry.path === `/public/v1/job/${String(created)}`)).toBe(true);
});

test('choosing Custom API Call names the node in words, as n8n names a node after its action', () => {
	const workflow = createWorkflow(singleNodeWorkflow('tensorArt', {}));
	const { description } = workflow.nodeTypes.getByNameAndVersion(nodeTypeName('tensorArt'), 1);
	expect(NodeHelpers.makeNodeName({ resource: 'job', operation: '__CUSTOM_API_CALL__' }, description)).toBe('Make a custom API call');
	expect(NodeHelpers.makeNodeName({ resource: 'job', operation: 'createJob' }, description)).toBe('Create a job');
});

describe('Custom API Call, which n8n adds to the operations, points to the HTTP Request node', () => {
	test.each([
		['tensorArt', { resource: 'job', operation: '__CUSTOM_API_CALL__' }],
		['tensorArt', { resource: '__CUSTOM_API_CALL__' }],
		['pixxel', { operation: '__CUSTOM_API_CALL__', workflow: { __rl: true, mode: 'id', value: 'any' } }],
	])('%s %j', async (nodeType, parameters) => {
		const result = await runWorkflow(singleNodeWorkflow(nodeType, parameters), { credentials: sim.credentials });
		expect(result.error?.message).toBe('Custom API Call runs in the HTTP Request node, not in this one');
		expect(result.error?.description).toMatch(/HTTP Request node, set Authentication to "Predefined Credential Type"/);
		expect(sim.server.log).toHaveLength(0);
	});
});

test("Pixxel's project list offers the API key's project, with its workflows", async () => {
	const node: INode = {
		id: 'pixxel',
		name: 'Pixxel',
		type: nodeTypeName('pixxel'),
		typeVersion: 1,
		position: [0, 0],
		parameters: { operation: 'createJob', projectId: { __rl: true, mode: 'list', value: '' } },
	};
	const all = await runListSearch(node, 'searchProjects', { credentials: sim.credentials });
	expect(all.results.map((result) => result.value)).toEqual([PIXXEL_PROJECT]);
	expect(all.results[0].description).toContain('Crop health (NDVI)');
	const none = await runListSearch(node, 'searchProjects', { credentials: sim.credentials, filter: 'no such project' });
	expect(none.results).toEqual([]);
});

describe('Wait Settings left unset show the values in use, in a notice that is never saved', () => {
	/** The text of the notices n8n shows for a node with these parameters (n8n's own display rules). */
	function noticesShown(nodeType: string, parameters: IDataObject): string[] {
		const workflow = createWorkflow(singleNodeWorkflow(nodeType, parameters));
		const node = workflow.getNode('Job')!;
		const { description } = workflow.nodeTypes.getByNameAndVersion(node.type, 1) as INodeType;
		const values = NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description)!;
		return description.properties.filter((property) => property.type === 'notice' && NodeHelpers.displayParameter(values, property, node, description)).map((property) => property.displayName);
	}
	const IN_USE: Array<[string, IDataObject, string]> = [
		['tensorArt', { resource: 'job' }, 'first check after 3 s, later ones further apart, up to every 30 s, for at most 20 min'],
		['pixxel', {}, 'first check after 30 s, later ones further apart, up to every 10 min, for at most 2 h'],
		['aetherForge', {}, 'first check after 2 s, later ones further apart, up to every 15 s, for at most 10 min'],
		['httpAsyncJob', {}, 'first check after 2 s, later ones further apart, up to every 30 s, for at most 30 min'],
	];

	test.each(IN_USE)('%s: Wait For Job and Create with Wait for Completion', (nodeType, base, inUse) => {
		const stated = `Unless changed under Wait Settings: ${inUse}; then the node stops with an error. A failed job is output for an IF to route.`;
		expect(noticesShown(nodeType, { ...base, operation: 'waitForJob' })).toEqual([stated]);
		expect(noticesShown(nodeType, { ...base, operation: 'createJob', waitForCompletion: true })).toEqual([stated]);
		expect(noticesShown(nodeType, { ...base, operation: 'createJob' })).toEqual([]);
	});

	test.each(IN_USE)('%s: the values stated are the defaults of the Wait Settings fields', (nodeType, base, inUse) => {
		const { properties } = (createWorkflow(singleNodeWorkflow(nodeType, base)).nodeTypes.getByNameAndVersion(nodeTypeName(nodeType), 1) as INodeType).description;
		const fields = properties.find((property) => property.name === 'waitSettings')!.options as Array<{ name: string; default: number }>;
		const value = (name: string) => fields.find((field) => field.name === name)!.default;
		const shown = (amount: number, unit: 's' | 'min') => (amount >= 60 && amount % 60 === 0 ? `${amount / 60} ${unit === 's' ? 'min' : 'h'}` : `${amount} ${unit}`);
		expect(inUse).toBe(`first check after ${shown(value('pollInterval'), 's')}, later ones further apart, up to every ${shown(value('maxInterval'), 's')}, for at most ${shown(value('timeout'), 'min')}`);
	});

	test('a saved workflow holds no notice', () => {
		const workflow = createWorkflow(singleNodeWorkflow('tensorArt', { resource: 'job', operation: 'waitForJob' }));
		const node = workflow.getNode('Job')!;
		const { description } = workflow.nodeTypes.getByNameAndVersion(node.type, 1) as INodeType;
		const saved = NodeHelpers.getNodeParameters(description.properties, node.parameters, false, false, node, description)!;
		expect(Object.keys(saved)).not.toContain('waitDefaultsNotice');
	});
});
