// n8n in queue mode on this machine: a private Redis and PostgreSQL (started on free loopback
// ports in temp folders, stopped by PID), a main process and workers of a real n8n 2.x, each
// with the packed package installed in its own user folder as a community package (every
// worker needs it), one encryption key, PostgreSQL as the database and binary data in the
// database (n8n's filesystem mode is not shared between processes).
//
//   const services = await startServices();
//   const n8n = await startQueueN8n({ services, tarball, credentials, workflows, publish: [id] });
//   await n8n.webhook('path', body);  await n8n.api('GET', '/rest/executions/1');
//   await n8n.stopAll();  await n8n.startAll();   // a restart of main and every worker
//   await n8n.stop();  await services.stop();
//
// Used by queue.e2e.mjs and `npm run n8n -- --queue` (n8n-editor.mjs). The Redis and PostgreSQL
// binaries come from Debian's packages (install-queue-services.sh).
import { spawn } from 'node:child_process';
import { chmod, chown, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createUserFolder, engine, freePort, importCredentials, importWorkflows, installTarball, logText, n8nEnv, parseRun } from './n8n-runner.mjs';

/** Who signs in. Not a secret: the instance listens on loopback only. */
export const OWNER = { email: 'demo@example.com', password: 'Demo-n8n-1', firstName: 'Demo', lastName: 'User' };

// Processes started here that are still alive when this process exits are killed, so a failed
// or interrupted test leaves no server behind (n8n by process group, the servers by PID).
const live = new Map();
process.on('exit', () => {
	for (const [pid, signal] of live) {
		try {
			process.kill(pid, signal);
		} catch {}
	}
});

/** A child process with its recent output, a way to wait for a line of it, and a stop by PID. */
function startProcess(name, cmd, args, { env, cwd, uid, gid, group = false, exitSignal = 'SIGKILL' } = {}) {
	const child = spawn(cmd, args, { env, cwd, uid, gid, stdio: ['ignore', 'pipe', 'pipe'], detached: group });
	const target = group ? -child.pid : child.pid;
	live.set(target, exitSignal);
	let output = '';
	const watchers = new Set();
	const onData = (d) => {
		output = (output + d).slice(-2_000_000);
		for (const w of watchers) w();
	};
	child.stdout.setEncoding('utf8').on('data', onData);
	child.stderr.setEncoding('utf8').on('data', onData);
	const closed = new Promise((resolve) =>
		child.once('close', (code, signal) => {
			live.delete(target);
			for (const w of watchers) w();
			resolve({ code, signal });
		}),
	);
	const exited = () => child.exitCode !== null || child.signalCode !== null;
	return {
		name,
		pid: child.pid,
		child,
		output: () => output,
		exited,
		/** Resolves when `pattern` shows in the output (from `from` on); rejects on exit or timeout. */
		waitFor(pattern, { timeoutMs = 120_000, from = 0 } = {}) {
			return new Promise((resolve, reject) => {
				const check = () => {
					const m = pattern.exec(output.slice(from));
					if (m) return done(null, m);
					if (exited()) done(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}:\n${tailOf(output)}`));
				};
				const timer = setTimeout(() => done(new Error(`${name} did not print ${pattern} within ${timeoutMs / 1000} s:\n${tailOf(output)}`)), timeoutMs);
				const done = (err, m) => {
					clearTimeout(timer);
					watchers.delete(check);
					err ? reject(err) : resolve(m);
				};
				watchers.add(check);
				check();
			});
		},
		/** Sends `signal`; after `graceMs` without an exit, SIGKILL. Resolves when it has exited. */
		async stop(signal = 'SIGTERM', graceMs = 20_000) {
			if (exited()) return;
			const send = (s) => {
				try {
					process.kill(target, s);
				} catch {}
			};
			send(signal);
			const timer = setTimeout(() => send('SIGKILL'), graceMs);
			await closed;
			clearTimeout(timer);
		},
	};
}

const tailOf = (text, lines = 40) => logText(text).split('\n').slice(-lines).join('\n');

// ------------------------------------------------------------------ Redis and PostgreSQL

function postgresBin() {
	const root = '/usr/lib/postgresql';
	const major = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(a) - Number(b)).pop() : undefined;
	if (!major) throw new Error('no PostgreSQL under /usr/lib/postgresql: run `bash test/e2e/install-queue-services.sh`');
	return path.join(root, major, 'bin');
}

/** As root, PostgreSQL runs as the `postgres` user (it refuses to run as root). */
async function postgresUser() {
	if (process.getuid?.() !== 0) return {};
	const { execFileSync } = await import('node:child_process');
	const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
	return { uid: id('-u'), gid: id('-g') };
}

/**
 * Starts Redis and PostgreSQL on free loopback ports, with their data in a new temp folder.
 * @returns {Promise<{redis: {port, pid}, postgres: {port, pid, database, user}, stop(): Promise<void>}>}
 */
export async function startServices({ log = () => {} } = {}) {
	const dir = await mkdtemp(path.join(tmpdir(), 'n8n-queue-services-'));
	const running = [];
	const stop = async () => {
		for (const p of running.reverse()) await p.proc.stop(p.signal, 15_000);
		running.length = 0;
		await rm(dir, { recursive: true, force: true });
	};
	try {
		const redisPort = await freePort();
		const redis = startProcess('redis-server', 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir]);
		running.push({ proc: redis, signal: 'SIGTERM' });
		await redis.waitFor(/Ready to accept connections/, { timeoutMs: 30_000 });
		log(`redis-server ${redis.pid} on 127.0.0.1:${redisPort}`);

		const bin = postgresBin();
		const user = await postgresUser();
		const pgDir = path.join(dir, 'postgres');
		await mkdir(pgDir);
		await chmod(dir, 0o755);
		if (user.uid !== undefined) await chown(pgDir, user.uid, user.gid);
		const initdb = startProcess('initdb', path.join(bin, 'initdb'), ['-D', path.join(pgDir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], { ...user, cwd: pgDir });
		const init = await new Promise((resolve) => initdb.child.once('close', resolve));
		if (init !== 0) throw new Error(`initdb failed (${init}):\n${initdb.output()}`);
		const pgPort = await freePort();
		// A test database: durability settings off (it is thrown away at the end).
		const pgArgs = ['-D', path.join(pgDir, 'data'), '-p', String(pgPort), '-k', pgDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'];
		const postgres = startProcess('postgres', path.join(bin, 'postgres'), pgArgs, { ...user, cwd: pgDir, exitSignal: 'SIGQUIT' });
		running.push({ proc: postgres, signal: 'SIGINT' }); // SIGINT: PostgreSQL's fast shutdown
		await postgres.waitFor(/database system is ready to accept connections/, { timeoutMs: 60_000 });
		log(`postgres ${postgres.pid} (PostgreSQL ${path.basename(path.dirname(bin))}) on 127.0.0.1:${pgPort}`);
		return { dir, redis: { port: redisPort, pid: redis.pid }, postgres: { port: pgPort, pid: postgres.pid, database: 'postgres', user: 'postgres' }, stop };
	} catch (e) {
		await stop();
		throw e;
	}
}

// ------------------------------------------------------------------ n8n

/** The environment that makes an n8n process part of the queue-mode instance on `services`. */
export function queueEnv(services, extra = {}) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(services.redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(services.postgres.port),
		DB_POSTGRESDB_DATABASE: services.postgres.database,
		DB_POSTGRESDB_USER: services.postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		// Manual runs from the editor go to the workers too, as production runs do.
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		...extra,
	};
}

export function bcryptHash(eng, password) {
	const bcrypt = createRequire(path.join(eng.dir, 'node_modules', 'n8n', 'package.json'))('bcryptjs');
	return bcrypt.hashSync(password, 10);
}

/**
 * A real n8n: a main process and `workers` workers in queue mode on `services` (or, with
 * `services` null, one process in regular mode on SQLite, for comparison). Credentials and
 * workflows are imported before the start; the workflows in `publish` are activated (their
 * webhooks and triggers live).
 */
export async function startQueueN8n({ version = '2', services, tarball, workers = 2, concurrency = 10, credentials = [], workflows = [], publish = [], env = {}, port, log = () => {} }) {
	const eng = engine(version);
	port ??= await freePort();
	const url = `http://localhost:${port}`;
	const shared = {
		...(services ? queueEnv(services) : {}),
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: 'localhost',
		N8N_EDITOR_BASE_URL: url,
		WEBHOOK_URL: `${url}/`,
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: OWNER.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: OWNER.lastName,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcryptHash(eng, OWNER.password),
		...env,
	};
	const roles = [{ name: 'main', args: ['start'] }];
	if (services) for (let i = 1; i <= workers; i++) roles.push({ name: `worker${i}`, args: ['worker', `--concurrency=${concurrency}`] });
	const folders = [];
	const stopFolders = () => Promise.all(folders.map((f) => rm(f, { recursive: true, force: true })));
	try {
		for (const role of roles) {
			role.userFolder = await createUserFolder();
			folders.push(role.userFolder);
			role.env = n8nEnv(eng, role.userFolder, { brokerPort: await freePort(), extra: shared });
			// Installed once, then copied: each worker has the same package in its own folder.
			const nodes = (folder) => path.join(folder, '.n8n', 'nodes');
			if (role === roles[0]) await installTarball(role.userFolder, tarball);
			else await cp(nodes(roles[0].userFolder), nodes(role.userFolder), { recursive: true });
		}
	} catch (e) {
		await stopFolders();
		throw e;
	}
	const [main] = roles;
	const startWorker = async (role) => {
		const worker = { ...startProcess(`n8n ${role.name}`, eng.node, [eng.bin, ...role.args], { env: role.env, cwd: role.userFolder, group: true }), role: role.name };
		await worker.waitFor(/n8n worker is now ready/, { timeoutMs: 180_000 });
		return worker;
	};
	const cluster = {
		url,
		version: eng.version,
		engine: eng,
		main: null,
		workers: [],
		userFolders: folders,
		cookie: null,
		/** Starts main, waits until its REST API answers, then the workers, each until ready. */
		async startAll() {
			cluster.main = startProcess('n8n main', eng.node, [eng.bin, ...main.args], { env: main.env, cwd: main.userFolder, group: true });
			await waitForHttp(`${url}/rest/settings`, cluster.main);
			cluster.workers = await Promise.all(roles.slice(1).map(startWorker));
			cluster.cookie = null;
			log(`n8n ${eng.version}: main ${cluster.main.pid}${cluster.workers.map((w) => `, ${w.role} ${w.pid}`).join('')} on ${url}`);
		},
		/** Starts again each worker that has exited (e.g. was killed). */
		async restartDeadWorkers() {
			cluster.workers = await Promise.all(cluster.workers.map((w, i) => (w.exited() ? startWorker(roles[i + 1]) : w)));
		},
		/** Stops main and every worker (SIGTERM, n8n's graceful shutdown). */
		async stopAll() {
			await Promise.all([...cluster.workers, cluster.main].filter(Boolean).map((p) => p.stop('SIGTERM', 40_000)));
		},
		async stop() {
			await cluster.stopAll();
			await stopFolders();
		},
		/** A request to n8n's REST API as the owner (signed in on first use). */
		async api(method, pathname, body) {
			if (!cluster.cookie) cluster.cookie = await signIn(url);
			const res = await fetch(url + pathname, {
				method,
				headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID, cookie: cluster.cookie },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const text = await res.text();
			if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${text.slice(0, 2000)}`);
			return JSON.parse(text).data;
		},
		/** POST to a production webhook; resolves with n8n's answer. */
		async webhook(webhookPath, body) {
			const res = await fetch(`${url}/webhook/${webhookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
			const text = await res.text();
			if (!res.ok) throw new Error(`webhook ${webhookPath}: ${res.status} ${text.slice(0, 2000)}`);
			return text ? JSON.parse(text) : null;
		},
		/** The executions of a workflow, newest first: `[{ id, status, finished, retryOf, … }]`. */
		async executions(workflowId) {
			const data = await cluster.api('GET', `/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}&limit=100`);
			return data.results;
		},
		/** One execution with its run data, parsed as n8n-runner.mjs parses a run. */
		async execution(id) {
			const e = await cluster.api('GET', `/rest/executions/${id}`);
			const { parse } = createRequire(path.join(eng.dir, 'node_modules', 'n8n', 'package.json'))('flatted');
			const data = typeof e.data === 'string' ? parse(e.data) : e.data;
			return { ...parseRun({ ...e, data }), id: e.id, status: e.status, retryOf: e.retryOf ?? null, retrySuccessId: e.retrySuccessId ?? null, data };
		},
		/** Waits until every listed execution of `workflowId` has ended (or `count` of them exist and ended). */
		async waitForExecutions(workflowId, { count, timeoutMs = 300_000 } = {}) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const list = await cluster.executions(workflowId);
				const ended = list.filter((e) => !['new', 'running', 'waiting', 'unknown'].includes(e.status));
				if (list.length >= (count ?? 1) && ended.length === list.length) return list;
				if (Date.now() > deadline) throw new Error(`executions of ${workflowId} still not ended after ${timeoutMs / 1000} s: ${JSON.stringify(list.map((e) => [e.id, e.status]))}`);
				await new Promise((r) => setTimeout(r, 500));
			}
		},
		/** The bytes of a binary property of an execution's item (database mode), through the REST API. */
		async binaryBytes(meta) {
			if (!cluster.cookie) cluster.cookie = await signIn(url);
			const res = await fetch(`${url}/rest/binary-data?id=${encodeURIComponent(meta.id)}&action=download`, { headers: { 'browser-id': BROWSER_ID, cookie: cluster.cookie } });
			if (!res.ok) throw new Error(`binary ${meta.id}: ${res.status} ${await res.text()}`);
			return Buffer.from(await res.arrayBuffer());
		},
		/** The worker whose log says it started execution `id`. */
		workerOf(id) {
			return cluster.workers.find((w) => new RegExp(`started execution ${id}\\b`).test(logText(w.output())));
		},
	};
	try {
		if (credentials.length) await importCredentials(eng, main.userFolder, credentials, main.env);
		if (workflows.length) await importWorkflows(eng, main.userFolder, workflows, main.env);
		await cluster.startAll();
		// Activated as the editor's Publish button does (it stays so across restarts).
		for (const id of publish) {
			const { versionId } = await cluster.api('GET', `/rest/workflows/${id}`);
			await cluster.api('POST', `/rest/workflows/${id}/activate`, { versionId });
		}
		return cluster;
	} catch (e) {
		await cluster.stop();
		throw e;
	}
}

/** The browser-id header n8n binds a session to; every REST call of a session sends it. */
export const BROWSER_ID = 'n8n-queue-e2e';

/** Signs in as the owner through the REST API; resolves with the session cookie. */
export async function signIn(url) {
	const res = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password }),
	});
	if (!res.ok) throw new Error(`signing in as ${OWNER.email} failed: ${res.status} ${await res.text()}`);
	const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
	if (!cookie) throw new Error('n8n set no session cookie at sign-in');
	return cookie;
}

async function waitForHttp(url, proc, timeoutMs = 180_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (proc.exited()) throw new Error(`${proc.name} exited before it answered on ${url}:\n${tailOf(proc.output())}`);
		try {
			const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
			if (res.ok && /json/.test(res.headers.get('content-type') ?? '')) return;
		} catch {}
		if (Date.now() > deadline) throw new Error(`${proc.name} did not answer on ${url} within ${timeoutMs / 1000} s:\n${tailOf(proc.output())}`);
		await new Promise((r) => setTimeout(r, 500));
	}
}
