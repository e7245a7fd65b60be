// `npm run n8n`: a real n8n 2.x editor on http://localhost:5678 with this package installed
// into a fresh user folder as a community package, the provider simulator running, the three
// credentials the examples use created (pointing at the simulator) and the example workflows
// imported, with the addresses of real APIs in their parameters pointed at the simulator too. The instance owner is created from environment variables
// (N8N_INSTANCE_OWNER_MANAGED_BY_ENV), so there is no setup form: sign in with the e-mail
// and password printed at start and the editor opens on the examples.
//
//   node test/e2e/n8n-editor.mjs [--port 5678] [--n8n 2|1] [--queue] [--no-build] [--keep]
//     --port      editor port (default 5678, or N8N_EDITOR_PORT)
//     --n8n 1     n8n 1.x on Node 20 instead (owner created through its REST API instead)
//     --queue     n8n 2.x in queue mode: main + two workers on a private Redis and PostgreSQL
//                 (queue-cluster.mjs; install them with test/e2e/install-queue-services.sh)
//     --no-build  pack the existing dist/ without `npm run build`
//     --keep      keep the user folder when stopped (its path is printed)
//   SIMULATOR_PORT picks the simulator's port (default: a free one).
//
// Library (used by editor.e2e.mjs): `const ed = await startEditor({ port, tarball }); … await ed.stop();`
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUserFolder, engine, freePort, importCredentials, importWorkflows, installTarball, n8nEnv } from './n8n-runner.mjs';
import { PACKAGE_NAME, ROOT, examplesPointedAt, exampleCredentials, startSimulator } from './examples.mjs';
import { OWNER, bcryptHash, signIn, startQueueN8n, startServices } from './queue-cluster.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Who signs in to the local editor. Not a secret: the instance listens on this machine only. */
export const EDITOR_OWNER = OWNER;

/** Builds (unless told not to) and packs this repository into a temp folder. */
export async function packPackage({ build = true, log = () => {} } = {}) {
	if (build) {
		log('building the package (npm run build)');
		execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
	}
	const dir = await mkdtemp(path.join(tmpdir(), 'n8n-editor-pack-'));
	const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
	return { dir, tarball: path.join(dir, out.trim().split('\n').pop()) };
}

function waitForHttp(url, { timeoutMs, child, output }) {
	const deadline = Date.now() + timeoutMs;
	return new Promise((resolve, reject) => {
		const tick = async () => {
			if (child.exitCode !== null || child.signalCode !== null) {
				reject(new Error(`n8n exited (${child.exitCode ?? child.signalCode}) before it answered on ${url}:\n${output().slice(-4000)}`));
				return;
			}
			try {
				const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
				if (res.ok && /json/.test(res.headers.get('content-type') ?? '')) return resolve();
			} catch {}
			if (Date.now() > deadline) reject(new Error(`n8n did not answer on ${url} within ${timeoutMs / 1000} s:\n${output().slice(-4000)}`));
			else setTimeout(tick, 500);
		};
		void tick();
	});
}

/**
 * Starts the simulator and a real n8n editor with the package installed as a community
 * package, the examples' credentials and the example workflows.
 * @returns {Promise<{url, owner, userFolder, simulatorUrl, workflows, stop(): Promise<void>}>}
 */
export async function startEditor({ version = '2', port = 5678, tarball, keep = false, log = () => {}, simulatorPort } = {}) {
	const eng = engine(version);
	return await startWithSimulator(simulatorPort, log, async (sim, cleanups) => {

		const userFolder = await createUserFolder();
		if (!keep) cleanups.push(() => rm(userFolder, { recursive: true, force: true }));
		const env = n8nEnv(eng, userFolder, {
			brokerPort: await freePort(),
			extra: {
				N8N_PORT: String(port),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_HOST: 'localhost',
				N8N_EDITOR_BASE_URL: `http://localhost:${port}`,
				WEBHOOK_URL: `http://localhost:${port}/`,
				N8N_PERSONALIZATION_ENABLED: 'false',
				// 2.x: the owner comes from here at every start; no setup form.
				...(version === '2'
					? {
							N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
							N8N_INSTANCE_OWNER_EMAIL: EDITOR_OWNER.email,
							N8N_INSTANCE_OWNER_FIRST_NAME: EDITOR_OWNER.firstName,
							N8N_INSTANCE_OWNER_LAST_NAME: EDITOR_OWNER.lastName,
							N8N_INSTANCE_OWNER_PASSWORD_HASH: bcryptHash(eng, EDITOR_OWNER.password),
						}
					: {}),
			},
		});

		log(`installing ${path.basename(tarball)} into ${path.join(userFolder, '.n8n', 'nodes')}`);
		await installTarball(userFolder, tarball);
		const examples = examplesPointedAt(sim);
		const credentials = exampleCredentials(sim.credentials, examples);
		await importCredentials(eng, userFolder, credentials, env);
		const { names } = await importWorkflows(eng, userFolder, examples.map((e) => e.workflow), env);
		log(`imported the credentials and ${names.length} example workflows`);

		log(`starting n8n ${eng.version} on http://localhost:${port}`);
		let output = '';
		const child = spawn(eng.node, [eng.bin, 'start'], { cwd: userFolder, env: { ...env, N8N_LOG_FORMAT: 'text' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		const kill = (signal) => {
			try {
				process.kill(-child.pid, signal);
			} catch {}
		};
		const onExit = () => kill('SIGKILL');
		process.on('exit', onExit);
		cleanups.push(async () => {
			process.off('exit', onExit);
			if (child.exitCode !== null || child.signalCode !== null) return;
			const closed = new Promise((r) => child.once('close', r));
			kill('SIGTERM');
			const timer = setTimeout(() => kill('SIGKILL'), 10_000);
			await closed;
			clearTimeout(timer);
		});
		for (const s of [child.stdout, child.stderr]) s.setEncoding('utf8').on('data', (d) => (output = (output + d).slice(-200_000)));
		const url = `http://localhost:${port}`;
		// Its REST API answers once n8n is up (/healthz/readiness answers earlier, before the routes).
		await waitForHttp(`${url}/rest/settings`, { timeoutMs: 180_000, child, output: () => output });
		if (version !== '2') await setupOwnerByRest(url);
		await signIn(url); // once, so a wrong owner shows here and not in the browser
		return { url, owner: EDITOR_OWNER, userFolder, simulatorUrl: sim.server.url, credentials: credentials.map((c) => c.name), workflows: names, process: child, output: () => output };
	});
}

/** The same in queue mode: Redis, PostgreSQL, a main process and two workers. */
export async function startQueueEditor({ port = 5678, tarball, log = () => {}, simulatorPort } = {}) {
	return await startWithSimulator(simulatorPort, log, async (sim, cleanups) => {
		const services = await startServices({ log });
		cleanups.push(() => services.stop());
		const examples = examplesPointedAt(sim);
		const credentials = exampleCredentials(sim.credentials, examples);
		log('installing the package for main and each worker, importing the credentials and examples');
		const n8n = await startQueueN8n({ services, tarball, port, credentials, workflows: examples.map((e) => e.workflow), env: { EXECUTIONS_DATA_SAVE_ON_PROGRESS: 'true' }, log });
		cleanups.push(() => n8n.stop());
		return {
			url: n8n.url,
			owner: EDITOR_OWNER,
			userFolder: n8n.userFolders.join(', '),
			simulatorUrl: sim.server.url,
			credentials: credentials.map((c) => c.name),
			workflows: examples.map((e) => e.workflow.name),
			process: n8n.main.child,
			output: () => n8n.main.output(),
		};
	});
}

/** Starts the simulator, then `start(sim, cleanups)`; `stop()` undoes both, and so does a failure. */
async function startWithSimulator(simulatorPort, log, start) {
	const cleanups = [];
	const stop = async () => {
		for (const fn of cleanups.reverse()) await fn().catch(() => {});
		cleanups.length = 0;
	};
	try {
		const sim = await startSimulator({ port: simulatorPort });
		cleanups.push(() => sim.stop());
		log(`provider simulator on ${sim.server.url}`);
		return { ...(await start(sim, cleanups)), stop };
	} catch (e) {
		await stop();
		throw e;
	}
}

/** 1.x has no owner-from-environment: its owner setup form, filled in through the REST API. */
async function setupOwnerByRest(url) {
	const res = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': 'n8n-editor-script' },
		body: JSON.stringify(EDITOR_OWNER),
	});
	if (!res.ok) throw new Error(`owner setup failed: ${res.status} ${await res.text()}`);
}

// ------------------------------------------------------------------ CLI

async function main(argv) {
	const arg = (name) => {
		const i = argv.indexOf(`--${name}`);
		return i >= 0 ? argv[i + 1] : undefined;
	};
	const version = arg('n8n') ?? '2';
	const queue = argv.includes('--queue');
	if (queue && version !== '2') {
		console.error('[n8n] --queue runs n8n 2.x (leave out --n8n 1)');
		return 1;
	}
	const port = Number(arg('port') ?? process.env.N8N_EDITOR_PORT ?? 5678);
	const log = (m) => console.log(`[n8n] ${m}`);
	if (!(await freePortIs(port))) {
		console.error(`[n8n] port ${port} is taken: stop what runs there, or pick another with --port`);
		return 1;
	}
	execFileSync('bash', [path.join(HERE, 'install-n8n.sh'), version], { stdio: 'inherit' });
	if (queue) execFileSync('bash', [path.join(HERE, 'install-queue-services.sh')], { stdio: 'inherit' });
	const pack = await packPackage({ build: !argv.includes('--no-build'), log });
	let editor;
	try {
		const simulatorPort = Number(process.env.SIMULATOR_PORT ?? 0) || undefined;
		editor = queue
			? await startQueueEditor({ port, tarball: pack.tarball, log, simulatorPort })
			: await startEditor({ version, port, tarball: pack.tarball, keep: argv.includes('--keep'), log, simulatorPort });
	} finally {
		await rm(pack.dir, { recursive: true, force: true });
	}
	console.log(`
  n8n ${engine(version).version} is running${queue ? ' in queue mode (main + 2 workers, Redis, PostgreSQL)' : ''}: ${editor.url}
  Sign in with  ${editor.owner.email}  /  ${editor.owner.password}

  Community package: ${PACKAGE_NAME}. In the nodes panel (+), search "Tensor.Art", "Pixxel",
  "AetherForge", "HTTP Async Job" (the generic node; also listed under Core, beside HTTP Request)
  or "LLM Batch" (a run's items as one language-model batch).
  Credentials, pointing at the provider simulator on ${editor.simulatorUrl}:
    ${editor.credentials.join(', ')}
  Example workflows (Overview):
    ${editor.workflows.join('\n    ')}
  User folder: ${editor.userFolder}${argv.includes('--keep') ? ' (kept)' : ' (removed on exit)'}

  Press Ctrl+C to stop.`);
	await new Promise((resolve) => {
		let stopping = false;
		const stop = () => {
			if (stopping) return;
			stopping = true;
			console.log('\n[n8n] stopping');
			void editor.stop().then(resolve);
		};
		process.on('SIGINT', stop);
		process.on('SIGTERM', stop);
		editor.process.once('close', (code) => {
			if (stopping) return;
			console.error(`[n8n] n8n exited (${code}):\n${editor.output().slice(-3000)}`);
			stop();
		});
	});
	return 0;
}

async function freePortIs(port) {
	const { createServer } = await import('node:net');
	return await new Promise((resolve) => {
		const srv = createServer();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	main(process.argv.slice(2)).then(
		(code) => process.exit(code),
		(err) => {
			console.error(err?.stack ?? String(err));
			process.exit(1);
		},
	);
}
