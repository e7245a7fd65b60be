// A tiny throwaway community package, `n8n-nodes-e2e-probe`, written as plain
// CommonJS (what `tsc` would emit), used to check the end-to-end harness itself
// before (and independently of) the real nodes of this repository.
//
//   node:        n8n-nodes-e2e-probe.e2eProbe   (class E2eProbe, dist/nodes/E2eProbe/E2eProbe.node.js)
//   credential:  e2eProbeApi                    (class E2eProbeApi, with an `authenticate` header block)
//
// The node outputs `{ hello: <message> }` and, depending on its parameters,
//   - `url`:    calls httpRequestWithAuthentication('e2eProbeApi', GET url) and returns the
//               JSON answer (used against a loopback echo server to see the auth header),
//   - `binary`: attaches a small text file as binary property `data`,
//   - `fail`:   throws a NodeOperationError (to check how failures are reported).
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const PROBE_PACKAGE = 'n8n-nodes-e2e-probe';
export const PROBE_NODE_TYPE = `${PROBE_PACKAGE}.e2eProbe`;
export const PROBE_CREDENTIAL_TYPE = 'e2eProbeApi';

const packageJson = {
	name: PROBE_PACKAGE,
	version: '0.0.1',
	description: 'Throwaway package that checks an end-to-end harness for n8n community nodes',
	keywords: ['n8n-community-node-package'],
	license: 'MIT',
	homepage: 'https://example.com/n8n-nodes-e2e-probe',
	author: { name: 'E2E probe', email: 'probe@example.com' },
	repository: { type: 'git', url: 'git+https://example.com/n8n-nodes-e2e-probe.git' },
	main: 'index.js',
	files: ['dist'],
	n8n: {
		n8nNodesApiVersion: 1,
		credentials: ['dist/credentials/E2eProbeApi.credentials.js'],
		nodes: ['dist/nodes/E2eProbe/E2eProbe.node.js'],
	},
	peerDependencies: { 'n8n-workflow': '*' },
};

const credentialJs = `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.E2eProbeApi = void 0;
class E2eProbeApi {
    constructor() {
        this.name = 'e2eProbeApi';
        this.displayName = 'E2E Probe API';
        this.documentationUrl = 'https://example.com/docs';
        this.properties = [
            { displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
            { displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://127.0.0.1:9' },
        ];
        this.authenticate = {
            type: 'generic',
            properties: {
                headers: {
                    Authorization: '=Bearer {{$credentials.apiKey}}',
                    'X-Probe-Key': '={{$credentials.apiKey}}',
                },
            },
        };
        this.test = { request: { baseURL: '={{$credentials.baseUrl}}', url: '/ping' } };
    }
}
exports.E2eProbeApi = E2eProbeApi;
`;

const nodeJs = `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.E2eProbe = void 0;
const n8n_workflow_1 = require("n8n-workflow");
class E2eProbe {
    constructor() {
        this.description = {
            displayName: 'E2E Probe',
            name: 'e2eProbe',
            icon: 'fa:vial',
            group: ['transform'],
            version: 1,
            description: 'Outputs hello world',
            defaults: { name: 'E2E Probe' },
            inputs: ['main'],
            outputs: ['main'],
            usableAsTool: true,
            credentials: [{ name: 'e2eProbeApi', required: false }],
            properties: [
                { displayName: 'Message', name: 'message', type: 'string', default: 'world' },
                { displayName: 'URL', name: 'url', type: 'string', default: '' },
                { displayName: 'Binary', name: 'binary', type: 'boolean', default: false },
                { displayName: 'Fail', name: 'fail', type: 'boolean', default: false },
            ],
        };
    }
    async execute() {
        const items = this.getInputData();
        const out = [];
        for (let i = 0; i < items.length; i++) {
            const message = this.getNodeParameter('message', i);
            const url = this.getNodeParameter('url', i);
            const binary = this.getNodeParameter('binary', i);
            const fail = this.getNodeParameter('fail', i);
            if (fail) {
                throw new n8n_workflow_1.NodeOperationError(this.getNode(), 'probe failure requested', { itemIndex: i, description: 'the fail parameter is on' });
            }
            const json = { hello: message };
            let credentials;
            try {
                credentials = await this.getCredentials('e2eProbeApi', i);
            } catch (error) {
                credentials = undefined;
                json.credentialsError = error.message;
            }
            json.hasCredentials = credentials !== undefined;
            if (credentials) json.apiKeyLength = String(credentials.apiKey ?? '').length;
            if (url) {
                json.response = await this.helpers.httpRequestWithAuthentication.call(this, 'e2eProbeApi', { method: 'GET', url, json: true });
            }
            const item = { json, pairedItem: { item: i } };
            if (binary) {
                item.binary = { data: await this.helpers.prepareBinaryData(Buffer.from('hello binary\\n', 'utf8'), 'hello.txt', 'text/plain') };
            }
            out.push(item);
        }
        return [out];
    }
}
exports.E2eProbe = E2eProbe;
`;

const indexJs = `"use strict";\n// n8n reads the "n8n" attribute of package.json, not this file.\nmodule.exports = {};\n`;

/**
 * Writes the probe package into a new temp folder (or `dir`) and packs it.
 * `packageJsonChanges` alters its package.json (e.g. `{ author: undefined }` to see the
 * scanner fail).
 * @returns {Promise<{dir: string, tarball: string}>}
 */
export async function buildProbePackage(dir, { packageJsonChanges = {} } = {}) {
	dir ??= await mkdtemp(path.join(tmpdir(), 'n8n-e2e-probe-'));
	await mkdir(path.join(dir, 'dist/nodes/E2eProbe'), { recursive: true });
	await mkdir(path.join(dir, 'dist/credentials'), { recursive: true });
	await writeFile(path.join(dir, 'package.json'), JSON.stringify(withChanges(packageJson, packageJsonChanges), null, 2) + '\n');
	await writeFile(path.join(dir, 'index.js'), indexJs);
	await writeFile(path.join(dir, 'README.md'), '# n8n-nodes-e2e-probe\n\nThrowaway package for an end-to-end harness.\n');
	await writeFile(path.join(dir, 'dist/credentials/E2eProbeApi.credentials.js'), credentialJs);
	await writeFile(path.join(dir, 'dist/nodes/E2eProbe/E2eProbe.node.js'), nodeJs);
	await writeFile(
		path.join(dir, 'dist/nodes/E2eProbe/E2eProbe.node.json'),
		JSON.stringify({ node: PROBE_NODE_TYPE, nodeVersion: '1.0', codexVersion: '1.0', categories: ['Development'] }, null, 2) + '\n',
	);
	const { stdout } = await execFileP('npm', ['pack', '--silent', '--pack-destination', dir], {
		cwd: dir,
		env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' },
	});
	const name = stdout.trim().split('\n').pop();
	return { dir, tarball: path.join(dir, name) };
}

/** Shallow changes to package.json; a value of `undefined` removes the key. */
function withChanges(base, changes) {
	const out = { ...base, ...changes };
	for (const [k, v] of Object.entries(changes)) if (v === undefined) delete out[k];
	return out;
}

/** A workflow: Manual Trigger → probe node, with the probe's parameters. */
export function probeWorkflow({ id = 'e2eProbeWf0001', name = 'E2E probe', parameters = {}, credentialId } = {}) {
	const probe = {
		id: '6f1d2c9e-0000-4000-8000-000000000002',
		name: 'Probe',
		type: PROBE_NODE_TYPE,
		typeVersion: 1,
		position: [220, 0],
		parameters: { message: 'world', ...parameters },
	};
	if (credentialId) probe.credentials = { e2eProbeApi: { id: credentialId, name: 'E2E probe credential' } };
	return {
		id,
		name,
		active: false,
		nodes: [
			{
				id: '6f1d2c9e-0000-4000-8000-000000000001',
				name: 'When clicking ‘Execute workflow’',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			probe,
		],
		connections: {
			'When clicking ‘Execute workflow’': { main: [[{ node: 'Probe', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}
