// The example workflows of examples/ and what a real n8n needs to run them against the
// provider simulator: credentials with the ids and names the examples refer to, and the
// simulator itself (compiled from test/simulator with test/e2e/tsconfig.simulator.json).
// Used by examples.e2e.mjs, editor.e2e.mjs and n8n-editor.mjs. Plain Node, no dependencies.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const EXAMPLES_DIR = path.join(ROOT, 'examples');
export const PACKAGE_NAME = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).name;

const SIMULATOR_JS = path.join(ROOT, '.build', 'test', 'simulator', 'index.js');

/** Every examples/*.json as it is in the repository: `{ file, workflow }`, sorted by file name. */
export function loadExamples() {
	return readdirSync(EXAMPLES_DIR)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => ({ file, workflow: JSON.parse(readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) }));
}

/**
 * The credentials the examples refer to (`credentials: { <type>: { id, name } }` on their
 * nodes), as n8n's `import:credentials` wants them: `[{ id, name, type, data }]` with `data`
 * a plain object, taken from the running simulator's `credentials` (by the credential's id
 * where the simulator has one of that id, else by type).
 */
export function exampleCredentials(simulatorCredentials, examples = loadExamples()) {
	const byId = new Map();
	for (const { file, workflow } of examples) {
		for (const node of workflow.nodes) {
			for (const [type, ref] of Object.entries(node.credentials ?? {})) {
				const seen = byId.get(ref.id);
				if (seen && (seen.type !== type || seen.name !== ref.name)) {
					throw new Error(`${file}: credential id ${ref.id} is used as ${type} "${ref.name}" and as ${seen.type} "${seen.name}"`);
				}
				const data = simulatorCredentials[ref.id] ?? simulatorCredentials[type];
				if (!data) throw new Error(`${file}: the simulator has no credentials of type ${type}`);
				byId.set(ref.id, { id: ref.id, name: ref.name, type, data: { ...data } });
			}
		}
	}
	return [...byId.values()];
}

/**
 * n8n runs a workflow headless (`n8n execute`) only from a Manual Trigger (or an Execute
 * Workflow Trigger); a Schedule Trigger only fires inside a running instance at its time.
 * This returns a copy of a workflow with ONLY its Schedule Trigger node swapped for a Manual
 * Trigger of the same name, id and position (so every connection stays as it is), under a new
 * workflow id and name. Every other node, parameter and connection is left identical; the
 * Schedule Trigger emits one item per firing, as the Manual Trigger does, so what follows sees
 * the same input shape (a Schedule Trigger's item carries the firing time, which no node of
 * the examples reads).
 */
export function headlessCopy(workflow, { id, nameSuffix = ' (headless copy)' } = {}) {
	const copy = structuredClone(workflow);
	const triggers = copy.nodes.filter((n) => n.type === 'n8n-nodes-base.scheduleTrigger');
	if (triggers.length !== 1) throw new Error(`${workflow.name}: expected one Schedule Trigger, found ${triggers.length}`);
	const [trigger] = triggers;
	const index = copy.nodes.indexOf(trigger);
	copy.nodes[index] = {
		id: trigger.id,
		name: trigger.name,
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: trigger.position,
		parameters: {},
	};
	copy.id = id ?? `${workflow.id}`.slice(0, 18) + 'HL';
	copy.name = workflow.name + nameSuffix;
	return copy;
}

/** Does the workflow start from a node `n8n execute` can start from? */
export function runsHeadless(workflow) {
	return workflow.nodes.some((n) => ['n8n-nodes-base.manualTrigger', 'n8n-nodes-base.executeWorkflowTrigger'].includes(n.type));
}

/**
 * Compiles the provider simulator (test/simulator/*.ts) into .build/ with its own small
 * tsconfig (only the simulator, so work in progress elsewhere in test/ cannot break it).
 */
export function buildSimulator({ quiet = true } = {}) {
	const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
	if (!existsSync(tsc)) throw new Error(`no ${tsc}: run \`npm ci\` first`);
	execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'test', 'e2e', 'tsconfig.simulator.json')], {
		cwd: ROOT,
		stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
	});
	return SIMULATOR_JS;
}

let built = false;

/** The workflow with the real APIs' addresses (the HTTP Async Job example's) pointed at this running simulator. */
export function pointedAtSimulator(workflow, sim) {
	return createRequire(import.meta.url)(SIMULATOR_JS).pointedAtSimulators(workflow, sim);
}

/**
 * Starts the provider simulator in this process (see test/simulator/index.ts), compiled from
 * the sources once per process (unless `build: false` and a build exists).
 */
export async function startSimulator({ port, build = true } = {}) {
	if ((build && !built) || !existsSync(SIMULATOR_JS)) {
		buildSimulator();
		built = true;
	}
	const { startSimulators } = createRequire(import.meta.url)(SIMULATOR_JS);
	return await startSimulators({ port });
}
