// Row 5 of the bench (Download Outputs of a 1 GiB file) in a real, headless n8n (as installed by
// test/e2e/install-n8n.sh), with n8n's default binary data mode of that version: the packed
// package installed as n8n installs a community package, a stored Tensor.Art credential, and the
// provider simulator in this process making the file's bytes as it sends them. The n8n process's
// RSS is read from /proc every 20 ms: its growth is the peak after the node's first request to
// the simulator over the last reading before it; the same for the n8n process with its child
// processes (n8n 2.x's task runners). The stored file's size is checked.
//
//   npm run bench:n8n:download [-- --n8n 1]     (after `npm run e2e:install`; packs dist/ as it is)
//   node test/e2e/download-memory.mjs pkg.tgz [--n8n 2|1] [--mib 1024] [--binary-mode database] [--node-options '…']
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runN8n } from './n8n-runner.mjs';
import { PACKAGE_NAME, ROOT, startSimulator } from './examples.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const given = args.find((arg) => arg.endsWith('.tgz'));
const tarball = given ?? packed();
const version = option('--n8n', '2');
const size = Number(option('--mib', '1024')) * 1024 * 1024;
// n8n's N8N_DEFAULT_BINARY_DATA_MODE; unset, the version's default (filesystem on 2.x).
const binaryMode = option('--binary-mode', undefined);
// Node options for the n8n process (e.g. `--max-semi-space-size=1`), to see how V8 settings move the figure.
const nodeOptions = option('--node-options', undefined);
const WORKFLOW_ID = 'downloadMemory1';

function packed() {
	const folder = mkdtempSync(path.join(tmpdir(), 'n8n-download-'));
	const output = execFileSync('npm', ['pack', '--silent', '--pack-destination', folder], { cwd: ROOT, encoding: 'utf8' });
	return path.join(folder, output.trim().split('\n').pop());
}

/** A size as n8n's `fileSize` writes it (pretty-bytes: 1073741824 → "1.07 GB"). */
function prettySize(bytes) {
	const [unit, power] = bytes >= 1e9 ? ['GB', 1e9] : bytes >= 1e6 ? ['MB', 1e6] : ['kB', 1e3];
	return `${Number((bytes / power).toPrecision(3))} ${unit}`;
}

/** The n8n process executing our workflow (the largest, should n8n's start script run it in a child), or undefined while there is none. */
function n8nPid() {
	let found;
	for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
		try {
			if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`--id=${WORKFLOW_ID}`) && (!found || rssOf(pid) > rssOf(found))) found = pid;
		} catch {
			// The process ended between the listing and the read.
		}
	}
	return found;
}

/** A process's RSS in bytes (0 once it has ended). */
function rssOf(pid) {
	try {
		const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return kb ? Number(kb[1]) * 1024 : 0;
	} catch {
		return 0;
	}
}

/** The pids of a process's children and their children (n8n 2.x starts task runners). */
function descendants(pid) {
	const children = [];
	for (const task of readdirSyncSafe(`/proc/${pid}/task`)) {
		for (const child of readFileSyncSafe(`/proc/${pid}/task/${task}/children`).split(' ').filter(Boolean)) children.push(child, ...descendants(child));
	}
	return children;
}
const readdirSyncSafe = (dir) => { try { return readdirSync(dir); } catch { return []; } };
const readFileSyncSafe = (file) => { try { return readFileSync(file, 'utf8'); } catch { return ''; } };

const sim = await startSimulator();
sim.tensorArt.jobs.defaultScript = { queueMs: 0, runMs: 0, outcome: 'succeeded', outputCount: 1 };
const job = sim.tensorArt.addJob('990000000000000001', sim.server.clock.now());
job.extra.outputUrls.push(sim.server.addGeneratedFile('output.mp4', size, 'video/mp4'));
const credential = { id: 'tamsDownload', name: 'Tensor.Art (simulator)', type: 'tensorArtApi', data: { ...sim.credentials.tensorArtApi } };
const workflow = {
	id: WORKFLOW_ID,
	name: 'Download a large output',
	nodes: [
		{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'get',
			name: 'Get Job',
			type: `${PACKAGE_NAME}.tensorArt`,
			typeVersion: 1,
			position: [220, 0],
			parameters: { resource: 'job', operation: 'getJob', jobId: job.id, options: { downloadOutputs: true } },
			credentials: { tensorArtApi: { id: credential.id, name: credential.name } },
		},
	],
	connections: { Start: { main: [[{ node: 'Get Job', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

const samples = [];
const sampler = setInterval(() => {
	const pid = n8nPid();
	if (pid === undefined) return;
	const rss = rssOf(pid);
	if (rss > 0) samples.push({ at: Date.now(), rss, tree: rss + descendants(pid).reduce((sum, child) => sum + rssOf(child), 0) });
}, 20);
try {
	const env = { ...(binaryMode ? { N8N_DEFAULT_BINARY_DATA_MODE: binaryMode } : {}), ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) };
	const run = await runN8n({ version, tarball: path.resolve(tarball), credentials: [credential], workflows: [workflow], env, timeoutMs: 600_000 });
	clearInterval(sampler);
	const [execution] = run.executions;
	if (execution.status !== 'success') throw new Error(`${execution.id} ended ${execution.status}: ${JSON.stringify(execution.error ?? execution).slice(0, 3000)}`);
	const binary = execution.nodes['Get Job'][0].outputs[0][0].binary?.data;
	const firstRequest = sim.server.log.find((entry) => entry.prefix === '/tams');
	const before = samples.filter((sample) => sample.at <= firstRequest.at).pop();
	const after = samples.filter((sample) => sample.at >= firstRequest.at);
	const peak = Math.max(...after.map((sample) => sample.rss));
	const treePeak = Math.max(...after.map((sample) => sample.tree));
	const figures = {
		n8n: run.n8nVersion,
		binary_mode: binaryMode ?? 'default',
		file_mib: size / 1024 / 1024,
		stored_bytes: binary?.bytes ?? null,
		stored_size: binary?.fileSize ?? null,
		rss_before_mb: Math.round(before.rss / 1024 / 1024),
		rss_peak_mb: Math.round(peak / 1024 / 1024),
		download_rss_growth_mb: Math.round((peak - before.rss) / 1024 / 1024),
		tree_rss_before_mb: Math.round(before.tree / 1024 / 1024),
		tree_rss_peak_mb: Math.round(treePeak / 1024 / 1024),
		tree_rss_growth_mb: Math.round((treePeak - before.tree) / 1024 / 1024),
		// n8n's child processes alone (its task runner), over the whole run: the same whatever the download.
		children_rss_peak_mb: Math.round(Math.max(...samples.map((sample) => sample.tree - sample.rss)) / 1024 / 1024),
	};
	// n8n 1.x gives only the rounded `fileSize` ("1.07 GB"), 2.x also the exact `bytes`.
	if (binary?.bytes !== undefined ? binary.bytes !== size : binary?.fileSize !== prettySize(size)) {
		throw new Error(`the stored file is ${binary?.bytes ?? binary?.fileSize}, not ${size} bytes`);
	}
	console.log(
		`Download Outputs of ${figures.file_mib} MiB in n8n ${run.n8nVersion}: RSS ${figures.rss_before_mb} → ${figures.rss_peak_mb} MB (growth ${figures.download_rss_growth_mb} MB); ` +
			`with its child processes ${figures.tree_rss_before_mb} → ${figures.tree_rss_peak_mb} MB (growth ${figures.tree_rss_growth_mb} MB; the children alone peak at ${figures.children_rss_peak_mb} MB); stored ${figures.stored_size}`,
	);
	console.log(JSON.stringify(figures));
} finally {
	clearInterval(sampler);
	await sim.stop();
	if (!given) rmSync(path.dirname(tarball), { recursive: true, force: true });
}
