// A real n8n server (`n8n start`, one process, SQLite) for tests whose workflows start from a
// production webhook and wait for calls from outside (n8n's resume URLs): used by
// callback.e2e.mjs and callback-bench.mjs. Plain Node, no dependencies.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createUserFolder, engine, freePort, importCredentials, importWorkflows, installTarball, n8nCommand, n8nEnv, readSavedExecution } from './n8n-runner.mjs';

/**
 * `n8n start` on a free loopback port, with the package installed, the credentials and
 * workflows imported and the workflows activated (their production webhooks live).
 */
export async function startN8nServer({ version = '2', tarball, credentials = [], workflows = [] }) {
	const eng = engine(version);
	const userFolder = await createUserFolder();
	const port = await freePort();
	const env = n8nEnv(eng, userFolder, {
		brokerPort: await freePort(),
		extra: {
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			WEBHOOK_URL: `http://127.0.0.1:${port}/`,
			N8N_LOG_FORMAT: 'text',
			// 1.x has no such module and refuses to start with it.
			...(version === '2' ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
		},
	});
	await installTarball(userFolder, tarball);
	if (credentials.length) await importCredentials(eng, userFolder, credentials, env);
	await importWorkflows(eng, userFolder, workflows, env);
	for (const { id } of workflows) {
		const args = version === '2' ? ['publish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=true'];
		const res = await n8nCommand(eng, args, { userFolder, env });
		assert.equal(res.code, 0, `activating ${id} failed:\n${res.stdout}${res.stderr}`);
	}
	let output = '';
	const child = spawn(eng.node, [eng.bin, 'start'], { cwd: userFolder, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	for (const s of [child.stdout, child.stderr]) s.setEncoding('utf8').on('data', (d) => (output = (output + d).slice(-100_000)));
	const kill = () => {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {}
	};
	process.on('exit', kill);
	const url = `http://127.0.0.1:${port}`;
	const stop = async () => {
		process.off('exit', kill);
		kill();
		await rm(userFolder, { recursive: true, force: true }).catch(() => {});
	};
	const deadline = Date.now() + 180_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`n8n exited (${child.exitCode}):\n${output.slice(-3000)}`);
		const res = await fetch(`${url}/healthz/readiness`).catch(() => null);
		// The production webhooks are registered once the active workflows are loaded.
		if (res?.ok && /Editor is now accessible|n8n ready/i.test(output)) break;
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n did not start within 180 s:\n${output.slice(-3000)}`);
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	return {
		url,
		output: () => output,
		stop,
		/** POSTs `{ prompts }` to the production webhook at path `id`, as soon as n8n has registered it. */
		async trigger(id, prompts) {
			// n8n registers the active workflows' webhooks a moment after its editor answers.
			for (let tries = 0; ; tries++) {
				const res = await fetch(`${url}/webhook/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompts }) });
				if (res.status === 404 && tries < 60) {
					await new Promise((r) => setTimeout(r, 500));
					continue;
				}
				assert.equal(res.status, 200, `starting ${id}: ${res.status} ${await res.text()}\n${output.slice(-2000)}`);
				return;
			}
		},
		/** The newest execution of a workflow, as n8n saved it. */
		execution: async (id) => await readSavedExecution(eng, userFolder, id),
		/** Waits until the newest execution of a workflow has the status. */
		async until(id, status, timeoutMs) {
			const end = Date.now() + timeoutMs;
			for (;;) {
				const execution = await readSavedExecution(eng, userFolder, id);
				if (execution?.status === status) return execution;
				if (Date.now() > end) throw new Error(`${id}: execution is ${execution?.status ?? 'missing'}, not ${status}, after ${timeoutMs / 1000} s:\n${output.slice(-3000)}`);
				await new Promise((r) => setTimeout(r, 300));
			}
		},
	};
}
