/**
 * scripts/check-release.mjs, which the publish workflow runs first: a tag must name
 * package.json's version, and that version must have a dated CHANGELOG.md entry listing changes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '..');
const script = path.join(root, 'scripts', 'check-release.mjs');

function checkRelease(tag: string | undefined, files: { version: string; changelog: string }) {
	const dir = mkdtempSync(path.join(tmpdir(), 'release-check-'));
	writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'n8n-nodes-async-jobs', version: files.version }));
	writeFileSync(path.join(dir, 'CHANGELOG.md'), files.changelog);
	const env = { ...process.env, GITHUB_REF_NAME: '' };
	const result = spawnSync(process.execPath, [script, ...(tag === undefined ? [] : [tag])], { cwd: dir, env, encoding: 'utf8' });
	return { code: result.status, output: result.stdout + result.stderr };
}

const released = (version: string) => `# Changelog\n\n## [Unreleased]\n\n## [${version}] - 2026-12-06\n\n### Added\n- The nodes.\n\n## [0.0.9] - 2026-11-01\n\n### Fixed\n- Something.\n`;

test('a tag naming the version, with a dated entry listing changes, passes', () => {
	const { code, output } = checkRelease('v1.2.0', { version: '1.2.0', changelog: released('1.2.0') });
	expect(output).toContain('release v1.2.0: package.json and CHANGELOG.md agree');
	expect(code).toBe(0);
});

test('a tag of another version is refused, naming both', () => {
	const { code, output } = checkRelease('v1.2.1', { version: '1.2.0', changelog: released('1.2.0') });
	expect(code).toBe(1);
	expect(output).toContain('tag "v1.2.1" does not match package.json\'s version 1.2.0');
});

test('a version without a CHANGELOG.md entry is refused', () => {
	const { code, output } = checkRelease('v1.3.0', { version: '1.3.0', changelog: released('1.2.0') });
	expect(code).toBe(1);
	expect(output).toContain('CHANGELOG.md has no entry "## [1.3.0] - YYYY-MM-DD"');
});

test('an entry without a date, or listing no change, is refused', () => {
	const undated = checkRelease('v1.2.0', { version: '1.2.0', changelog: '## [1.2.0]\n\n- The nodes.\n' });
	expect(undated.code).toBe(1);
	expect(undated.output).toContain('no entry');
	const empty = checkRelease('v1.2.0', { version: '1.2.0', changelog: '## [1.2.0] - 2026-12-06\n\n### Added\n\n## [1.1.0] - 2026-11-01\n- Older.\n' });
	expect(empty.code).toBe(1);
	expect(empty.output).toContain("CHANGELOG.md's entry for 1.2.0 lists no change");
});

test('a pre-release tag matches its version; a version that is not semver is refused; no tag is refused', () => {
	expect(checkRelease('v2.0.0-rc.1', { version: '2.0.0-rc.1', changelog: released('2.0.0-rc.1') }).code).toBe(0);
	const notSemver = checkRelease('v1.2', { version: '1.2', changelog: released('1.2') });
	expect(notSemver.code).toBe(1);
	expect(notSemver.output).toContain('is not a semantic version');
	const noTag = checkRelease(undefined, { version: '1.2.0', changelog: released('1.2.0') });
	expect(noTag.code).toBe(1);
	expect(noTag.output).toContain('no tag given');
});

test("this repository's CHANGELOG.md keeps an Unreleased section, and its released entries are dated", () => {
	const changelog = readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
	expect(changelog).toMatch(/^## \[Unreleased\]$/m);
	for (const heading of changelog.match(/^## .*$/gm) ?? []) expect(heading).toMatch(/^## \[(Unreleased|\d+\.\d+\.\d+(-[\w.]+)?)\]( - \d{4}-\d{2}-\d{2})?$/);
});
