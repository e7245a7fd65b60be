// The n8n editor (2.x, then 1.x), in headless Chromium (Debian's `chromium`, driven by playwright-core):
// the packed package is installed as a community package (as `npm run n8n` does, see
// n8n-editor.mjs), a person signs in, adds each node of the package to a canvas from the
// nodes panel, and sees its actions and its icon. The screenshot of that canvas is saved as
// docs/editor.png (for the README; from 2.x). Then every example `npm run n8n` imports is run
// from the editor's "Execute workflow" button (the scheduled Tensor.Art one starts at its Schedule Trigger).
//
//   bash test/e2e/run.sh                    # with the other end-to-end tests
//   N8N_E2E_TARBALL=pkg.tgz node --test test/e2e/editor.e2e.mjs
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium; test/e2e/install-chromium.sh installs
// it), N8N_E2E_SCREENSHOT (default docs/editor.png; "0" to not write it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { engine, freePort } from './n8n-runner.mjs';
import { PACKAGE_NAME, ROOT, loadExamples } from './examples.mjs';
import { assertOutputsMatchSchema } from './itemSchema.mjs';
import { startEditor } from './n8n-editor.mjs';

const tarball = process.env.N8N_E2E_TARBALL;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SCREENSHOT = process.env.N8N_E2E_SCREENSHOT === '0' ? null : path.resolve(ROOT, process.env.N8N_E2E_SCREENSHOT || 'docs/editor.png');
const required = process.env.N8N_E2E_REQUIRE === '1';
// The n8n versions of the editor test: N8N_E2E_EDITOR_VERSIONS, else those of all e2e tests.
// (A check once failed on 1.x under load: it read a search result's icon before the image had
// loaded. Every icon check now waits for the image to load, and passes on both versions.)
const versions = (process.env.N8N_E2E_EDITOR_VERSIONS ?? process.env.N8N_E2E_VERSIONS ?? '2,1').split(',').map((v) => v.trim());

function whySkip(v) {
	if (!tarball) return 'N8N_E2E_TARBALL is not set (run test/e2e/run.sh)';
	if (!versions.includes(v)) return `n8n ${v}.x is not under test (N8N_E2E_EDITOR_VERSIONS=${versions.join(',')})`;
	try {
		engine(v);
	} catch (e) {
		return e.message;
	}
	if (!existsSync(CHROMIUM)) {
		const msg = `no Chromium at ${CHROMIUM} (install it with test/e2e/install-chromium.sh)`;
		if (required) throw new Error(msg);
		return msg;
	}
	return false;
}

// Flags for a headless run on a machine without a display, a GPU or a user namespace sandbox.
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-dev-shm-usage',
];

/**
 * The nodes of the packed package as the editor should show them: display name, whether it
 * is a trigger, its actions (the `action` labels of its Operation options) and its icon file.
 */
async function describeNodes(tgz) {
	const dir = await mkdtemp(path.join(tmpdir(), 'n8n-editor-pkg-'));
	try {
		execFileSync('tar', ['-xzf', tgz, '-C', dir]);
		const pkgDir = path.join(dir, 'package');
		// n8n-workflow comes from n8n at run time; here from this repository's devDependencies.
		await symlink(path.join(ROOT, 'node_modules'), path.join(pkgDir, 'node_modules'), 'dir');
		const pkg = JSON.parse(await readFile(path.join(pkgDir, 'package.json'), 'utf8'));
		const req = createRequire(path.join(pkgDir, 'package.json'));
		return pkg.n8n.nodes.map((file) => {
			const mod = req(path.join(pkgDir, file));
			const Cls = Object.values(mod).find((v) => typeof v === 'function');
			const d = new Cls().description;
			const actions = d.properties
				.filter((p) => p.name === 'operation' && p.type === 'options')
				// n8n's nodes panel leaves Custom API Call out of the actions.
				.flatMap((p) => p.options.filter((o) => o.value !== '__CUSTOM_API_CALL__').map((o) => o.action ?? o.name));
			const icon = typeof d.icon === 'string' ? d.icon : d.icon?.light;
			const codex = JSON.parse(readFileSync(path.join(pkgDir, file.replace(/\.js$/, '.json')), 'utf8'));
			return {
				type: `${pkg.name}.${d.name}`,
				displayName: d.displayName,
				description: d.description,
				trigger: d.group.includes('trigger'),
				// A word of what the node is for, as a person would search for it (the first of the codex's aliases).
				purpose: codex.alias?.[0],
				// n8n shows nodes of the codex category "AI" (but for agents) only in the panel's AI section.
				aiSection: codex.categories?.includes('AI') ?? false,
				actions: [...new Set(actions)].sort(),
				// n8n serves a node's `file:` icon at /icons/<package>/<folder of the node file>/<file>
				iconPath: `/icons/${pkg.name}/${path.posix.dirname(file)}/${icon.replace(/^file:/, '')}`,
			};
		});
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

/** Waits (an icon loads after its item shows) until an <img> of the icon under `locator` has loaded. */
async function assertIcon(locator, iconPath, message) {
	await assertEventually(async () => (await loadedIcons(locator, iconPath)).length > 0, message, 15_000);
}

/** Every <img> under `locator` that shows the icon: loaded, with a size. */
async function loadedIcons(locator, iconPath) {
	return await locator.locator(`img[src$="${iconPath}"]`).evaluateAll((imgs) =>
		imgs.filter((img) => img.complete && img.naturalWidth > 0).map((img) => img.getAttribute('src')),
	);
}

// One version after the other: a browser and an editor each want a core.
for (const v of ['2', '1']) {
	test(`the n8n ${v}.x editor: each node of the package on a canvas, with its actions and icon`, { skip: whySkip(v), timeout: 600_000 }, (t) => editorTest(t, v));
}

async function editorTest(t, version) {
	const nodes = await describeNodes(tarball);
	assert.ok(nodes.length >= 4, 'the package has its nodes');

	const editor = await startEditor({ version, port: await freePort(), tarball });
	t.after(() => editor.stop());
	t.diagnostic(`n8n editor on ${editor.url}, simulator on ${editor.simulatorUrl}`);

	const { chromium } = await import('playwright-core');
	const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
	t.after(() => browser.close());
	const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
	page.setDefaultTimeout(30_000);
	const failedRequests = [];
	page.on('response', (res) => {
		if (res.url().includes('/icons/') && res.status() >= 400) failedRequests.push(`${res.status()} ${res.url()}`);
	});

	const creator = page.locator('[data-test-id=node-creator]');
	const search = page.locator('input[data-test-id=node-creator-search-bar]');
	const itemNamed = (name) => creator.locator('[data-test-id=item-iterator-item]').filter({ has: page.locator('[data-test-id=node-creator-item-name]', { hasText: new RegExp(`^\\s*${escapeRe(name)}\\s*$`) }) });
	const canvasNode = (name) => page.locator(`[data-test-id=canvas-node][data-node-name="${name}"]`);

	/** Closes the node's details (NDV) that n8n opens for a node just added, or an open panel. */
	async function backToCanvas() {
		const plus = page.locator('[data-test-id=node-creator-plus-button]');
		const open = page.locator('#app-modals [data-test-id^=ndv], [data-test-id=node-creator]');
		for (let i = 0; i < 5 && (await open.first().isVisible()); i++) {
			await page.keyboard.press('Escape');
			await open.first().waitFor({ state: 'hidden', timeout: 2000 }).catch(() => {});
		}
		await open.first().waitFor({ state: 'hidden' });
		await plus.waitFor();
	}

	/** Waits for the node's details to replace the search results (they slide, both in the DOM for a while). */
	async function detailsShown() {
		const headers = creator.locator('[data-test-id=nodes-list-header]');
		await assertEventually(async () => {
			const texts = await headers.allInnerTexts();
			return texts.length === 1 && /Node details/.test(texts[0]);
		}, 'the node details panel shows');
	}

	/** n8n's Tidy Up: each node added lands beside the last one, and five of them come to lie over each other. */
	async function tidyUp() {
		const button = page.locator('[data-test-id=tidy-up-button]');
		if (!(await button.count())) return;
		await button.click();
		await page.waitForTimeout(400);
	}

	/**
	 * Fits the canvas into the part of the window the nodes panel leaves free: tidy up, zoom to fit,
	 * zoom out until the nodes are narrow enough, then scroll the canvas to the left.
	 */
	async function fitLeftOfPanel() {
		await tidyUp();
		await page.locator('[data-test-id=node-creator-plus-button]').click();
		await search.waitFor();
		await page.waitForTimeout(800); // the panel slides in
		const panel = await creator.boundingBox();
		await backToCanvas();
		const canvas = await page.locator('[data-test-id=canvas]').boundingBox();
		const free = panel.x - canvas.x;
		await page.locator('[data-test-id=zoom-to-fit]').click();
		await page.waitForTimeout(400);
		const span = async () => {
			const boxes = await page.locator('[data-test-id=canvas-node]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.left, r.right]));
			const left = Math.min(...boxes.map((b) => b[0]));
			const right = Math.max(...boxes.map((b) => b[1]));
			return { left, right, width: right - left };
		};
		for (let i = 0; i < 6 && (await span()).width > free - 160; i++) {
			await page.locator('[data-test-id=zoom-out-button]').click();
			await page.waitForTimeout(300);
		}
		// The canvas pans on scroll: scroll until the nodes sit in the middle of the free part.
		await page.mouse.move(canvas.x + free / 2, canvas.y + 120);
		for (let i = 0; i < 5; i++) {
			const { left, right } = await span();
			const dx = canvas.x + free / 2 - (left + right) / 2;
			if (Math.abs(dx) < 20) break;
			await page.mouse.wheel(-dx, 0);
			await page.waitForTimeout(300);
		}
		const after = await span();
		t.diagnostic(`canvas fitted: free ${Math.round(free)} px, nodes ${Math.round(after.left)}–${Math.round(after.right)} px`);
	}

	await t.test('a person signs in with the owner of `npm run n8n`', async () => {
		await page.goto(`${editor.url}/signin`);
		await page.fill('input[name=emailOrLdapLoginId]', editor.owner.email);
		await page.fill('input[name=password]', editor.owner.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL((u) => !u.pathname.includes('signin'));
		await page.goto(`${editor.url}/workflow/new`);
		await page.locator('[data-test-id=canvas-plus-button]').waitFor();
	});

	const triggers = nodes.filter((n) => n.trigger);
	const actionNodes = nodes.filter((n) => !n.trigger);

	for (const node of triggers) {
		await t.test(`${node.displayName}: found among the triggers, added as the first step, icon shown`, async () => {
			// The trigger panel names a trigger node without its " Trigger" suffix.
			const shown = node.displayName.replace(/ Trigger$/, '');
			await page.locator('[data-test-id=canvas-plus-button]').click();
			await search.fill(shown);
			const item = itemNamed(shown).first();
			await item.waitFor();
			await assertIcon(item, node.iconPath, `the icon ${node.iconPath} shows in the search result`);
			await item.click();
			// Its details: a Triggers section with the one trigger, then the actions of the app.
			await detailsShown();
			await creator.locator('[data-test-id=node-creator-category-item]', { hasText: /^\s*Triggers \(1\)/ }).waitFor();
			const triggerItem = creator.locator('[data-test-id=item-iterator-item]').filter({ has: page.locator(`img[src$="${node.iconPath}"]`) }).first();
			assert.match(await triggerItem.innerText(), new RegExp(escapeRe(shown)), 'the trigger is named after the node');
			await assertIcon(triggerItem, node.iconPath, 'the icon shows beside the trigger');
			await triggerItem.click();
			await backToCanvas();
			const onCanvas = page.locator('[data-test-id=canvas-node]').filter({ has: page.locator(`img[src$="${node.iconPath}"]`) });
			await onCanvas.first().waitFor();
			assert.equal(await page.locator('[data-test-id=canvas-trigger-node]').count(), 1, 'one trigger on the canvas');
			await assertIcon(onCanvas.first(), node.iconPath, 'the icon shows on the canvas');
		});
	}

	/** The search results of the open panel: does `name` come up for `term`, in the main results or (for AI nodes) the AI section? */
	async function comesUp(term, node) {
		await search.fill(term);
		if (await itemNamed(node.displayName).first().waitFor({ timeout: 8000 }).then(() => true, () => false)) return 'search';
		if (!node.aiSection) return false;
		await search.fill('');
		await itemNamed('AI').first().click();
		await search.fill(term);
		return (await itemNamed(node.displayName).first().waitFor({ timeout: 8000 }).then(() => true, () => false)) && 'AI section';
	}
	// The two + buttons that open the nodes panel for a next step: the panel's own, and the one after a node's output.
	const plusButtons = {
		'the panel button': () => page.locator('[data-test-id=node-creator-plus-button]'),
		"the trigger's output": () => page.locator('[data-test-id=canvas-handle-plus]').first(),
	};
	// Words a person searched with for the generic node, beyond its name and first alias: it must come up in the main results.
	const moreTerms = { 'HTTP Async Job': ['async', 'job', 'Replicate'] };

	await t.test('every node comes up in the nodes panel for its name and a word of its purpose, from both + buttons', async () => {
		const missing = [];
		const found = [];
		for (const [button, locate] of Object.entries(plusButtons)) {
			for (const node of actionNodes) {
				for (const term of [node.displayName, node.purpose, ...(moreTerms[node.displayName] ?? [])]) {
					assert.ok(term, `${node.displayName} has a word of its purpose (the first alias of its codex)`);
					await backToCanvas();
					await locate().click();
					await search.waitFor();
					const where = await comesUp(term, node);
					if (!where) missing.push(`${node.displayName} for "${term}" from ${button}`);
					else if (where !== 'search' && (!node.aiSection || moreTerms[node.displayName])) missing.push(`${node.displayName} for "${term}" from ${button}: only in the ${where}`);
					else found.push(`${node.displayName} for "${term}" (${where})`);
				}
			}
		}
		await backToCanvas();
		t.diagnostic(`found: ${[...new Set(found)].join('; ')}`);
		assert.deepEqual(missing, [], 'every search finds its node');
	});

	// n8n's Core section lists the nodes of its codex subcategory Helpers, HTTP Request among them.
	await t.test('HTTP Async Job is listed beside HTTP Request, in the Core section', async () => {
		const node = actionNodes.find((n) => n.displayName === 'HTTP Async Job');
		await backToCanvas();
		await page.locator('[data-test-id=node-creator-plus-button]').click();
		await search.waitFor();
		await itemNamed('Core').first().click();
		await itemNamed('HTTP Request').first().waitFor();
		await itemNamed(node.displayName).first().waitFor();
		await assertIcon(itemNamed(node.displayName).first(), node.iconPath, 'its icon shows there');
		await backToCanvas();
	});

	const foundIn = {};
	for (const node of actionNodes) {
		await t.test(`${node.displayName}: found in the nodes panel, its actions listed, added to the canvas, icon shown`, async () => {
			await backToCanvas();
			await page.locator('[data-test-id=node-creator-plus-button]').click();
			await search.fill(node.displayName);
			let item = itemNamed(node.displayName).first();
			foundIn[node.displayName] = 'search';
			// n8n 2.x leaves nodes of the codex category "AI" out of the main search; they are
			// found by the same search inside its AI section.
			const found = await item.waitFor({ timeout: 8000 }).then(() => true, () => false);
			if (!found) {
				await search.fill('');
				await itemNamed('AI').first().click();
				await search.fill(node.displayName);
				item = itemNamed(node.displayName).first();
				foundIn[node.displayName] = 'AI section';
			}
			await item.waitFor();
			await assertIcon(item, node.iconPath, `the icon ${node.iconPath} shows in the search result`);
			// n8n shows one entry for a node and its trigger, with the trigger's description: it must fit the node too.
			if (version === '2') assert.ok((await item.innerText()).includes(node.description), `${node.displayName}: the search result shows "${node.description}"`);
			await item.click();
			await detailsShown();
			const header = creator.locator('[data-test-id=node-creator-category-item]', { hasText: /Actions \(\d+\)/ }).first();
			await header.waitFor();
			const count = Number(/Actions \((\d+)\)/.exec(await header.innerText())[1]);
			assert.equal(count, node.actions.length, `${node.displayName}: the number of actions in the editor`);
			// The search results slide out as the node's details slide in: read the list once settled.
			const actionItems = creator.locator('[data-test-id=item-iterator-item]').filter({ has: page.locator(`img[src$="${node.iconPath}"]`) });
			let listed = [];
			await assertEventually(async () => {
				listed = (await actionItems.locator('[data-test-id=node-creator-item-name]').allTextContents()).map((s) => s.trim()).sort();
				return JSON.stringify(listed) === JSON.stringify(node.actions);
			}, `${node.displayName}: the actions listed in the editor`).catch(() => {});
			assert.deepEqual(listed, node.actions, `${node.displayName}: the actions listed in the editor`);
			let withIcon = 0;
			await assertEventually(async () => {
				withIcon = await actionItems.evaluateAll(
					(items, iconPath) => items.filter((item) => [...item.querySelectorAll('img')].some((img) => img.getAttribute('src').endsWith(iconPath) && img.complete && img.naturalWidth > 0)).length,
					node.iconPath,
				);
				return withIcon === node.actions.length;
			}, 'the icon shows beside every action', 15_000).catch(() => {});
			assert.equal(withIcon, node.actions.length, 'the icon shows beside every action');
			t.diagnostic(`${node.displayName} (${foundIn[node.displayName]}): ${listed.join(', ')}`);
			// Its create action ("Create a job", "Create a batch") puts the node on the canvas with that operation.
			const createAction = node.actions.find((action) => /^Create a /.test(action));
			assert.ok(createAction, `${node.displayName} has a create action`);
			await itemNamed(createAction).first().click();
			await backToCanvas();
			const onCanvas = page.locator('[data-test-id=canvas-node]').filter({ has: page.locator(`img[src$="${node.iconPath}"]`) });
			await assertEventually(async () => (await onCanvas.count()) >= 1, `${node.displayName} is on the canvas`);
			const last = onCanvas.last();
			await assertIcon(last, node.iconPath, 'the icon shows on the canvas');
			// n8n names it after the node, or after the action for a node with resources.
			assert.match(await last.innerText(), new RegExp(`^\\s*(${escapeRe(node.displayName)}|${escapeRe(createAction)})\\d*\\s*$`, 'm'), 'named after the node or the action');
		});
	}

	// The editor's markup differs on 1.x; the issue these checks guard against was seen on 2.x.
	await t.test('the canvas names each action in words, and the details show the labels a person reads', { skip: version !== '2' && 'checked on 2.x' }, async () => {
		await backToCanvas();
		await tidyUp();
		const subtitles = { 'Tensor.Art': 'Create: Job', 'Pixxel Aurora': 'Create Job', 'AetherForge AI': 'Generate Image', 'HTTP Async Job': 'Create Job', 'LLM Batch': 'OpenAI: Create Batch' };
		const lastOnCanvas = (node) => page.locator('[data-test-id=canvas-node]').filter({ has: page.locator(`img[src$="${node.iconPath}"]`) }).last();
		for (const node of actionNodes) {
			const lines = async () => (await lastOnCanvas(node).innerText()).split('\n').map((line) => line.trim());
			await assertEventually(async () => (await lines()).includes(subtitles[node.displayName]), `${node.displayName}: the subtitle "${subtitles[node.displayName]}" on the canvas`).catch(async (error) => {
				t.diagnostic(`${node.displayName} on the canvas: ${JSON.stringify(await lines())}`);
				throw error;
			});
		}
		/** Opens the node's details; `check(parameters)` reads them; then back to the canvas. */
		const inDetails = async (node, name, check) => {
			await lastOnCanvas(node).dblclick();
			const parameters = page.locator('[data-test-id=parameter-item]');
			await parameters.first().waitFor();
			await page.waitForTimeout(500);
			if (SCREENSHOT && version === '2') await page.screenshot({ path: path.join(path.dirname(SCREENSHOT), '..', '.build', `editor-${name}.png`) }).catch(() => {});
			try {
				await check(parameters);
			} finally {
				await page.keyboard.press('Escape');
				await backToCanvas();
			}
		};
		// A label's text is its first line (the Fixed / Expression switch follows it).
		const labelsOf = async (parameters) => (await parameters.locator('label').allInnerTexts()).map((text) => text.split('\n')[0].trim());
		await inDetails(actionNodes.find((n) => n.displayName === 'Pixxel Aurora'), 'pixxel', async (parameters) => {
			// Required and empty on a new node: n8n marks the parameter as having an issue.
			const projectId = parameters.filter({ has: page.locator('label', { hasText: /^Project ID/ }) }).first();
			const operation = parameters.filter({ has: page.locator('label', { hasText: /^Operation/ }) }).first();
			const marked = async (item) => /issue/i.test(await item.evaluate((el) => el.outerHTML));
			t.diagnostic(`Pixxel labels: ${JSON.stringify(await labelsOf(parameters))}`);
			assert.ok(await marked(projectId), 'the empty, required Project ID is marked as an issue');
			assert.ok(!(await marked(operation)), 'a set Operation is not');
		});
		await inDetails(actionNodes.find((n) => n.displayName === 'Tensor.Art'), 'tensorart-wait', async (parameters) => {
			// Wait Settings unset show "No properties": the notice above them says the values in use.
			const toggle = parameters.filter({ has: page.locator('label', { hasText: /^Wait for Completion/ }) }).first();
			await toggle.locator('.el-switch, [role=switch]').first().click();
			const notice = page.getByText(/Unless changed under Wait Settings: first check after 3 s, later ones further apart, up to every 30 s, for at most 20 min/);
			await notice.first().waitFor();
			assert.ok(await notice.first().isVisible(), 'the values in use are shown above Wait Settings');
		});
		await inDetails(actionNodes.find((n) => n.displayName === 'AetherForge AI'), 'aetherforge', async (parameters) => {
			const labels = await labelsOf(parameters);
			t.diagnostic(`AetherForge labels: ${JSON.stringify(labels)}`);
			for (const label of ['AI Model', 'Reference Image Fields']) assert.ok(labels.includes(label), `the label "${label}" is shown`);
			assert.ok(!labels.some((label) => /Ai Model|Binary Propert/.test(label)), 'no "Ai Model" or "(Binary Properties)" label');
			// Every label fits the panel (n8n cuts a long one off with an ellipsis).
			const cut = await parameters.locator('label').evaluateAll((els) =>
				els.map((el) => el.querySelector('[class*="_title_"]') ?? el).filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.innerText),
			);
			assert.deepEqual(cut, [], 'no label is cut off');
		});
	});

	await t.test(`the canvas holds every node of the package${version === '2' ? '; screenshot for the README' : ''}`, async () => {
		for (const node of nodes) {
			const onCanvas = page.locator('[data-test-id=canvas-node]').filter({ has: page.locator(`img[src$="${node.iconPath}"]`) });
			assert.ok((await onCanvas.count()) >= 1, `${node.displayName} on the canvas`);
		}
		assert.deepEqual(failedRequests, [], 'every icon request answered');
		// What a person sees: the nodes on the canvas and, beside them, one node's actions.
		await fitLeftOfPanel();
		const shown = actionNodes.reduce((a, b) => (b.actions.length > a.actions.length ? b : a));
		await page.locator('[data-test-id=node-creator-plus-button]').click();
		if (foundIn[shown.displayName] !== 'search') {
			await itemNamed('AI').first().click();
		}
		await search.fill(shown.displayName);
		await itemNamed(shown.displayName).first().click();
		await creator.locator('[data-test-id=node-creator-category-item]', { hasText: /Actions \(\d+\)/ }).first().waitFor();
		await page.mouse.move(0, 0);
		await page.waitForTimeout(500); // let the panel's slide-in end
		if (SCREENSHOT && version === '2') {
			await mkdir(path.dirname(SCREENSHOT), { recursive: true });
			await page.screenshot({ path: SCREENSHOT });
			t.diagnostic(`screenshot: ${path.relative(ROOT, SCREENSHOT)}`);
		}
		await page.keyboard.press('Escape');
	});

	/** Opens the workflow, clicks "Execute workflow" and returns its execution once it has ended, read back through n8n's REST API. */
	async function runFromEditor(workflowId) {
		await page.goto(`${editor.url}/workflow/${workflowId}`);
		const run = page.locator('[data-test-id=execute-workflow-button]');
		await run.waitFor();
		await run.click();
		let execution;
		await assertEventually(async () => {
			execution = await page.evaluate(async (id) => {
				const headers = { 'browser-id': localStorage.getItem('n8n-browserId') ?? '' };
				const filter = encodeURIComponent(JSON.stringify({ workflowId: id }));
				const list = await (await fetch(`/rest/executions?filter=${filter}`, { headers })).json();
				const last = list.data.results[0];
				if (!last || !last.stoppedAt) return null;
				const exec = await (await fetch(`/rest/executions/${last.id}`, { headers })).json();
				return { mode: exec.data.mode, status: exec.data.status, data: exec.data.data };
			}, workflowId);
			return execution !== null;
		}, `${workflowId}: its execution ends`, 120_000);
		const { parse } = createRequire(path.join(engine(version).dir, 'node_modules', 'n8n', 'package.json'))('flatted');
		const data = parse(execution.data);
		return { ...execution, runData: data.resultData.runData, error: data.resultData.error };
	}

	await t.test('the scheduled Tensor.Art example, unmodified, runs from the editor', async () => {
		const execution = await runFromEditor('exTensorArtScheduled');
		for (const name of ['Every morning', 'Generate image', 'Succeeded?', 'Use the image']) {
			await canvasNode(name).locator('[data-test-id=canvas-node-status-success]').waitFor({ timeout: 60_000 });
		}
		assert.equal(await canvasNode('Handle the failure').locator('[data-test-id=canvas-node-status-success]').count(), 0, 'the failure branch did not run');
		assert.equal(execution.status, 'success');
		assert.equal(execution.mode, 'manual');
		const { runData } = execution;
		const workflow = loadExamples().find((e) => e.workflow.id === 'exTensorArtScheduled').workflow;
		assertOutputsMatchSchema('the editor run', workflow, (name) => runData[name]?.map((run) => run.data?.main ?? []));
		const [job] = runData['Generate image'][0].data.main[0];
		assert.equal(job.json.provider, 'tensorArt');
		assert.equal(job.json.status, 'succeeded');
		assert.equal(job.json.done, true);
		assert.ok(job.json.outputs[0].url.startsWith(editor.simulatorUrl), 'the image comes from the simulator');
	});

	// Every other example `npm run n8n` imports, as a person runs it: none may fail, and every job it started succeeded.
	for (const { workflow } of loadExamples().filter((e) => e.workflow.id !== 'exTensorArtScheduled')) {
		await t.test(`the example "${workflow.name}" runs from the editor`, async () => {
			const execution = await runFromEditor(workflow.id);
			assert.equal(execution.status, 'success', `${workflow.name}: ${JSON.stringify(execution.error?.message ?? execution.error)}`);
			assertOutputsMatchSchema(`the editor run of ${workflow.id}`, workflow, (name) => execution.runData[name]?.map((run) => run.data?.main ?? []));
			const jobs = workflow.nodes
				.filter((n) => n.type.startsWith(`${PACKAGE_NAME}.`))
				.flatMap((n) => (execution.runData[n.name] ?? []).flatMap((run) => (run.data?.main ?? []).flat()))
				.map((item) => item.json)
				.filter((json) => typeof json.status === 'string');
			assert.ok(jobs.length > 0, `${workflow.name}: its nodes output jobs`);
			for (const job of jobs) assert.notEqual(job.status, 'failed', `${workflow.name}: ${JSON.stringify(job.error)}`);
		});
	}
}

function escapeRe(s) {
	return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function assertEventually(fn, message, timeoutMs = 15_000) {
	const deadline = Date.now() + timeoutMs;
	while (!(await fn())) {
		if (Date.now() > deadline) assert.fail(message);
		await new Promise((r) => setTimeout(r, 200));
	}
}
