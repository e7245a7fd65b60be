/**
 * Workflows as n8n saved them with this release (test/fixtures/saved-workflows/: the examples and
 * one per node, node versions and parameters as the editor stores them, defaults left out) run
 * with today's code. n8n runs a saved workflow with the node version it was saved with, so a
 * change to a version's parameters or defaults, or to the shape of its items, changes what these
 * workflows do: it fails here, and belongs in a new node version (docs/development.md).
 *
 * Each fixture has a record in expected/: the parameters its nodes of ours run with (saved values
 * and the defaults of their version), the defaults of the fields of their collections (Options,
 * Wait Settings), and the shape of their output items. A missing record is
 * written once with SAVED_WORKFLOWS_RECORD=1; an existing one is never rewritten by the test.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject, INode, INodeExecutionData, INodeParameters, INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import type { WorkflowJson, WorkflowRun } from './harness/engine';
import { PACKAGE_NAME, createWorkflow, repoRoot, runWorkflow } from './harness/engine';
import { activatePollingTrigger } from './harness/nodeContexts';
import type { ProviderSimulators } from './simulator';
import { pointedAtSimulators, startSimulators } from './simulator';

// n8n's Wait node (the long-job example's loop) loads n8n's form helpers, whose HTML sanitizer
// pulls in an ES module that Jest cannot load; the loop's time-interval wait never uses it.
jest.mock('sanitize-html', () => ({ __esModule: true, default: (html: string) => html }));

const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'saved-workflows');
const expectedDir = path.join(fixturesDir, 'expected');
const fixtures = readdirSync(fixturesDir).filter((name) => name.endsWith('.json'));

interface SavedWorkflow extends WorkflowJson {
	id: string;
	name: string;
}
interface Expected {
	/** Per node of ours: the parameters it runs with (what was saved, and its version's defaults). */
	parameters: Record<string, INodeParameters>;
	/** Per node of ours: the defaults of what its shown collections (Options, Wait Settings) leave unset. */
	collectionDefaults: Record<string, Record<string, IDataObject>>;
	/** Per node of ours: per output, per item, the fields of its JSON, of its outputs and its binary properties. */
	outputs: Record<string, ItemShape[][]>;
}
interface ItemShape {
	json: string[];
	outputs?: string[];
	binary?: string[];
}

const isOurs = (node: INode) => node.type.startsWith(`${PACKAGE_NAME}.`);
const readFixture = (name: string) => JSON.parse(readFileSync(path.join(fixturesDir, name), 'utf8')) as SavedWorkflow;

/** A node's type description at the version the workflow saved. */
function descriptionOf(workflow: SavedWorkflow, node: INode): INodeTypeDescription {
	return createWorkflow(workflow).nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description;
}

/**
 * The parameters a saved node runs with, as n8n reads them when it loads the workflow: its saved
 * values and, for what it left out, its version's defaults. (Poll Times, which n8n's loader adds
 * to every polling trigger, is n8n's, and kept as saved.)
 */
function runParameters(workflow: SavedWorkflow, node: INode): INodeParameters {
	const description = descriptionOf(workflow, node);
	const { pollTimes, ...saved } = node.parameters;
	const resolved = NodeHelpers.getNodeParameters(description.properties, saved, true, false, node, description) ?? {};
	// A saved parameter the version no longer has would be dropped without a word.
	const unknown = Object.keys(saved).filter((name) => !(name in resolved));
	if (unknown.length > 0) throw new Error(`Node "${node.name}" (${node.type} v${node.typeVersion}) saved parameters its version no longer has: ${unknown.join(', ')}`);
	const issues = NodeHelpers.getNodeParametersIssues(description.properties, { ...node, parameters: resolved }, description);
	if (issues) throw new Error(`Node "${node.name}" (${node.type} v${node.typeVersion}) has issues with its saved parameters: ${JSON.stringify(issues.parameters)}`);
	return description.polling && pollTimes !== undefined ? { ...resolved, pollTimes } : resolved;
}

/** The defaults of the fields of every collection the node shows, which a saved workflow leaves out unless set. */
function collectionDefaults(workflow: SavedWorkflow, node: INode): Record<string, IDataObject> {
	const description = descriptionOf(workflow, node);
	const parameters = runParameters(workflow, node);
	const shown = description.properties.filter((property) => property.type === 'collection' && NodeHelpers.displayParameter(parameters, property, node, description));
	return Object.fromEntries(
		shown.map((collection) => [collection.name, Object.fromEntries(((collection.options ?? []) as INodeProperties[]).map((field) => [field.name, field.default as IDataObject[string]]))]),
	);
}

function itemShape({ json, binary }: INodeExecutionData): ItemShape {
	const shape: ItemShape = { json: Object.keys(json).sort() };
	if (Array.isArray(json.outputs)) shape.outputs = [...new Set((json.outputs as IDataObject[]).flatMap((output) => Object.keys(output)))].sort();
	if (binary) shape.binary = Object.keys(binary).sort();
	return shape;
}

// A simulator per workflow: the trigger's run moves the simulator's clock on, for good.
/** The recorded fields that an item of today still has (all of them, if it keeps its shape). */
function keptFields(recorded: ItemShape, item: ItemShape | undefined): ItemShape | undefined {
	if (!item) return undefined;
	const kept = (fields?: string[], now?: string[]) => fields?.filter((field) => now?.includes(field));
	return { json: kept(recorded.json, item.json)!, ...(recorded.outputs && { outputs: kept(recorded.outputs, item.outputs) }), ...(recorded.binary && { binary: kept(recorded.binary, item.binary) }) };
}

let sim: ProviderSimulators;
beforeEach(async () => {
	sim = await startSimulators();
});
afterEach(async () => await sim.stop());

/** Runs a saved workflow as n8n would: from its manual or schedule trigger, or from what its polling trigger emits. */
async function runSaved(workflow: SavedWorkflow): Promise<WorkflowRun> {
	const pointed = pointedAtSimulators(workflow, sim);
	const [first] = pointed.nodes;
	if (!descriptionOf(pointed, first).polling) return await runWorkflow(pointed, { credentials: sim.credentials });
	const trigger = await activatePollingTrigger(pointed, sim.credentials);
	// A job of the watched workflow finishes after the activation: the next poll emits it.
	const watched = (first.parameters.workflow as { value: string }).value;
	sim.pixxel.startJob(watched, { queueMs: 0, runMs: 0 });
	sim.server.clock.advance(61_000);
	const [emitted] = await trigger.poll();
	expect(trigger.errors).toEqual([]);
	expect(emitted?.[0]?.length).toBeGreaterThan(0);
	return await runWorkflow(pointed, { credentials: sim.credentials, mode: 'trigger', inputItems: emitted[0] });
}

function expectedFor(name: string, record: () => Promise<Expected>): Promise<Expected> {
	const file = path.join(expectedDir, name);
	if (existsSync(file)) return Promise.resolve(JSON.parse(readFileSync(file, 'utf8')) as Expected);
	if (process.env.SAVED_WORKFLOWS_RECORD !== '1') throw new Error(`No record of ${name} in ${expectedDir}: write it once with SAVED_WORKFLOWS_RECORD=1`);
	return record().then((expected) => {
		writeFileSync(file, JSON.stringify(expected, null, 2) + '\n');
		return expected;
	});
}

test('there is a saved workflow for every example and every node of the package', () => {
	const examples = readdirSync(path.join(repoRoot, 'examples')).filter((name) => name.endsWith('.json'));
	expect(fixtures).toEqual(expect.arrayContaining(examples.map((name) => `example-${name}`)));
	const { n8n } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
	const saved = new Set(fixtures.flatMap((name) => readFixture(name).nodes.map((node) => node.type)));
	for (const file of n8n.nodes) {
		const exported = require(path.join(repoRoot, file)) as Record<string, new () => { description: INodeTypeDescription }>;
		expect(saved).toContain(`${PACKAGE_NAME}.${new (Object.values(exported)[0])().description.name}`);
	}
});

describe.each(fixtures)('%s', (name) => {
	const workflow = readFixture(name);
	const ours = workflow.nodes.filter(isOurs);

	test('is a workflow as n8n saves it', () => {
		expect(Object.keys(workflow)).toEqual(expect.arrayContaining(['name', 'nodes', 'connections', 'settings', 'id']));
		for (const node of workflow.nodes) {
			expect(Object.keys(node)).toEqual(expect.arrayContaining(['parameters', 'type', 'typeVersion', 'position', 'id', 'name']));
		}
		expect(ours.length).toBeGreaterThan(0);
	});

	test('its nodes run with the parameters this release saved, and their items keep their shape', async () => {
		const run = async (): Promise<Expected> => {
			const { outputs, branches, error } = await runSaved(workflow);
			expect(error).toBeUndefined();
			expect(Object.keys(outputs)).toEqual(expect.arrayContaining(ours.map((node) => node.name)));
			return {
				parameters: Object.fromEntries(ours.map((node) => [node.name, runParameters(workflow, node)])),
				collectionDefaults: Object.fromEntries(ours.map((node) => [node.name, collectionDefaults(workflow, node)])),
				outputs: Object.fromEntries(ours.map((node) => [node.name, branches[node.name].map((items) => items.map(itemShape))])),
			};
		};
		const expected = await expectedFor(name, run);
		// What was recorded must hold; what a later release adds (a parameter, an option, a field of the item) may come on top.
		for (const node of ours) {
			expect({ node: node.name, parameters: runParameters(workflow, node) }).toMatchObject({ node: node.name, parameters: expected.parameters[node.name] });
			expect({ node: node.name, collectionDefaults: collectionDefaults(workflow, node) }).toMatchObject({ node: node.name, collectionDefaults: expected.collectionDefaults[node.name] });
		}
		const actual = await run();
		for (const node of ours) {
			const kept = expected.outputs[node.name].map((items, output) => items.map((item, index) => keptFields(item, actual.outputs[node.name][output]?.[index])));
			const counts = (outputs: ItemShape[][]) => outputs.map((items) => items.length);
			expect({ node: node.name, items: counts(actual.outputs[node.name]), outputs: kept }).toEqual({ node: node.name, items: counts(expected.outputs[node.name]), outputs: expected.outputs[node.name] });
		}
	}, 180_000);
});
