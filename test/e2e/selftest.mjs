// Self-test of the end-to-end harness, independent of this repository's own nodes: a
// throwaway community package (probe-package.mjs) is packed, installed into a real n8n
// as a community package, and run headless on every installed n8n major.
//
//   node --test test/e2e/selftest.mjs                      # n8n 2.x and 1.x, in parallel
//   N8N_E2E_VERSIONS=2 node --test test/e2e/selftest.mjs   # only 2.x
//
// A version whose engine is not in the cache is skipped, unless N8N_E2E_REQUIRE=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { runN8n, engine, scanPackage, loadManifest } from './n8n-runner.mjs';
import { buildProbePackage, probeWorkflow, PROBE_CREDENTIAL_TYPE } from './probe-package.mjs';

const versions = (process.env.N8N_E2E_VERSIONS ?? '2,1').split(',').map((v) => v.trim()).filter(Boolean);
const required = process.env.N8N_E2E_REQUIRE === '1';

function available(v) {
	try {
		engine(v);
		return true;
	} catch (e) {
		if (required) throw e;
		return false;
	}
}

/** Loopback server answering every request with the headers it received. */
async function echoServer() {
	const server = createServer((req, res) => {
		res.setHeader('content-type', 'application/json');
		res.end(JSON.stringify({ path: req.url, authorization: req.headers.authorization ?? null, probeKey: req.headers['x-probe-key'] ?? null }));
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

const probe = await buildProbePackage();
const echo = await echoServer();

test.after(async () => {
	await echo.close();
	await rm(path.dirname(probe.tarball), { recursive: true, force: true });
});

const credential = {
	id: 'e2eProbeCred01',
	name: 'E2E probe credential',
	type: PROBE_CREDENTIAL_TYPE,
	data: { apiKey: 'sekret-123', baseUrl: echo.url }, // plain: import:credentials encrypts it
};

const workflows = [
	probeWorkflow({
		id: 'e2eProbeOk0001',
		credentialId: credential.id,
		parameters: { message: "={{ 'wor' + 'ld' }}", url: `${echo.url}/echo`, binary: true },
	}),
	probeWorkflow({ id: 'e2eProbeFail001', name: 'E2E probe failing', parameters: { fail: true } }),
];

function checkResults(r, { batch }) {
	const ok = r.byId.e2eProbeOk0001;
	assert.equal(ok.status, 'success', JSON.stringify(ok.error ?? ok.log));
	assert.equal(ok.mode, 'cli');
	assert.equal(ok.lastNodeExecuted, 'Probe');
	const [item] = ok.json.Probe;
	assert.equal(item.hello, 'world', 'the expression in a parameter is evaluated');
	assert.equal(item.hasCredentials, true);
	assert.equal(item.apiKeyLength, credential.data.apiKey.length);
	assert.deepEqual(
		item.response,
		{ path: '/echo', authorization: `Bearer ${credential.data.apiKey}`, probeKey: credential.data.apiKey },
		'the credential authenticate block reaches the request',
	);
	const bin = ok.binary.Probe[0].data;
	assert.equal(bin.fileName, 'hello.txt');
	assert.equal(bin.mimeType, 'text/plain');
	assert.deepEqual(ok.nodes.Probe[0].outputs[0][0].pairedItem, { item: 0 });

	const bad = r.byId.e2eProbeFail001;
	assert.equal(bad.status, 'error');
	// n8n 2.x at times ends by a signal after printing its run (exit code null): the printed run,
	// checked below, is what tells the failure, so only a success code would be wrong here.
	if (!batch) assert.notEqual(bad.exitCode, 0);
	assert.equal(bad.error.message, 'probe failure requested');
	assert.equal(bad.error.description, 'the fail parameter is on');
	assert.equal(bad.error.node, 'Probe');
	assert.equal(bad.nodes.Probe[0].error.message, 'probe failure requested');
}

test('n8n versions under test', { concurrency: true }, async (t) => {
	// The versions run side by side (each n8n process mostly uses one core).
	const runs = [];
	for (const v of versions) {
		const skip = available(v) ? false : `n8n ${v}.x is not installed (bash test/e2e/install-n8n.sh ${v})`;
		runs.push(
			t.test(`probe package on n8n ${v}.x`, { skip, timeout: 600_000 }, async (tv) => {
				for (const batch of [false, true]) {
					await tv.test(batch ? 'n8n executeBatch' : 'n8n execute', async () => {
						const t0 = Date.now();
						const r = await runN8n({ version: v, tarball: probe.tarball, credentials: [credential], workflows, batch });
						console.log(`n8n ${r.n8nVersion}${batch ? ' (batch)' : ''}: total ${Date.now() - t0} ms, ${JSON.stringify(r.timings)}`);
						checkResults(r, { batch });
					});
				}
			}),
		);
	}
	await Promise.all(runs);
});

const scannerSkip = (() => {
	try {
		return loadManifest().scanner?.installed ? false : 'the scanner is not installed (bash test/e2e/install-n8n.sh scanner)';
	} catch (e) {
		return e.message;
	}
})();

test('community package scanner runs offline on the probe package', { skip: scannerSkip }, async () => {
	const clean = await scanPackage(probe.tarball);
	console.log(`analyzePackage (probe): ${JSON.stringify(clean)}`);
	assert.equal(clean.passed, true, clean.dist.details);

	// The same package without an author: the scanner's package.json rules must catch it.
	const bad = await buildProbePackage(undefined, { packageJsonChanges: { author: undefined } });
	try {
		const result = await scanPackage(bad.tarball);
		console.log(`analyzePackage (probe without author): ${JSON.stringify(result)}`);
		assert.equal(result.passed, false);
		assert.match(result.dist.details, /@n8n\/community-nodes\/valid-author/);
	} finally {
		await rm(bad.dir, { recursive: true, force: true });
	}
});
