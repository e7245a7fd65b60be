// n8n's own lint, `n8n-node lint` from @n8n/node-cli (installed by install-n8n.sh node-cli), on a
// packed package. The lint reads TypeScript sources (n8n's configuration lints `**/*.ts` and
// package.json, and ignores dist/), while the tarball holds only the compiled dist/: so the
// tarball is unpacked and the sources its dist/ is built from (nodes/, credentials/,
// tsconfig.json) are laid beside it, with n8n's default eslint.config.mjs, as a package made by
// `npm create @n8n/node` has it.
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_CACHE, loadManifest } from './n8n-runner.mjs';

const SHIPPED_SOURCES = ['nodes', 'credentials', 'tsconfig.json'];

function run(cmd, args, cwd) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd, env: { ...process.env, CI: 'true', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.setEncoding('utf8').on('data', (d) => (output += d));
		child.stderr.setEncoding('utf8').on('data', (d) => (output += d));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, output }));
	});
}

/**
 * Runs `n8n-node lint` on the tarball with the sources of `source`; `{ passed, output }`.
 * `extraFiles` ({ relative path: text }) are added to the sources (a test's planted violation).
 */
export async function lintWithNodeCli(tarball, { source, extraFiles = {}, cache = DEFAULT_CACHE } = {}) {
	const { nodeCli } = loadManifest(cache);
	const cliDir = nodeCli?.installed ? path.join(nodeCli.dir, 'node_modules', '@n8n', 'node-cli') : undefined;
	if (!cliDir || !existsSync(cliDir)) throw new Error('@n8n/node-cli is not installed: run `bash test/e2e/install-n8n.sh node-cli`');
	const dir = await mkdtemp(path.join(tmpdir(), 'n8n-e2e-node-lint-'));
	try {
		const unpacked = await run('tar', ['-xzf', tarball, '-C', dir], dir);
		if (unpacked.code !== 0) throw new Error(`cannot unpack ${tarball}: ${unpacked.output}`);
		const pkgDir = path.join(dir, 'package');
		for (const name of SHIPPED_SOURCES) await cp(path.join(source, name), path.join(pkgDir, name), { recursive: true });
		for (const [name, text] of Object.entries(extraFiles)) await writeFile(path.join(pkgDir, name), text);
		const template = path.join(cliDir, 'dist', 'template', 'templates', 'shared', 'default', 'eslint.config.mjs');
		await writeFile(path.join(pkgDir, 'eslint.config.mjs'), await readFile(template, 'utf8'));
		// eslint, n8n's configuration and the imports it resolves (n8n-workflow, zod) come from the CLI's install.
		await symlink(path.join(nodeCli.dir, 'node_modules'), path.join(pkgDir, 'node_modules'), 'dir');
		const { code, output } = await run(process.execPath, [path.join(cliDir, 'bin', 'n8n-node.mjs'), 'lint'], pkgDir);
		return { passed: code === 0, output };
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}
