// The published item schemas (nodes/shared/JobItem.ts, as built into dist/) checked on what a real
// n8n ran: every output item of every run of every node of this package in an execution parsed by
// n8n-runner.mjs (or the raw runData of n8n's REST API), as the jest harness checks each run.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';

import { PACKAGE_NAME, ROOT } from './examples.mjs';

export const { outputItemSchema, normalizedJobSchema } = createRequire(import.meta.url)(path.join(ROOT, 'dist', 'nodes', 'shared', 'JobItem.js'));

/** Where the item breaks its schema, as `field "a.b": why` texts (empty when it meets it). */
export function mismatches(schema, json) {
	const result = schema.safeParse(json);
	if (result.success) return [];
	return result.error.issues.flatMap((issue) =>
		issue.code === 'unrecognized_keys'
			? issue.keys.map((key) => `field "${[...issue.path, key].join('.')}": not in the schema`)
			: [`field "${issue.path.join('.') || '(item)'}": ${issue.message}`],
	);
}

/**
 * Fails when an item of a node of ours in `workflow` does not meet its action's schema.
 * `runsOf(name)` gives the node's runs as lists of outputs of items `{ json }`.
 */
export function assertOutputsMatchSchema(what, workflow, runsOf) {
	let checked = 0;
	for (const node of workflow.nodes.filter((n) => n.type.startsWith(`${PACKAGE_NAME}.`))) {
		const continueOnFail = node.continueOnFail === true || (node.onError !== undefined && node.onError !== 'stopWorkflow');
		(runsOf(node.name) ?? []).forEach((outputs, run) =>
			outputs.forEach((items, output) =>
				(items ?? []).forEach(({ json }, index) => {
					const { name, schema } = outputItemSchema(node.parameters?.operation, json, continueOnFail);
					const problems = mismatches(schema, json);
					assert.deepEqual(problems, [], `${what}: item ${index} of output ${output}, run ${run + 1} of node "${node.name}" is not a valid ${name}`);
					checked++;
				}),
			),
		);
	}
	return checked;
}

/** The same for an execution as n8n-runner.mjs parses it (`nodes[name][run].outputs`). */
export function assertExecutionMatchesSchema(what, workflow, execution) {
	return assertOutputsMatchSchema(what, workflow, (name) => execution.nodes[name]?.map((run) => run.outputs));
}
