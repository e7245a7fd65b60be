// Smoke test of the packed package (N8N_E2E_TARBALL, made by test/e2e/run.sh) in a real n8n:
//   - n8n's community-package scanner passes on the tarball and on the source;
//   - n8n's own lint (`n8n-node lint`, @n8n/node-cli) passes on the tarball with its sources;
//   - a dry run of the publish steps: `npm publish --dry-run` lists what `npm pack` packs, and
//     the scanner passes on that tarball (`--provenance` needs GitHub's OIDC token: CI only);
//   - on every n8n version under test, each node listed in package.json's `n8n.nodes`
//     is loaded as a community node (`<package>.<node>`) and runs inside a workflow
//     (Manual Trigger → node with default parameters, placeholders for its always-shown
//     required ones, and a dummy credential). The node may fail for want of a real provider
//     (or stop at n8n's parameter check); it must not be unknown to n8n, nor its credential.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runN8n, engine, scanPackage } from './n8n-runner.mjs';
import { lintWithNodeCli } from './n8n-node-lint.mjs';
import { assertExecutionMatchesSchema } from './itemSchema.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tarball = process.env.N8N_E2E_TARBALL;
const versions = (process.env.N8N_E2E_VERSIONS ?? '2,1').split(',').map((v) => v.trim()).filter(Boolean);
const noTarball = tarball ? false : 'N8N_E2E_TARBALL is not set (run test/e2e/run.sh)';

/** Unpacks the tarball and reads each node's name, version and credentials. */
async function describePackage(tgz) {
	const dir = await mkdtemp(path.join(tmpdir(), 'n8n-e2e-pkg-'));
	execFileSync('tar', ['-xzf', tgz, '-C', dir]);
	const pkgDir = path.join(dir, 'package');
	// n8n-workflow comes from n8n at run time; here from this repository's devDependencies.
	await symlink(path.join(ROOT, 'node_modules'), path.join(pkgDir, 'node_modules'), 'dir');
	const pkg = JSON.parse(await readFile(path.join(pkgDir, 'package.json'), 'utf8'));
	const req = createRequire(path.join(pkgDir, 'package.json'));
	const nodes = [];
	for (const file of pkg.n8n?.nodes ?? []) {
		const mod = req(path.join(pkgDir, file));
		const className = path.basename(file).replace(/\.node\.js$/, '');
		const Cls = mod[className] ?? Object.values(mod).find((v) => typeof v === 'function');
		const inst = new Cls();
		const d = inst.description;
		const version = d.defaultVersion ?? Math.max(...[d.version].flat());
		const desc = inst.nodeVersions?.[version]?.description ?? d;
		nodes.push({
			file,
			name: d.name,
			displayName: d.displayName,
			version,
			credentials: (desc.credentials ?? []).map((c) => c.name),
			parameters: requiredTopLevel(desc.properties ?? []),
		});
	}
	return { dir, pkg, nodes };
}

/** Placeholder values for required parameters shown whatever else is set (no displayOptions). */
function requiredTopLevel(properties) {
	const out = {};
	for (const p of properties) {
		if (!p.required || p.displayOptions) continue;
		if (p.type === 'string') out[p.name] = 'e2e';
		else if (p.type === 'options' && p.options?.length) out[p.name] = p.options[0].value;
	}
	return out;
}

test('the packed package passes the community-package scanner', { skip: noTarball }, async () => {
	const result = await scanPackage(tarball, { source: ROOT });
	for (const leg of ['dist', 'source']) if (result[leg]?.details) console.log(`${leg}:\n${result[leg].details}`);
	assert.equal(result.dist.passed, true, 'tarball leg');
	assert.equal(result.source.passed, true, 'source leg');
});

test("n8n's own lint (n8n-node lint) passes on the packed package and the sources of its dist/", { skip: noTarball, timeout: 300_000 }, async () => {
	const result = await lintWithNodeCli(tarball, { source: ROOT });
	assert.equal(result.passed, true, result.output);
	// The same lint fails on a planted violation, so it did read the node sources.
	const planted = await lintWithNodeCli(tarball, { source: ROOT, extraFiles: { 'nodes/Planted.ts': 'export const planted = () => console.log("x");\n' } });
	assert.equal(planted.passed, false, 'a console.log in nodes/ fails n8n-node lint');
	assert.match(planted.output, /Planted\.ts[\s\S]*no-console/);
});

test('a dry run of the publish steps: npm publish --dry-run, npm pack, the scanner on its tarball', { timeout: 300_000 }, async (t) => {
	const out = await mkdtemp(path.join(tmpdir(), 'n8n-e2e-publish-'));
	t.after(() => rm(out, { recursive: true, force: true }));
	const npm = (args) => JSON.parse(execFileSync('npm', [...args, '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
	const published = npm(['publish', '--dry-run', '--access', 'public']);
	const [packed] = npm(['pack', '--pack-destination', out]);
	const listing = (entry) => entry.files.map((f) => f.path).sort();
	const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
	assert.deepEqual(listing(published[pkg.name] ?? published), listing(packed), 'npm publish would ship what npm pack packs');
	for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) assert.ok(listing(packed).includes(file), `${file} is packed`);
	const result = await scanPackage(path.join(out, packed.filename), { source: ROOT });
	if (result.dist?.details) console.log(result.dist.details);
	assert.equal(result.passed, true, 'the scanner passes on the tarball npm publish would upload');
});

test('every node of the package loads and runs in n8n', { skip: noTarball, concurrency: true }, async (t) => {
	const { dir, pkg, nodes } = await describePackage(tarball);
	t.after(() => rm(dir, { recursive: true, force: true }));
	assert.ok(nodes.length > 0, 'package.json n8n.nodes lists at least one node');

	const credentialTypes = [...new Set(nodes.flatMap((n) => n.credentials))];
	const credentials = credentialTypes.map((type, i) => ({
		id: `e2eSmokeCred${String(i).padStart(2, '0')}`,
		name: `E2E ${type}`,
		type,
		data: { apiKey: 'e2e-dummy', baseUrl: 'http://127.0.0.1:9' },
	}));
	const workflows = nodes.map((n, i) => {
		const node = {
			id: `00000000-0000-4000-8000-${String(i + 2).padStart(12, '0')}`,
			name: n.displayName,
			type: `${pkg.name}.${n.name}`,
			typeVersion: n.version,
			position: [220, 0],
			parameters: n.parameters,
		};
		if (n.credentials.length) {
			node.credentials = Object.fromEntries(
				n.credentials.map((type) => {
					const c = credentials.find((x) => x.type === type);
					return [type, { id: c.id, name: c.name }];
				}),
			);
		}
		return {
			id: `e2eSmoke${String(i).padStart(4, '0')}`,
			name: `smoke ${n.name}`,
			active: false,
			nodes: [
				{ id: '00000000-0000-4000-8000-000000000001', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				node,
			],
			connections: { Manual: { main: [[{ node: n.displayName, type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		};
	});

	// The versions run side by side (each n8n process mostly uses one core).
	const runs = [];
	for (const v of versions) {
		runs.push(t.test(`n8n ${v}.x`, { timeout: 600_000, skip: (() => { try { engine(v); return false; } catch (e) { return e.message; } })() }, async () => {
			const r = await runN8n({ version: v, tarball, credentials, workflows, timeoutMs: 120_000 });
			console.log(`n8n ${r.n8nVersion}: ${JSON.stringify(r.timings)}`);
			nodes.forEach((n, i) => {
				const e = r.byId[workflows[i].id];
				const what = `${n.name} on n8n ${r.n8nVersion}: ${JSON.stringify(e.error ?? null)}`;
				assert.doesNotMatch(e.error?.message ?? '', /Unrecognized node type|Unrecognized credential type|is not known/i, what);
				// It ran, or n8n checked its parameters against its description (so knows it).
				const ran = Boolean(e.nodes[n.displayName]);
				assert.ok(ran || e.error?.name === 'WorkflowHasIssuesError', `the node ran: ${what}`);
				assertExecutionMatchesSchema(`${n.name} on n8n ${r.n8nVersion}`, workflows[i], e);
				console.log(`  ${n.name} v${n.version}: ${ran ? 'ran' : 'checked'}, ${e.status}${e.error ? ` (${e.error.message})` : ''} in ${e.durationMs} ms`);
			});
		}));
	}
	await Promise.all(runs);
});
