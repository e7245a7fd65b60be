/**
 * What `npm pack` ships (`npm pack --dry-run --json`, after `npm run build`): the built nodes
 * and credentials of package.json's `n8n` attribute with their icons and codex files, README,
 * LICENSE and package.json; nothing of the tests, the simulator or the TypeScript sources; no
 * source map; within the size budget of docs/publishing.md. Checked by rule, so a node added to
 * `n8n.nodes` is held to the same.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { ICredentialType, INodeType, INodeTypeDescription, IVersionedNodeType } from 'n8n-workflow';

const root = path.join(__dirname, '..');
/** docs/publishing.md states these: the packed (gzip) and unpacked sizes a release may reach. */
const BUDGET = { packedBytes: 250 * 1024, unpackedBytes: 1024 * 1024 };
/** Files outside dist/ that npm always packs, and the empty entry point package.json's `main` names. */
const TOP_LEVEL = ['LICENSE', 'README.md', 'package.json', 'index.js'];

interface PackResult {
	size: number;
	unpackedSize: number;
	files: Array<{ path: string; size: number }>;
}
interface PackageJson {
	name: string;
	main: string;
	license: string;
	keywords: string[];
	files: string[];
	scripts: Record<string, string>;
	dependencies?: Record<string, string>;
	peerDependencies?: Record<string, string>;
	n8n: { nodes: string[]; credentials: string[] };
}

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as PackageJson;
let packed: PackResult;
let files: Set<string>;

beforeAll(() => {
	if (!existsSync(path.join(root, 'dist'))) throw new Error('no dist/: run `npm run build` first (npm test does)');
	const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
	[packed] = JSON.parse(output) as PackResult[];
	files = new Set(packed.files.map((file) => file.path));
});

/** The icon files a description names (`file:x.svg`, or one per theme), relative to the package. */
function iconFiles(description: Pick<INodeTypeDescription, 'icon'> | Pick<ICredentialType, 'icon'>, besideFile: string): string[] {
	const icon = description.icon;
	const names = typeof icon === 'string' ? [icon] : icon ? [icon.light, icon.dark] : [];
	return names.filter((name) => name.startsWith('file:')).map((name) => path.posix.join(path.posix.dirname(besideFile), name.slice('file:'.length)));
}

/** A node file's descriptions: one, or one per version of a versioned node. */
function nodeDescriptions(file: string): INodeTypeDescription[] {
	const exported = require(path.join(root, file)) as Record<string, new () => INodeType | IVersionedNodeType>;
	const node = new (Object.values(exported)[0])();
	if ('nodeVersions' in node) return [node.description as INodeTypeDescription, ...Object.values(node.nodeVersions).map((version) => version.description)];
	return [node.description];
}

test('package.json is that of a community package n8n can verify', () => {
	expect(pkg.license).toBe('MIT');
	expect(pkg.keywords).toContain('n8n-community-node-package');
	expect(pkg.dependencies ?? {}).toEqual({});
	expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	expect(pkg.files).toEqual(['dist']);
	// n8n installs community packages with scripts off: nothing may rely on an install script.
	for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts[script]).toBeUndefined();
	expect(readFileSync(path.join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
});

test('the tarball holds README, LICENSE, package.json and dist/ only', () => {
	for (const file of ['README.md', 'LICENSE', 'package.json', pkg.main]) expect(files).toContain(file);
	const outside = [...files].filter((file) => !file.startsWith('dist/') && !TOP_LEVEL.includes(file));
	expect(outside).toEqual([]);
});

test('nothing of the tests, the simulator or the TypeScript sources is packed, and no source map', () => {
	const unwanted = [...files].filter((file) => /(^|\/)(test|simulator|harness|scripts|examples|\.build)(\/|$)|simulator|\.tsx?$|\.map$/i.test(file) && !file.endsWith('.d.ts'));
	expect(unwanted).toEqual([]);
	// A sourceMappingURL would point at a .map file that is not shipped.
	const mapped = [...files].filter((file) => file.endsWith('.js') && /sourceMappingURL=/.test(readFileSync(path.join(root, file), 'utf8')));
	expect(mapped).toEqual([]);
});

test('every compiled file comes from a source file of today (no leftovers of an older build)', () => {
	const leftovers = [...files]
		.filter((file) => file.startsWith('dist/') && file.endsWith('.js'))
		.filter((file) => !existsSync(path.join(root, file.slice('dist/'.length).replace(/\.js$/, '.ts'))));
	expect(leftovers).toEqual([]);
});

describe.each(pkg.n8n.nodes)('node %s', (file) => {
	test('is packed with its icons', () => {
		expect(files).toContain(file);
		const descriptions = nodeDescriptions(file);
		for (const description of descriptions) {
			const icons = iconFiles(description, file);
			// Every node shows an icon in the editor: one file, or one per theme.
			if (description === descriptions[0] || description.icon) expect(icons.length).toBeGreaterThan(0);
			for (const icon of icons) expect(files).toContain(icon);
		}
	});

	test('is packed with its codex file, which names its categories', () => {
		const codex = file.replace(/\.js$/, '.json');
		expect(files).toContain(codex);
		const content = JSON.parse(readFileSync(path.join(root, codex), 'utf8')) as { node?: string; categories?: string[] };
		expect(content.node).toBe(`${pkg.name}.${nodeDescriptions(file)[0].name}`);
		expect(content.categories?.length).toBeGreaterThan(0);
	});
});

describe.each(pkg.n8n.credentials)('credential %s', (file) => {
	test('is packed with its icons', () => {
		expect(files).toContain(file);
		const exported = require(path.join(root, file)) as Record<string, new () => ICredentialType>;
		const credential = new (Object.values(exported)[0])();
		for (const icon of iconFiles(credential, file)) expect(files).toContain(icon);
	});
});

test(`the tarball stays within its budget (${BUDGET.packedBytes / 1024} KiB packed, ${BUDGET.unpackedBytes / 1024} KiB unpacked)`, () => {
	expect(packed.size).toBeLessThanOrEqual(BUDGET.packedBytes);
	expect(packed.unpackedSize).toBeLessThanOrEqual(BUDGET.unpackedBytes);
});
