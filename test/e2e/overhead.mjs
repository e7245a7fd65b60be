// Row 4 of the bench (Get Job over 1,000 items ÷ a bare HTTP loop) in a real, headless n8n
// (as installed by test/e2e/install-n8n.sh), where a credential is a row of n8n's database:
// the packed package installed as n8n installs a community package, a stored AetherForge
// credential, and the provider simulator in this process. n8n's own HTTP Request node sends
// the same requests with the same credential ("Predefined Credential Type"), as a user would
// without this package. Times are n8n's own per-node execution times, best of three runs in
// one n8n process, each on fresh jobs; the bare loop runs on a thread of its own.
//
//   npm run bench:n8n [-- --n8n 1]          (after `npm run e2e:install`; packs dist/ as it is)
//   node test/e2e/overhead.mjs pkg.tgz [--n8n 2|1]
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { runN8n } from './n8n-runner.mjs';
import { PACKAGE_NAME, ROOT, startSimulator } from './examples.mjs';

const ITEMS = 1000;
const ROUNDS = 3;

const args = process.argv.slice(2);
const given = args.find((arg) => arg.endsWith('.tgz'));
const tarball = given ?? packed();
const version = args.includes('--n8n') ? args[args.indexOf('--n8n') + 1] : '2';

const sim = await startSimulator();
const jobsUrl = `${sim.server.baseUrl(sim.aetherForge)}/public/v1/job`;
const { apiKey } = sim.credentials.aetherForgeApi;
const credential = { id: 'afOverhead', name: 'AetherForge (simulator)', type: 'aetherForgeApi', data: { ...sim.credentials.aetherForgeApi } };
const credentials = { aetherForgeApi: { id: credential.id, name: credential.name } };

/** This package as `npm pack` makes it from dist/, in a folder of its own. */
function packed() {
	const folder = mkdtempSync(path.join(tmpdir(), 'n8n-overhead-'));
	const output = execFileSync('npm', ['pack', '--silent', '--pack-destination', folder], { cwd: ROOT, encoding: 'utf8' });
	return path.join(folder, output.trim().split('\n').pop());
}

/** `count` jobs that have finished, as if started earlier. */
function finishedJobs(count) {
	return Array.from({ length: count }, () => {
		sim.aetherForge.jobs.nextScripts.push({ queueMs: 0, runMs: 0 });
		const form = { path: '', fields: {}, files: {} };
		return sim.aetherForge.jobs.create(randomUUID(), sim.server.clock.now(), { form, imageUrls: [] }).id;
	});
}

/** Manual Trigger → the job IDs as items → our Get Job, and n8n's HTTP Request node beside it. */
function workflow(round, ids) {
	const node = (name, type, typeVersion, x, parameters, extra = {}) => ({ id: `${name}-${round}`, name, type, typeVersion, position: [x, 0], parameters, ...extra });
	return {
		id: `overhead${round}`,
		name: `Get Job × ${ITEMS}, round ${round}`,
		nodes: [
			node('Start', 'n8n-nodes-base.manualTrigger', 1, 0, {}),
			node('Job IDs', 'n8n-nodes-base.set', 3.4, 200, { mode: 'raw', jsonOutput: JSON.stringify({ ids }) }),
			node('Items', 'n8n-nodes-base.splitOut', 1, 400, { fieldToSplitOut: 'ids', options: {} }),
			node('Get Job', `${PACKAGE_NAME}.aetherForge`, 1, 600, { operation: 'getJob', jobId: '={{ $json.ids }}', options: { requestsPerSecond: 1_000_000 } }, { credentials }),
			node(
				'HTTP Request',
				'n8n-nodes-base.httpRequest',
				4.2,
				600,
				{ url: `=${jobsUrl}/{{ $json.ids }}`, authentication: 'predefinedCredentialType', nodeCredentialType: 'aetherForgeApi', options: {} },
				{ credentials },
			),
		],
		connections: {
			Start: { main: [[{ node: 'Job IDs', type: 'main', index: 0 }]] },
			'Job IDs': { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: 'Get Job', type: 'main', index: 0 }, { node: 'HTTP Request', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/**
 * The same requests one after another with `fetch`, on a thread of its own: a warm-up round,
 * then each round's wall time.
 */
async function bareLoop(rounds) {
	const code = `
		const { parentPort, workerData } = require('node:worker_threads');
		const { rounds, jobsUrl, apiKey } = workerData;
		const loop = async (ids) => {
			const started = Date.now();
			for (const id of ids) await (await fetch(jobsUrl + '/' + id, { headers: { authorization: 'Bearer ' + apiKey } })).json();
			return Date.now() - started;
		};
		(async () => {
			await loop(rounds[0]);
			const times = [];
			for (const ids of rounds) times.push(await loop(ids));
			parentPort.postMessage(times);
		})();`;
	const worker = new Worker(code, { eval: true, workerData: { rounds, jobsUrl, apiKey } });
	try {
		return await new Promise((resolve, reject) => {
			worker.once('message', resolve);
			worker.once('error', reject);
		});
	} finally {
		await worker.terminate();
	}
}

try {
	const rounds = Array.from({ length: ROUNDS }, () => finishedJobs(ITEMS));
	const run = await runN8n({
		version,
		tarball: path.resolve(tarball),
		credentials: [credential],
		workflows: rounds.map((ids, round) => workflow(round + 1, ids)),
		batch: true,
	});
	const times = { ours: [], httpNode: [] };
	for (const execution of run.executions) {
		if (execution.status !== 'success') throw new Error(`${execution.id}: ${JSON.stringify(execution.error)}`);
		for (const [side, name] of [['ours', 'Get Job'], ['httpNode', 'HTTP Request']]) {
			const [task] = execution.nodes[name];
			const items = task.outputs[0];
			if (items.length !== ITEMS || items.some((item) => !['succeeded', 'Succeed'].includes(item.json.status))) {
				throw new Error(`${execution.id}: ${name} did not read every job`);
			}
			times[side].push(task.executionTime);
		}
	}
	const bare = await bareLoop(rounds);

	const best = (values) => Math.min(...values);
	const figures = {
		n8n: run.n8nVersion,
		bare_ms: best(bare),
		ours_ms: best(times.ours),
		http_node_ms: best(times.httpNode),
		engine_overhead_ratio: Number((best(times.ours) / best(bare)).toFixed(3)),
		http_node_ratio: Number((best(times.httpNode) / best(bare)).toFixed(3)),
	};
	console.log(`Get Job × ${ITEMS} in n8n ${run.n8nVersion}: ours ${figures.ours_ms} ms, n8n's HTTP Request node ${figures.http_node_ms} ms, bare loop ${figures.bare_ms} ms`);
	console.log(JSON.stringify(figures));
} finally {
	await sim.stop();
	if (!given) rmSync(path.dirname(tarball), { recursive: true, force: true });
}
