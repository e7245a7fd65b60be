/**
 * `npm run demo`: the example workflows of examples/ in n8n's engine, against the built-in
 * provider simulator (no account, no key, no network), with what each job did.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { WorkflowJson } from '../test/harness/engine';
import { PACKAGE_NAME, repoRoot, runWorkflow } from '../test/harness/engine';
import { startSimulators } from '../test/simulator';

const examplesDir = path.join(repoRoot, 'examples');

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

async function main() {
	const simulators = await startSimulators();
	console.log(`Provider simulator on ${simulators.server.url}\n`);
	let failures = 0;
	for (const file of readdirSync(examplesDir).filter((name) => name.endsWith('.json')).sort()) {
		const workflow = JSON.parse(readFileSync(path.join(examplesDir, file), 'utf8')) as WorkflowJson & { name: string };
		const started = Date.now();
		const { run, error } = await runWorkflow(workflow, { credentials: simulators.credentials });
		const seconds = ((Date.now() - started) / 1000).toFixed(1);
		console.log(`${workflow.name}  (${file}, ${seconds} s)${error ? `\n  FAILED: ${error.message}` : ''}`);
		if (error) failures++;
		const rows = [['node', 'provider', 'job id', 'status', 'progress', 'outputs']];
		for (const node of workflow.nodes) {
			// A node in a loop (Get Job after a Wait) runs several times: one row per run.
			const runs = run.data.resultData.runData[node.name] ?? [];
			for (const [runIndex, task] of runs.entries()) {
				const label = runs.length > 1 ? `${node.name} #${runIndex + 1}` : node.name;
				const outputs = (task.data?.main ?? []).map((items) => items ?? []);
				if (!node.type.startsWith(`${PACKAGE_NAME}.`)) {
					if (outputs.length > 1) rows.push([label, '', '', `items per output: ${outputs.map((items) => items.length).join(' / ')}`, '', '']);
					continue;
				}
				rows.push(...outputs.flat().map((item) => jobRow(label, item)));
			}
		}
		console.log(table(rows) + '\n');
	}
	await simulators.stop();
	process.exit(failures > 0 ? 1 : 0);
}

function jobRow(label: string, { json, ...item }: INodeExecutionData): string[] {
	return [
		label,
		String(json.provider ?? ''),
		shortId(json.jobId),
		json.error && !json.jobId ? `error: ${String(json.error)}` : `${json.status} (${json.providerStatus})`,
		json.progress === null || json.progress === undefined ? '-' : `${json.progress}%`,
		describeOutputs({ json, ...item }),
	];
}

void main();
