#!/usr/bin/env node
// Refuses a release whose tag does not name package.json's version, or whose version has no
// entry in CHANGELOG.md. The publish workflow runs it before anything is built.
//   node scripts/check-release.mjs [tag]     (tag default: $GITHUB_REF_NAME), in the package folder
import { readFileSync } from 'node:fs';

// Semantic Versioning 2.0.0: MAJOR.MINOR.PATCH with an optional pre-release part.
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** The lines under `## [version] - YYYY-MM-DD` up to the next `## ` heading, or undefined. */
function changelogEntry(changelog, version) {
	const lines = changelog.split('\n');
	const escaped = version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const heading = new RegExp(`^## \\[${escaped}\\] - \\d{4}-\\d{2}-\\d{2}\\s*$`);
	const start = lines.findIndex((line) => heading.test(line));
	if (start === -1) return undefined;
	const end = lines.findIndex((line, index) => index > start && line.startsWith('## '));
	return lines.slice(start + 1, end === -1 ? undefined : end);
}

function problems(tag) {
	const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
	if (!tag) return ['no tag given: pass it as the first argument or in GITHUB_REF_NAME'];
	if (!SEMVER.test(version ?? '')) return [`package.json's version "${version}" is not a semantic version (MAJOR.MINOR.PATCH)`];
	const found = [];
	if (tag !== `v${version}`) found.push(`tag "${tag}" does not match package.json's version ${version}: tag v${version}, or change the version`);
	const entry = changelogEntry(readFileSync('CHANGELOG.md', 'utf8'), version);
	if (!entry) {
		found.push(`CHANGELOG.md has no entry "## [${version}] - YYYY-MM-DD": move the Unreleased items under it`);
	} else if (!entry.some((line) => /^\s*[-*] \S/.test(line))) {
		found.push(`CHANGELOG.md's entry for ${version} lists no change`);
	}
	return found;
}

const tag = process.argv[2] ?? process.env.GITHUB_REF_NAME;
const found = problems(tag);
if (found.length > 0) {
	for (const problem of found) console.error(`release refused: ${problem}`);
	process.exit(1);
}
console.log(`release ${tag}: package.json and CHANGELOG.md agree`);
