/**
 * `npm run demo`: the example workflows of examples/ in n8n's engine, against the built-in
 * provider simulator (no account, no key, no network), with what each job did.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { WorkflowJson } from '../test/harness/engine';
import { PACKAGE_NAME, repoRoot, runWorkflow } from '../test/harness/engine';
import { pointedAtSimulators, startSimulators } from '../test/simulator';

const examplesDir = path.join(repoRoot, 'examples');
/** The examples in the order the README shows them; any others follow by name. */
const README_ORDER = ['tensorart-scheduled-generation.json', 'pixxel-long-job.json', 'aetherforge-upscale.json', 'all-providers.json'];

function exampleFiles(): string[] {
	const rank = (name: string) => (README_ORDER.includes(name) ? README_ORDER.indexOf(name) : README_ORDER.length);
	return readdirSync(examplesDir)
		.filter((name) => name.endsWith('.json'))
		.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function table(rows: string[][]): string {
	const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
	return rows.map((row) => '  ' + row.map((cell, column) => cell.padEnd(widths[column])).join('  ')).join('\n');
}

function describeOutputs(item: INodeExecutionData): string {
	const outputs = (item.json.outputs as IDataObject[] | undefined) ?? [];
	const kinds = outputs.map((output) => `${output.kind}${output.format ? `/${output.format}` : ''}`).join(', ');
	const binary = Object.keys(item.binary ?? {});
	return [kinds || '-', binary.length > 0 ? `binary: ${binary.join(', ')}` : ''].filter(Boolean).join('; ');
}

function shortId(id: unknown): string {
	const text = String(id ?? '-');
	return text.length > 20 ? `${text.slice(0, 8)}…${text.slice(-6)}` : text;
}

/** The command to try after the demo: the same examples in a real n8n editor. */
export const NEXT_STEP =
	'Next: `npm run n8n` opens these examples in a real n8n editor on http://localhost:5678, against the same simulator\n(its first run installs Node 24 and n8n into ~/.cache: about 11 minutes, 3 GB).';

/** Runs the examples (all by default) and prints what each job did, then the next step; resolves to the number that failed. */
export async function runDemo(print: (line: string) => void = console.log, files = exampleFiles()): Promise<number> {
	const simulators = await startSimulators();
	print(`Provider simulator on ${simulators.server.url}\n`);
	let failures = 0;
	for (const file of files) {
		// Addresses of real APIs in node parameters (the HTTP Async Job example) go to the simulator too.
		const workflow = pointedAtSimulators(JSON.parse(readFileSync(path.join(examplesDir, file), 'utf8')) as WorkflowJson & { name: string }, simulators);
		const started = Date.now();
		const { run, error } = await runWorkflow(workflow, { credentials: simulators.credentials });
		const seconds = ((Date.now() - started) / 1000).toFixed(1);
		print(`${workflow.name}  (${file}, ${seconds} s)${error ? `\n  FAILED: ${error.message}` : ''}`);
		if (error) failures++;
		// One row per run of a node (Get Job in a Wait loop runs several times), in the order they ran.
		const steps: Array<{ startTime: number; rows: string[][] }> = [];
		for (const node of workflow.nodes) {
			const runs = run.data.resultData.runData[node.name] ?? [];
			for (const [runIndex, task] of runs.entries()) {
				const label = runs.length > 1 ? `${node.name} #${runIndex + 1}` : node.name;
				const outputs = (task.data?.main ?? []).map((items) => items ?? []);
				if (node.type.startsWith(`${PACKAGE_NAME}.`)) {
					steps.push({ startTime: task.startTime, rows: outputs.flat().map((item) => jobRow(label, item)) });
					continue;
				}
				const step = describeStep(workflow, node, outputs, task.executionTime);
				if (step) steps.push({ startTime: task.startTime, rows: [[label, '', '', '', '', step]] });
			}
		}
		steps.sort((a, b) => a.startTime - b.startTime);
		const rows = [['node', 'provider', 'job id', 'status', 'progress', 'outputs'], ...steps.flatMap((step) => step.rows)];
		print(table(rows) + '\n');
	}
	await simulators.stop();
	print(NEXT_STEP);
	return failures;
}

/** n8n's own nodes worth a row: where an IF sent the items, how long a Wait node waited. */
function describeStep(workflow: WorkflowJson, node: WorkflowJson['nodes'][number], outputs: INodeExecutionData[][], executionTimeMs: number): string | undefined {
	const count = (index: number) => `${outputs[index]?.length ?? 0} item${outputs[index]?.length === 1 ? '' : 's'}`;
	const next = (index: number) => workflow.connections[node.name]?.main?.[index]?.map((target) => target.node).join(', ') || 'nothing';
	if (node.type === 'n8n-nodes-base.if') return `true: ${count(0)} → ${next(0)}; false: ${count(1)} → ${next(1)}`;
	if (node.type === 'n8n-nodes-base.wait') {
		const asked = outputs[0]?.[0]?.json.nextCheckInSeconds;
		return `waited ${(executionTimeMs / 1000).toFixed(1)} s${asked === undefined ? '' : ` (nextCheckInSeconds: ${String(asked)})`}, then → ${next(0)}`;
	}
	if (outputs.length > 1) return `items per output: ${outputs.map((items) => items.length).join(' / ')}`;
	return undefined;
}

function jobRow(label: string, { json, ...item }: INodeExecutionData): string[] {
	// LLM Batch's Get Batch Results: one request of the batch, its row and its answer.
	if (json.batchId !== undefined) {
		const answer = json.error ? `error: ${(json.error as IDataObject).message}` : JSON.stringify(json.json ?? json.text);
		return [label, String(json.provider), shortId(json.batchId), `${json.status} (row ${json.itemIndex})`, '-', answer];
	}
	return [
		label,
		String(json.provider ?? ''),
		shortId(json.jobId),
		json.error && !json.jobId ? `error: ${String(json.error)}` : `${json.status} (${json.providerStatus})`,
		json.progress === null || json.progress === undefined ? '-' : `${json.progress}%`,
		describeOutputs({ json, ...item }),
	];
}

if (require.main === module) void runDemo().then((failures) => process.exit(failures > 0 ? 1 : 0));
