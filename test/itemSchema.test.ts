/**
 * The harness's schema check, which every run of the suite goes through: an output item of a node
 * of ours that breaks the schema published for its action (nodes/shared/JobItem.ts) fails the
 * test with the node, the item and the field named.
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { assertOutputsMatchSchema, nodeTypeName } from './harness/engine';

const node = (parameters: IDataObject, onError?: INode['onError']): INode => ({
	id: 'node-1',
	name: 'Generate',
	type: nodeTypeName('tensorArt'),
	typeVersion: 1,
	position: [0, 0],
	parameters: parameters as INode['parameters'],
	onError,
});

const job = (fields: IDataObject = {}): IDataObject => ({
	provider: 'tensorArt',
	jobId: '881417947308949275',
	status: 'succeeded',
	done: true,
	providerStatus: 'SUCCESS',
	progress: 100,
	queue: null,
	outputs: [{ url: 'http://127.0.0.1/files/a.png', kind: 'image', format: 'png' }],
	error: null,
	cost: 2,
	createdAt: null,
	updatedAt: null,
	finishedAt: null,
	estimatedSecondsLeft: null,
	nextCheckInSeconds: null,
	workflowId: null,
	...fields,
});

const check = (operation: string, items: IDataObject[], onError?: INode['onError']) => () =>
	assertOutputsMatchSchema('the run', node({ operation }, onError), [items.map((json) => ({ json }))]);

test('a valid job item passes; a wrong field fails naming the node, the item and the field', () => {
	expect(check('waitForJob', [job(), job({ status: 'running', done: false, nextCheckInSeconds: 3 })])).not.toThrow();
	expect(check('waitForJob', [job(), job({ outputs: [{ url: 'x', kind: 'hologram' }] })])).toThrow(
		/item 1 of node "Generate" is not a valid normalized job .*field "outputs\.0\.kind"/,
	);
});

test('a field the schema does not list, and "done" that contradicts the status, are mismatches', () => {
	expect(check('getJob', [job({ seed: 7 })])).toThrow(/item 0 of node "Generate" .*field "seed": not in the schema/);
	expect(check('getJob', [job({ status: 'running' })])).toThrow(/field "done"/);
	expect(check('getJob', [job({ nextCheckInSeconds: 5 })])).toThrow(/field "nextCheckInSeconds"/);
});

test('an error item is accepted only from a node with Continue On Fail, and only in its own shape', () => {
	const failed = { error: 'Job 1 failed', errorDescription: 'Set "On Job Failure"…', httpCode: '500' };
	expect(check('createJob', [failed], 'continueRegularOutput')).not.toThrow();
	expect(check('createJob', [failed])).toThrow(/item 0 of node "Generate" is not a valid normalized job/);
	expect(check('createJob', [{ ...failed, httpCode: 500 }], 'continueErrorOutput')).toThrow(/failed item \(Continue On Fail\).*field "httpCode"/);
});

test('actions that output no job meet their own schema', () => {
	expect(check('checkParams', [{ valid: true, credits: 2 }, { valid: false, credits: null, reason: 'bad size' }])).not.toThrow();
	expect(check('checkParams', [{ valid: 'yes', credits: 2 }])).toThrow(/not a valid checkParams output .*field "valid"/);
	expect(check('uploadImage', [{ resourceId: 'r1', fileName: null, mimeType: 'image/png', fileSize: 70 }])).not.toThrow();
	expect(check('uploadImage', [{ resourceId: 'r1' }])).toThrow(/field "mimeType"/);
	expect(check('getTemplate', [{ name: 'any template', fields: [] }])).not.toThrow();
});
