// Runs a packed community package inside a real, headless n8n (2.x on Node 24, 1.x on
// Node 20), as installed by test/e2e/install-n8n.sh. Plain Node, no dependencies.
//
// Library:
//   import { runN8n } from './n8n-runner.mjs';
//   const r = await runN8n({ version: '2', tarball: 'pkg.tgz', workflows: [wf], credentials: [cred] });
//   r.executions[0].status            // 'success' | 'error'
//   r.executions[0].json['My Node']   // output items (json) of the node's first run, output 0
//
// CLI (see `node test/e2e/n8n-runner.mjs help`):
//   node test/e2e/n8n-runner.mjs run --n8n 2 --tarball pkg.tgz --workflow wf.json [--credentials creds.json] [--batch]
//   node test/e2e/n8n-runner.mjs scan pkg.tgz [--source .]
//   node test/e2e/n8n-runner.mjs selftest [--n8n 1|2|both]
//
// What was found on n8n 2.41.1 (Node 24) and 1.123.81 (Node 20), and is relied on here:
//
// * Community packages. `.n8n/nodes/package.json` plus `npm install --legacy-peer-deps
//   --ignore-scripts --no-package-lock <pkg>.tgz` inside `$N8N_USER_FOLDER/.n8n/nodes` is
//   what n8n's own installer does. `execute`/`executeBatch` load every
//   `.n8n/nodes/node_modules/n8n-nodes-*` at start; the node types are
//   `<package name>.<node name>` (e.g. `n8n-nodes-e2e-probe.e2eProbe`), credential types
//   keep their plain name. The peer dependency `n8n-workflow` is not installed there: it
//   resolves from n8n itself. The imports do not need the package: a workflow whose node
//   type is unknown imports fine and fails only at `execute` ("Unrecognized node type: …").
//
// * Credentials for `n8n import:credentials --input=file.json`: the file must hold a JSON
//   ARRAY of `{ id, name, type, data }` (a single object is refused: "Make sure the
//   credentials are contained in an array"). `data` should be a PLAIN OBJECT, on both
//   versions: the import encrypts an object with the instance's key (2.x
//   `cipher.encryptV2(data)`, 1.x `cipher.encrypt(data)`). A STRING `data` is stored as it
//   is, as already encrypted with this instance's N8N_ENCRYPTION_KEY (what
//   `n8n export:credentials` prints without `--decrypted`); anything else imports without
//   complaint and fails only when a node reads it: `getCredentials` throws "Decrypted
//   credentials data is not valid JSON.". `id` is kept as given (any short string);
//   a workflow node refers to it as `credentials: { <credential type>: { id, name } }`.
//   n8n applies the credential type's `authenticate` block to
//   `httpRequestWithAuthentication` (checked on both versions against a loopback server).
//
// * Workflows for `n8n import:workflow --input=file.json`: one object or an array. Each
//   needs an `id` of at most 21 characters (n8n's `isWorkflowIdValid`), else `execute`
//   cannot address it. Node `id`s are filled in when missing; 2.x forces `active: false`.
//
// * Headless execution: `n8n execute --id=<id> --rawOutput`, one process per workflow
//   (~2 s on 2.x, ~1.7 s on 1.x, mostly start-up). The start node is found by type
//   (`findCliWorkflowStart`): an Execute Workflow Trigger first, else a Manual Trigger
//   (`n8n-nodes-base.manualTrigger`; 1.x also the old `n8n-nodes-base.start`; or the chat
//   trigger). The mode is 'cli'. A workflow with none fails with "Missing node to start
//   execution". The Manual Trigger emits one empty item `{}`, so the next node runs once.
//   `executeBatch` runs many in one process (see executeBatch() below for its pitfalls).
//
// * Reading the result. `execute` prints the run (`IRun`) with `JSON.stringify(run, null, 2)`
//   through the logger at level info: with N8N_LOG_FORMAT=json (both versions) it is the
//   `message` of one JSON log line (from base-command.js on success, execute.js on
//   failure); with the text format it is a bare multi-line JSON block from a line `{` to a
//   line `}`. Both are parsed here. N8N_LOG_LEVEL must stay at `info` or the run is not
//   printed. Items are `run.data.resultData.runData[node][runIndex].data.main[output][i]`
//   with `.json`, `.binary` and `.pairedItem`. Binary: 2.x keeps the bytes in its
//   filesystem store (`id: 'filesystem-v2:…'`, no `data`); 1.x (default mode) keeps them
//   inline as base64 in `.data`; both give mimeType, fileName, fileExtension, fileSize.
//   A failed run exits with code 1 and carries `run.data.resultData.error` (message,
//   description, node, name…), the failing node's task data carries `.error`, and
//   `run.status` is 'error'. Once, a successful 2.x run ended with no exit code (a signal):
//   results are judged from the printed run, not the exit code.
//
// * Failures outside a run print no run, only log lines: "Execution error:", a line of
//   "=", the message, the description, the stack. On 2.x a workflow that fails n8n's
//   pre-run check (a required parameter left empty, …) is only reported as "No active
//   execution found"; the real error ("The 'X' node has issues: - Parameter "Y" is
//   required.") is in the execution saved in the database, which is read as a fallback
//   (readSavedExecution; 1.x says only "The workflow has issues and cannot be executed").
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, writeFile, readFile, rm, readdir, stat } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const DEFAULT_CACHE = process.env.N8N_E2E_CACHE || path.join(homedir(), '.cache', 'n8n-nodes-async-jobs-e2e');
const HERE = path.dirname(fileURLToPath(import.meta.url));
const INSTALL_SCRIPT = path.join(HERE, 'install-n8n.sh');

// ------------------------------------------------------------------ engines

/** Reads the manifest written by install-n8n.sh. */
export function loadManifest(cache = DEFAULT_CACHE) {
	const file = path.join(cache, 'manifest.json');
	if (!existsSync(file)) {
		throw new Error(`no n8n cache at ${cache}: run \`bash ${path.relative(process.cwd(), INSTALL_SCRIPT)}\` first`);
	}
	return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * The node binary, n8n entry script and fixed environment of one n8n major version.
 * @param {'1'|'2'} version
 */
export function engine(version, cache = DEFAULT_CACHE) {
	const v = String(version);
	if (v !== '1' && v !== '2') throw new Error(`unknown n8n version '${version}' (use '1' or '2')`);
	const m = loadManifest(cache);
	const e = v === '2' ? m.n8n2 : m.n8n1;
	if (!e.installed || !existsSync(e.bin) || !existsSync(e.node)) {
		throw new Error(`n8n ${e.version} is not installed in ${cache}: run \`bash ${INSTALL_SCRIPT} ${v}\``);
	}
	return {
		major: v,
		version: e.version,
		node: e.node,
		bin: e.bin,
		dir: e.dir,
		// 1.x: isolated-vm has no Node 20 build, so the old in-process expression engine.
		// 2.x: its MCP server registry would be fetched from n8n's servers at start.
		env: v === '1' ? { N8N_EXPRESSION_ENGINE: 'legacy' } : { N8N_DISABLED_MODULES: 'mcp-registry' },
	};
}

/** A TCP port free on loopback right now. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/**
 * Environment for one n8n process: the caller's environment without any N8N_/DB_ settings,
 * then quiet, offline, deterministic defaults, then `extra`.
 */
export function n8nEnv(eng, userFolder, { brokerPort, extra = {} } = {}) {
	const base = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$|GENERIC_TIMEZONE$|NODE_OPTIONS$)/.test(k)) continue;
		base[k] = v;
	}
	return {
		...base,
		PATH: `${path.dirname(eng.node)}${path.delimiter}${process.env.PATH ?? ''}`,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'e2e-only-not-a-secret-0123456789',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_LOG_LEVEL: 'info', // `execute` prints the run at level info
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_FORMAT: 'json',
		...(brokerPort ? { N8N_RUNNERS_BROKER_PORT: String(brokerPort) } : {}),
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_SECURE_COOKIE: 'false',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
		DB_TYPE: 'sqlite',
		NO_COLOR: '1',
		...eng.env,
		...extra,
	};
}

// n8n runs in its own process group (it starts task-runner children); groups still alive
// when this process exits are killed, so an interrupted test leaves no n8n behind.
const liveGroups = new Set();
process.on('exit', () => {
	for (const pid of liveGroups) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {}
	}
});

/**
 * Runs one n8n command. Resolves with { code, signal, stdout, stderr, durationMs } (never
 * rejects on a non-zero exit; rejects on a timeout, after killing the process group).
 */
export function n8nCommand(eng, args, { userFolder, env, timeoutMs = 180_000, cwd } = {}) {
	return new Promise((resolve, reject) => {
		const t0 = Date.now();
		const child = spawn(eng.node, [eng.bin, ...args], {
			cwd: cwd ?? userFolder,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		liveGroups.add(child.pid);
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
		child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
		const timer = setTimeout(() => {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {}
			const err = new Error(`n8n ${args.join(' ')} timed out after ${timeoutMs} ms\n${tail(stdout + stderr)}`);
			err.stdout = stdout;
			err.stderr = stderr;
			reject(err);
		}, timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			liveGroups.delete(child.pid);
			reject(e);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			liveGroups.delete(child.pid);
			resolve({ code, signal, stdout, stderr, durationMs: Date.now() - t0 });
		});
	});
}

function tail(text, n = 40) {
	return text.trimEnd().split('\n').slice(-n).join('\n');
}

// ------------------------------------------------------------------ user folder

/** A fresh N8N_USER_FOLDER with `.n8n/nodes/package.json`, as n8n prepares it. */
export async function createUserFolder(parent = tmpdir()) {
	const dir = await mkdtemp(path.join(parent, 'n8n-e2e-user-'));
	const nodesDir = path.join(dir, '.n8n', 'nodes');
	await mkdir(nodesDir, { recursive: true });
	await writeFile(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2) + '\n',
	);
	return dir;
}

/** Installs a packed tarball into `<userFolder>/.n8n/nodes` exactly as n8n does. */
export async function installTarball(userFolder, tarball) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const abs = path.resolve(tarball);
	if (!existsSync(abs)) throw new Error(`no such tarball: ${abs}`);
	const res = await run('npm', ['install', '--legacy-peer-deps', '--ignore-scripts', '--no-package-lock', abs], {
		cwd: nodesDir,
		env: {
			...process.env,
			npm_config_loglevel: 'error',
			npm_config_update_notifier: 'false',
			npm_config_fund: 'false',
			npm_config_audit: 'false',
			npm_config_progress: 'false',
		},
	});
	if (res.code !== 0) throw new Error(`npm install ${abs} failed (${res.code}):\n${tail(res.stdout + res.stderr)}`);
	return res;
}

function run(cmd, args, opts) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
		child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

async function writeJsonInput(userFolder, name, value) {
	const file = path.join(userFolder, name);
	await writeFile(file, JSON.stringify(value, null, 2));
	return file;
}

async function loadJson(pathOrObject) {
	if (typeof pathOrObject === 'string') return JSON.parse(await readFile(pathOrObject, 'utf8'));
	return pathOrObject;
}

function checkImport(what, res) {
	const out = res.stdout + res.stderr;
	if (res.code !== 0 || /An error occurred while importing/.test(out)) {
		throw new Error(`n8n import:${what} failed (exit ${res.code}):\n${tail(logText(out))}`);
	}
}

/** Imports credentials `[{ id, name, type, data: {plain object} }]` (see the notes at the top). */
export async function importCredentials(eng, userFolder, credentials, env) {
	const list = [];
	for (const c of credentials) {
		const v = await loadJson(c);
		list.push(...(Array.isArray(v) ? v : [v]));
	}
	if (list.length === 0) return null;
	for (const c of list) {
		if (!c.id || !c.name || !c.type || c.data === undefined) {
			throw new Error(`a credential needs id, name, type and data: ${JSON.stringify(Object.keys(c))}`);
		}
	}
	const file = await writeJsonInput(userFolder, 'e2e-credentials.json', list);
	const res = await n8nCommand(eng, ['import:credentials', `--input=${file}`], { userFolder, env });
	checkImport('credentials', res);
	return res;
}

/** Imports workflows (objects or paths to JSON files holding one workflow or an array). */
export async function importWorkflows(eng, userFolder, workflows, env) {
	const list = [];
	for (const w of workflows) {
		const v = await loadJson(w);
		list.push(...(Array.isArray(v) ? v : [v]));
	}
	for (const w of list) {
		if (typeof w.id !== 'string' || w.id.length === 0 || w.id.length > 21) {
			throw new Error(`workflow "${w.name}" needs a string id of 1–21 characters (has ${JSON.stringify(w.id)})`);
		}
	}
	const file = await writeJsonInput(userFolder, 'e2e-workflows.json', list);
	const res = await n8nCommand(eng, ['import:workflow', `--input=${file}`], { userFolder, env });
	checkImport('workflow', res);
	const m = /Successfully imported (\d+) workflow/.exec(logText(res.stdout + res.stderr));
	if (!m || Number(m[1]) !== list.length) {
		throw new Error(`n8n import:workflow imported ${m ? m[1] : 'no'} of ${list.length} workflows:\n${tail(logText(res.stdout + res.stderr))}`);
	}
	return { ids: list.map((w) => w.id), names: list.map((w) => w.name), res };
}

// ------------------------------------------------------------------ output parsing

/** The log lines as plain text (JSON log lines reduced to their message). */
export function logText(output) {
	return output
		.split('\n')
		.map((line) => {
			if (!line.startsWith('{')) return line;
			try {
				const o = JSON.parse(line);
				return typeof o.message === 'string' ? o.message : o.level ? '' : line;
			} catch {
				return line;
			}
		})
		.join('\n');
}

function isRun(o) {
	return o && typeof o === 'object' && o.data && typeof o.data === 'object' && o.data.resultData;
}

/** Finds the printed IRun in `n8n execute` output (JSON log lines or a bare JSON block). */
export function findRun(output) {
	let found = null;
	const lines = output.split('\n');
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i];
		if (line.startsWith('{') && line.length > 1) {
			// one JSON log line whose message is the run
			try {
				const o = JSON.parse(line);
				if (typeof o.message === 'string' && o.message.trimStart().startsWith('{')) {
					const r = JSON.parse(o.message);
					if (isRun(r)) found = r;
				} else if (isRun(o)) found = o;
			} catch {}
		} else if (line === '{') {
			// a bare pretty-printed block: up to the next line that is exactly '}'
			for (let j = i + 1; j < lines.length; j++) {
				if (lines[j] !== '}') continue;
				try {
					const r = JSON.parse(lines.slice(i, j + 1).join('\n'));
					if (isRun(r)) {
						found = r;
						i = j;
						break;
					}
				} catch {}
			}
		}
	}
	return found;
}

function binaryMeta(binary) {
	if (!binary) return undefined;
	const out = {};
	for (const [key, b] of Object.entries(binary)) {
		const { data, ...meta } = b ?? {};
		out[key] = { ...meta, inline: typeof data === 'string' && data !== 'filesystem-v2' ? data.length : undefined };
		if (typeof data === 'string' && !b.id) out[key].base64 = data; // default (in-memory) mode keeps bytes inline
	}
	return out;
}

function simplifyError(e) {
	if (!e) return undefined;
	return {
		message: e.message,
		description: e.description ?? undefined,
		name: e.name,
		node: e.node?.name ?? e.node,
		httpCode: e.httpCode ?? undefined,
		context: e.context && Object.keys(e.context).length ? e.context : undefined,
	};
}

/**
 * Turns an IRun into { status, nodes, json, binary, error, lastNodeExecuted, ... }.
 *   nodes[name][runIndex] = { status, error, executionTime, outputs: [[{json, binary, pairedItem}]] }
 *   json[name]   = outputs[0] items' json of the node's FIRST run (convenience)
 *   binary[name] = outputs[0] items' binary metadata of the first run
 */
export function parseRun(runObj) {
	const resultData = runObj.data?.resultData ?? {};
	const nodes = {};
	const json = {};
	const binary = {};
	for (const [name, runs] of Object.entries(resultData.runData ?? {})) {
		nodes[name] = runs.map((r) => ({
			status: r.executionStatus ?? (r.error ? 'error' : 'success'),
			error: simplifyError(r.error),
			executionTime: r.executionTime,
			outputs: (r.data?.main ?? []).map((items) =>
				(items ?? []).map((it) => ({ json: it.json, binary: binaryMeta(it.binary), pairedItem: it.pairedItem })),
			),
		}));
		const first = nodes[name][0];
		json[name] = first?.outputs[0]?.map((i) => i.json) ?? [];
		binary[name] = first?.outputs[0]?.map((i) => i.binary ?? null) ?? [];
	}
	const error = simplifyError(resultData.error);
	return {
		status: runObj.status ?? (error ? 'error' : 'success'),
		finished: runObj.finished,
		mode: runObj.mode,
		startedAt: runObj.startedAt,
		stoppedAt: runObj.stoppedAt,
		lastNodeExecuted: resultData.lastNodeExecuted,
		error,
		nodes,
		json,
		binary,
	};
}

/** Runs `n8n execute --id=<id> --rawOutput` and parses what it printed. */
export async function executeWorkflow(eng, userFolder, id, env, { timeoutMs = 300_000 } = {}) {
	const res = await n8nCommand(eng, ['execute', `--id=${id}`, '--rawOutput'], { userFolder, env, timeoutMs });
	const output = res.stdout + '\n' + res.stderr;
	const runObj = findRun(res.stdout) ?? findRun(output);
	const base = { id, exitCode: res.code, signal: res.signal ?? undefined, durationMs: res.durationMs, stdout: res.stdout, stderr: res.stderr };
	if (!runObj) {
		// n8n failed before or outside the run (unknown node type, no start node, unknown id…):
		// execute.js logs "Execution error:", a line of "=", the message, the description, the stack.
		const text = logText(output);
		const lines = text.split('\n');
		let msg;
		let description;
		for (let i = lines.length - 3; i >= 0; i--) {
			if (lines[i].trim() === 'Execution error:' && /^=+$/.test(lines[i + 1].trim())) {
				msg = lines[i + 2];
				const next = lines[i + 3];
				if (next && !/^\s+at /.test(lines[i + 4] ?? '') && !/^\w*Error: /.test(next)) description = next;
				break;
			}
		}
		msg ??=
			/(The workflow with the id "[^"]+" does not exist\.)/.exec(text)?.[1] ??
			lines.filter((l) => l.trim()).pop() ??
			'no output';
		// 2.x: a workflow that fails n8n's pre-run check (a required parameter left empty…) is
		// saved as failed before `execute` waits for it, which then only says "No active
		// execution found". The saved execution in the database has the real error.
		const saved = await readSavedExecution(eng, userFolder, id).catch(() => null);
		if (saved && isRun(saved)) {
			return { ...base, ...parseRun(saved), status: 'error', printedError: msg.trim(), run: saved, source: 'database', log: tail(text, 60) };
		}
		return { ...base, status: 'error', error: { message: msg.trim(), description: description?.trim() || undefined }, nodes: {}, json: {}, binary: {}, run: null, log: tail(text, 60) };
	}
	return { ...base, ...parseRun(runObj), run: runObj, source: 'output' };
}

/**
 * Runs several workflows in one process: `n8n executeBatch --ids=a,b --retries=0`, then reads
 * each one's execution from the database (executeBatch prints only a summary; it keeps the
 * full data of failed runs nowhere else). Pitfalls of executeBatch, both versions: an id is
 * kept only if it contains a digit (`/\d+/`), failed workflows are re-run once unless
 * `--retries=0`, and each workflow is stopped after 3 minutes (not configurable).
 */
export async function executeBatch(eng, userFolder, ids, env, { timeoutMs = 900_000 } = {}) {
	for (const id of ids) if (!/\d/.test(id)) throw new Error(`executeBatch skips workflow ids without a digit: "${id}"`);
	const outFile = path.join(userFolder, 'e2e-batch-summary.json');
	const res = await n8nCommand(eng, ['executeBatch', `--ids=${ids.join(',')}`, '--retries=0', '--concurrency=1', `--output=${outFile}`], { userFolder, env, timeoutMs });
	const summary = existsSync(outFile) ? JSON.parse(await readFile(outFile, 'utf8')) : null;
	const perRun = Math.round(res.durationMs / ids.length);
	const out = [];
	for (const id of ids) {
		const base = { id, exitCode: res.code, signal: res.signal ?? undefined, durationMs: perRun, stdout: res.stdout, stderr: res.stderr, source: 'database' };
		const saved = await readSavedExecution(eng, userFolder, id).catch(() => null);
		if (saved && isRun(saved)) out.push({ ...base, ...parseRun(saved), run: saved });
		else {
			const listed = [...(summary?.summary?.errors ?? []), ...(summary?.summary?.warnings ?? [])].find((e) => e.workflowId === id);
			out.push({ ...base, status: 'error', error: { message: listed?.error ?? 'no saved execution' }, nodes: {}, json: {}, binary: {}, run: null, log: tail(logText(res.stdout + res.stderr), 60) });
		}
	}
	return out;
}

/**
 * The newest saved execution of a workflow, read from the instance's SQLite database with
 * n8n's own sqlite3 and flatted (execution data is stored in flatted form), as an IRun-like
 * object `{ status, mode, finished, data }`, or null.
 */
export async function readSavedExecution(eng, userFolder, workflowId) {
	const db = path.join(userFolder, '.n8n', 'database.sqlite');
	if (!existsSync(db)) return null;
	const script = `
const sqlite3 = require('sqlite3');
const { parse } = require('flatted');
const [db, workflowId] = process.argv.slice(1);
const conn = new sqlite3.Database(db, sqlite3.OPEN_READONLY);
conn.get(
  'SELECT e.id, e.status, e.mode, e.finished, e.startedAt, e.stoppedAt, d.data FROM execution_entity e ' +
    'JOIN execution_data d ON d.executionId = e.id WHERE e.workflowId = ? ORDER BY e.id DESC LIMIT 1',
  [workflowId],
  (err, row) => {
    if (err) { console.error(err.message); process.exit(1); }
    if (!row) { console.log('null'); return; }
    const { data, ...meta } = row;
    console.log(JSON.stringify({ ...meta, finished: !!meta.finished, data: parse(data) }));
    conn.close();
  },
);`;
	const res = await run(eng.node, ['-e', script, db, workflowId], { cwd: eng.dir, env: { ...process.env, NODE_PATH: path.join(eng.dir, 'node_modules') } });
	if (res.code !== 0) throw new Error(`reading ${db} failed: ${res.stderr}`);
	return JSON.parse(res.stdout.trim() || 'null');
}

// ------------------------------------------------------------------ the one-call API

/**
 * Installs a packed package into a fresh user folder of a real n8n, imports credentials and
 * workflows, executes workflows headless, and returns the parsed results.
 *
 * @param {object} o
 * @param {'1'|'2'} o.version        n8n major: '2' = 2.41.1 on Node 24, '1' = 1.123.81 on Node 20
 * @param {string|string[]} [o.tarball]  packed package(s) (`npm pack` output) to install
 * @param {(string|object)[]} [o.workflows]  workflow objects or JSON files (ids ≤ 21 chars)
 * @param {(string|object)[]} [o.credentials]  `{ id, name, type, data }` objects or JSON files
 * @param {string[]} [o.execute]     workflow ids to execute, in order (default: all imported)
 * @param {object} [o.env]           extra environment for every n8n command
 * @param {boolean} [o.keep]         keep the user folder (default: removed unless it failed and
 *                                    N8N_E2E_KEEP=1)
 * @param {number} [o.timeoutMs]     per execution (default 300 s; per batch when `batch`)
 * @param {boolean} [o.batch]        run all workflows in ONE `n8n executeBatch` process and read
 *                                    each result from the database (saves ~1.5–2 s of start-up
 *                                    per workflow; n8n caps each workflow at 3 minutes there)
 * @returns {Promise<{userFolder, version, n8nVersion, timings, executions: object[], byId: object}>}
 */
export async function runN8n({ version = '2', tarball, workflows = [], credentials = [], execute, env = {}, keep, timeoutMs, cache, batch = false } = {}) {
	const eng = engine(version, cache);
	const userFolder = await createUserFolder();
	const brokerPort = await freePort();
	const fullEnv = n8nEnv(eng, userFolder, { brokerPort, extra: env });
	const timings = {};
	const t = async (name, fn) => {
		const t0 = Date.now();
		try {
			return await fn();
		} finally {
			timings[name] = Date.now() - t0;
		}
	};
	let ok = false;
	try {
		for (const tb of [tarball ?? []].flat()) await t(`install ${path.basename(tb)}`, () => installTarball(userFolder, tb));
		if (credentials.length) await t('import:credentials', () => importCredentials(eng, userFolder, credentials, fullEnv));
		let ids = [];
		if (workflows.length) ids = (await t('import:workflow', () => importWorkflows(eng, userFolder, workflows, fullEnv))).ids;
		const executions = [];
		const toRun = execute ?? ids;
		if (batch && toRun.length) {
			executions.push(...(await t('executeBatch', () => executeBatch(eng, userFolder, toRun, fullEnv, { timeoutMs }))));
		} else {
			for (const id of toRun) {
				executions.push(await t(`execute ${id}`, () => executeWorkflow(eng, userFolder, id, fullEnv, { timeoutMs })));
			}
		}
		ok = executions.every((e) => e.status === 'success');
		return {
			userFolder,
			version: eng.major,
			n8nVersion: eng.version,
			brokerPort,
			timings,
			executions,
			byId: Object.fromEntries(executions.map((e) => [e.id, e])),
		};
	} finally {
		const keepIt = keep ?? (!ok && process.env.N8N_E2E_KEEP === '1');
		if (!keepIt) await rm(userFolder, { recursive: true, force: true }).catch(() => {});
	}
}

// ------------------------------------------------------------------ community package scanner

/**
 * Runs n8n's community-package scanner offline with `analyzePackage(dir, patterns)` of
 * @n8n/scan-community-package (installed in the cache by install-n8n.sh).
 *
 * The published scanner (`analyzePackageByName`, needs the internet) lints two things and
 * passes only if both pass; this does the same without downloading anything:
 *   - the tarball ("dist" leg): every .js file in it, and its `package.json`;
 *   - the source ("source" leg, when `source` is given, e.g. the repository root): its
 *     `package.json` and the .js, .ts and .json files under `nodes/` and `credentials/` — upstream this is the
 *     GitHub checkout its npm provenance points at.
 * Each leg returns `{ passed: true }` or `{ passed: false, message, details }` (details: the
 * ESLint "stylish" report). A .tgz is unpacked into a temp folder first.
 *
 * @returns {Promise<{passed: boolean, dist: object, source?: object}>}
 */
export async function scanPackage(tarballOrDir, { source, cache = DEFAULT_CACHE } = {}) {
	const scanner = await loadScanner(cache);
	let dir = path.resolve(tarballOrDir);
	let tmp;
	if ((await stat(dir)).isFile()) {
		tmp = await mkdtemp(path.join(tmpdir(), 'n8n-e2e-scan-'));
		const res = await run('tar', ['-xzf', dir, '-C', tmp], {});
		if (res.code !== 0) throw new Error(`cannot unpack ${dir}: ${res.stderr}`);
		const entries = await readdir(tmp);
		dir = path.join(tmp, entries.includes('package') ? 'package' : entries[0]);
	}
	try {
		const dist = await scanner.analyzePackage(dir, ['**/*.js', 'package.json']);
		const out = { passed: dist.passed, dist: cleanScan(dist) };
		if (source) {
			const src = await scanner.analyzePackage(path.resolve(source), scanner.SOURCE_FILE_PATTERNS ?? ['package.json', '{nodes,credentials}/**/*.{js,ts,json}']);
			out.source = cleanScan(src);
			out.passed = out.passed && src.passed;
		}
		return out;
	} finally {
		if (tmp) await rm(tmp, { recursive: true, force: true });
	}
}

function cleanScan(r) {
	const { error, ...rest } = r ?? {};
	return error ? { ...rest, error: String(error?.stack ?? error) } : rest;
}

async function loadScanner(cache) {
	const m = loadManifest(cache);
	if (!m.scanner?.installed) throw new Error(`the scanner is not installed: run \`bash ${INSTALL_SCRIPT} scanner\``);
	const file = path.join(m.scanner.dir, 'node_modules', '@n8n', 'scan-community-package', 'scanner', 'scanner.mjs');
	if (!existsSync(file)) throw new Error(`no ${file}: has @n8n/scan-community-package changed its layout?`);
	const mod = await import(pathToFileURL(file).href);
	if (typeof mod.analyzePackage !== 'function') throw new Error(`analyzePackage is not exported by ${file}`);
	return mod;
}

// ------------------------------------------------------------------ CLI

function parseArgs(argv) {
	const out = { _: [] };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (!a.startsWith('--')) {
			out._.push(a);
			continue;
		}
		const [k, inline] = a.slice(2).split(/=(.*)/s);
		const v = inline ?? (argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'true');
		(out[k] ??= []).push(v);
	}
	return out;
}

const HELP = `usage:
  node test/e2e/n8n-runner.mjs run --n8n 1|2 [--tarball pkg.tgz]... --workflow wf.json... \\
        [--credentials creds.json]... [--execute id]... [--env K=V]... [--batch] [--keep] [--raw]
      installs, imports, executes; prints one JSON object per execution (status, error, json per node);
      exits 1 when an execution did not succeed
  node test/e2e/n8n-runner.mjs scan <pkg.tgz|dir> [--source repoDir]
      n8n's community-package scanner, offline (tarball leg; with --source also the source leg)
  node test/e2e/n8n-runner.mjs selftest [--n8n 1|2|both]  probe package end to end (see selftest.mjs)
  cache: $N8N_E2E_CACHE or ~/.cache/n8n-nodes-async-jobs-e2e (install with test/e2e/install-n8n.sh)`;

async function cli(argv) {
	const args = parseArgs(argv);
	const cmd = args._[0];
	if (cmd === 'run') {
		const env = Object.fromEntries((args.env ?? []).map((kv) => kv.split(/=(.*)/s).slice(0, 2)));
		const res = await runN8n({
			version: args.n8n?.[0] ?? '2',
			tarball: args.tarball ?? [],
			workflows: args.workflow ?? [],
			credentials: args.credentials ?? [],
			execute: args.execute,
			env,
			keep: args.keep ? true : undefined,
			batch: Boolean(args.batch),
		});
		for (const e of res.executions) {
			const { stdout, stderr, run: raw, ...rest } = e;
			console.log(JSON.stringify(args.raw ? { ...rest, run: raw } : rest, null, 2));
		}
		console.error(`n8n ${res.n8nVersion}: ${JSON.stringify(res.timings)}${args.keep ? `; user folder ${res.userFolder}` : ''}`);
		return res.executions.every((e) => e.status === 'success') ? 0 : 1;
	}
	if (cmd === 'scan') {
		if (!args._[1]) throw new Error('scan needs a tarball or folder');
		const result = await scanPackage(args._[1], { source: args.source?.[0] });
		for (const leg of ['dist', 'source']) {
			if (result[leg]?.details) console.error(`--- ${leg}:\n${result[leg].details}`);
		}
		console.log(JSON.stringify({ ...result, dist: { ...result.dist, details: undefined }, source: result.source && { ...result.source, details: undefined } }, null, 2));
		return result.passed ? 0 : 1;
	}
	if (cmd === 'selftest') {
		const which = args.n8n?.[0] ?? 'both';
		const versions = which === 'both' ? '2,1' : which;
		const child = spawn(process.execPath, ['--test', path.join(HERE, 'selftest.mjs')], {
			stdio: 'inherit',
			env: { ...process.env, N8N_E2E_VERSIONS: versions },
		});
		return await new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
	}
	console.log(HELP);
	return cmd === 'help' || cmd === undefined ? 0 : 2;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	cli(process.argv.slice(2)).then(
		(code) => process.exit(code),
		(err) => {
			console.error(err?.stack ?? String(err));
			process.exit(2);
		},
	);
}
