import { generateKeyPairSync } from 'node:crypto';

import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { binaryItem, runWorkflow, testCredential } from './harness/engine';
import type { WorkflowRun } from './harness/engine';
import { chainWorkflow, singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';
import { PNG_BYTES } from './simulator/jobs';
import type { LoggedRequest } from './simulator/server';

let sim: ProviderSimulators;
beforeAll(async () => {
	sim = await startSimulators();
	sim.tensorArt.jobs.defaultScript = { queueMs: 100, runMs: 300, outcome: 'succeeded', outputCount: 1 };
});
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

/** A ComfyUI API-format text-to-image workflow, with TAMS model ids. */
const PARAMS = {
	'4': { classType: 'CheckpointLoaderSimple', inputs: { ckpt_name: '757279507095956705' } },
	'5': { classType: 'EmptyLatentImage', inputs: { width: 768, height: 512, batch_size: 1 } },
	'6': { classType: 'CLIPTextEncode', inputs: { text: 'a lighthouse on a cliff at dawn', clip: ['4', 1] } },
	'3': { classType: 'KSampler', inputs: { steps: 20, model: ['4', 0], positive: ['6', 0], latent_image: ['5', 0] } },
	'9': { classType: 'SaveImage', inputs: { images: ['3', 0] } },
};
/** What the simulator charges for PARAMS: 768×512 at 20 steps. */
const PARAMS_CREDITS = 2;

const FAST_WAIT = { pollInterval: 0.2, timeout: 0.5 };
const TEMPLATE_ID = '676018193025756628';

function withSize(width: number, height: number, batchSize = 1) {
	return { ...PARAMS, '5': { classType: 'EmptyLatentImage', inputs: { width, height, batch_size: batchSize } } };
}

const apiKeyCredentials = (): ICredentialDataDecryptedObject => sim.credentials.tensorArtApi;
const rsaCredentials = (privateKey = sim.tensorArt.testPrivateKeyPem, appId = sim.tensorArt.testAppId): ICredentialDataDecryptedObject => ({
	endpoint: 'custom',
	customUrl: sim.server.baseUrl(sim.tensorArt),
	authentication: 'rsa',
	appId,
	privateKey,
});

async function runTensorArt(
	parameters: IDataObject,
	credentials: ICredentialDataDecryptedObject = apiKeyCredentials(),
	input: { input?: IDataObject[]; inputItems?: INodeExecutionData[]; continueOnFail?: boolean } = {},
): Promise<WorkflowRun> {
	const workflow = singleNodeWorkflow('tensorArt', parameters);
	if (input.continueOnFail) workflow.nodes[0].onError = 'continueRegularOutput';
	return await runWorkflow(workflow, { credentials: { tensorArtApi: credentials }, input: input.input, inputItems: input.inputItems });
}

const tamsRequests = (method?: string, path?: RegExp): LoggedRequest[] =>
	sim.server.log.filter((entry) => entry.prefix === '/tams' && (!method || entry.method === method) && (!path || path.test(entry.path)));

const createJobParameters = (extra: IDataObject = {}): IDataObject => ({
	resource: 'job',
	operation: 'createJob',
	params: JSON.stringify(PARAMS),
	...extra,
});

describe.each([
	['API key', apiKeyCredentials, /^Bearer /],
	['RSA signature', () => rsaCredentials(), /^TAMS-SHA256-RSA app_id=tams-test-app,nonce_str=[0-9a-f]{32},timestamp=\d+,signature=/],
])('with an %s', (_name, credentials, authorizationHeader) => {
	afterEach(() => {
		// Every request of the action carried this scheme (and the simulator verified each signature).
		for (const entry of tamsRequests().filter((logged) => !logged.path.startsWith('/storage/'))) {
			expect(entry.headers.authorization).toMatch(authorizationHeader);
		}
	});

	test('Create Job, waiting for completion, outputs the images with size, format, expiry and cost; downloads are PNG binary data', async () => {
		const verifiedBefore = sim.tensorArt.verifiedSignatures;
		const { outputs, error } = await runTensorArt(
			createJobParameters({ waitForCompletion: true, waitSettings: FAST_WAIT, options: { downloadOutputs: true } }),
			credentials(),
		);
		expect(error).toBeUndefined();
		const [item] = outputs.Job;
		expect(item.json).toMatchObject({
			provider: 'tensorArt',
			status: 'succeeded',
			done: true,
			providerStatus: 'SUCCESS',
			progress: 100,
			queue: null,
			error: null,
			cost: PARAMS_CREDITS,
			estimatedSecondsLeft: null,
			nextCheckInSeconds: null,
		});
		const [output] = item.json.outputs as IDataObject[];
		expect(output).toMatchObject({ kind: 'image', format: 'png', width: 768, height: 512 });
		expect(Date.parse(output.expiresAt as string)).toBeGreaterThan(Date.now());
		expect(item.binary?.data).toMatchObject({ mimeType: 'image/png', fileExtension: 'png' });
		expect(Buffer.from(item.binary!.data.data, 'base64')).toEqual(PNG_BYTES);

		const [create] = tamsRequests('POST', /^\/v1\/jobs\/workflow$/);
		expect(JSON.parse(create.body)).toEqual({ requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), params: PARAMS });
		if (credentials().authentication === 'rsa') expect(sim.tensorArt.verifiedSignatures - verifiedBefore).toBe(tamsRequests().length);
	});

	test('Create Job From Template with field values, waiting: video outputs download as MP4 binary data', async () => {
		sim.tensorArt.jobs.nextScripts.push({ outputKind: 'video', outputCount: 2 });
		const { outputs, error } = await runTensorArt(
			{
				resource: 'job',
				operation: 'createJobFromTemplate',
				templateId: TEMPLATE_ID,
				fields: { field: [{ nodeId: '6', fieldName: 'text', fieldValue: 'a red fox' }, { nodeId: '5', fieldName: 'width', fieldValue: '640' }] },
				waitForCompletion: true,
				waitSettings: FAST_WAIT,
				options: { downloadOutputs: true, binaryPropertyName: 'video' },
			},
			credentials(),
		);
		expect(error).toBeUndefined();
		const [item] = outputs.Job;
		expect(item.json).toMatchObject({ status: 'succeeded', outputs: [{ kind: 'video', format: 'mp4', width: 640 }, { kind: 'video', format: 'mp4' }] });
		expect(item.binary?.video.mimeType).toBe('video/mp4');
		expect(item.binary?.video_1.mimeType).toBe('video/mp4');
		const [create] = tamsRequests('POST', /^\/v1\/jobs\/workflow\/template$/);
		expect(JSON.parse(create.body)).toEqual({
			requestId: expect.any(String),
			templateId: TEMPLATE_ID,
			fields: { fieldAttrs: [{ nodeId: '6', fieldName: 'text', fieldValue: 'a red fox' }, { nodeId: '5', fieldName: 'width', fieldValue: '640' }] },
		});
		const job = sim.tensorArt.jobs.jobs.get(item.json.jobId as string)!;
		expect(job.extra.params['6'].inputs?.text).toBe('a red fox');
	});

	test('Get Job keeps 64-bit ids digit for digit: two ids one apart are two different jobs', async () => {
		const now = sim.server.clock.now();
		sim.tensorArt.jobs.nextScripts.push({ queueMs: 0, runMs: 0, outcome: 'succeeded' }, { queueMs: 0, runMs: 0, outcome: 'failed', failure: { reason: 'out of memory', code: 'TRANSITORY_ERROR' } });
		sim.tensorArt.addJob('881417947308949275', now, PARAMS);
		sim.tensorArt.addJob('881417947308949276', now, PARAMS);
		const { outputs, error } = await runTensorArt({ resource: 'job', operation: 'getJob', jobId: '={{ $json.jobId }}' }, credentials(), {
			input: [{ jobId: '881417947308949275' }, { jobId: '881417947308949276' }],
		});
		expect(error).toBeUndefined();
		expect(outputs.Job.map((item) => [item.json.jobId, item.json.status])).toEqual([
			['881417947308949275', 'succeeded'],
			['881417947308949276', 'failed'],
		]);
		expect(tamsRequests('GET').map((entry) => entry.path)).toEqual(['/v1/jobs/881417947308949275', '/v1/jobs/881417947308949276']);
	});

	test('Wait For Job follows a created job to the end; a TRANSITORY_ERROR failure is retryable, a FATAL_ERROR one is not', async () => {
		const now = sim.server.clock.now();
		sim.tensorArt.jobs.nextScripts.push(
			{ outcome: 'failed', failure: { reason: 'GPU node lost', code: 'TRANSITORY_ERROR' } },
			{ outcome: 'failed', failure: { reason: 'unknown classType FooNode', code: 'FATAL_ERROR' } },
		);
		const transient = sim.tensorArt.addJob('900000000000000001', now, PARAMS);
		const fatal = sim.tensorArt.addJob('900000000000000002', now, PARAMS);
		const { outputs, error } = await runTensorArt({ resource: 'job', operation: 'waitForJob', jobId: '={{ $json.jobId }}', waitSettings: FAST_WAIT }, credentials(), {
			input: [{ jobId: transient.id }, { jobId: fatal.id }],
		});
		expect(error).toBeUndefined();
		expect(outputs.Job.map((item) => item.json)).toEqual([
			expect.objectContaining({ status: 'failed', providerStatus: 'FAILED', cost: 0, error: { message: 'GPU node lost', code: 'TRANSITORY_ERROR', retryable: true } }),
			expect.objectContaining({ status: 'failed', error: { message: 'unknown classType FooNode', code: 'FATAL_ERROR', retryable: false } }),
		]);
	});

	test('Cancel Job stops a queued job and outputs it as canceled', async () => {
		sim.tensorArt.jobs.nextScripts.push({ queueMs: 5000 });
		const job = sim.tensorArt.addJob('900000000000000010', sim.server.clock.now(), PARAMS);
		const { outputs, error } = await runTensorArt({ resource: 'job', operation: 'cancelJob', jobId: job.id }, credentials());
		expect(error).toBeUndefined();
		expect(outputs.Job[0].json).toMatchObject({ jobId: job.id, status: 'canceled', providerStatus: 'CANCELED', done: true });
		expect(tamsRequests().map((entry) => `${entry.method} ${entry.path}`)).toEqual([`DELETE /v1/jobs/${job.id}`, `GET /v1/jobs/${job.id}`]);
	});

	test('Upload Image puts the binary data into the upload slot and outputs its resourceId', async () => {
		const { outputs, error } = await runTensorArt({ resource: 'image', operation: 'uploadImage', binaryPropertyName: 'photo' }, credentials(), {
			inputItems: [binaryItem({}, { photo: { bytes: PNG_BYTES, mimeType: 'image/png', fileName: 'face.png' } })],
		});
		expect(error).toBeUndefined();
		const { resourceId } = outputs.Job[0].json as { resourceId: string };
		expect(outputs.Job[0].json).toEqual({ resourceId, fileName: 'face.png', mimeType: 'image/png', fileSize: PNG_BYTES.length });
		expect(sim.tensorArt.uploads.get(resourceId)).toMatchObject({ bytes: PNG_BYTES, contentType: 'application/octet-stream' });
		// The presigned storage URL never sees the TAMS credential.
		const [put] = tamsRequests('PUT');
		expect(put.headers.authorization).toBeUndefined();
	});

	test('Upload Image quotes a slot reply it cannot use without its signed URL or upload headers', async () => {
		const signed = { resourceId: '', putUrl: 'https://storage.example.com/up/1.png?X-Amz-Signature=s3cr3t-sig', headers: { 'x-upload-token': 'tok-s3cr3t' } };
		sim.server.injectFault({ prefix: '/tams', method: 'POST', path: /^\/v1\/resource\/image$/, times: 1, fault: { kind: 'rewrite', rewrite: () => signed } });
		const { run, error } = await runTensorArt({ resource: 'image', operation: 'uploadImage', binaryPropertyName: 'photo' }, credentials(), {
			inputItems: [binaryItem({}, { photo: { bytes: PNG_BYTES, mimeType: 'image/png', fileName: 'face.png' } })],
		});
		expect(error?.message).toBe('Tensor.Art answered the upload request without a resourceId and putUrl');
		const runText = JSON.stringify(run);
		expect(runText).toContain('[a link to storage.example.com]');
		expect(runText).not.toContain('s3cr3t');
	});

	test('a job id from a reply goes into the path encoded', async () => {
		const oddId = '9/../../v1/account?x=1';
		sim.server.injectFault({ prefix: '/tams', method: 'POST', times: 1, fault: { kind: 'rewrite', rewrite: (body) => ({ ...(body as IDataObject), job: { ...((body as IDataObject).job as IDataObject), id: oddId } }) } });
		await runTensorArt({ resource: 'job', operation: 'createJob', params: JSON.stringify(PARAMS), waitForCompletion: true, waitSettings: FAST_WAIT }, credentials());
		expect(tamsRequests('GET').map((entry) => entry.path)).toContain(`/v1/jobs/${encodeURIComponent(oddId)}`);
		expect(tamsRequests('GET', /account/)).toEqual(tamsRequests('GET', /%2F/));
	});

	test('Check Params tells valid params and their price from invalid ones, before any job exists', async () => {
		const jobsBefore = sim.tensorArt.jobs.jobs.size;
		const { outputs, error } = await runTensorArt(
			{ resource: 'job', operation: 'checkParams', params: '={{ JSON.stringify($json.params) }}' },
			credentials(),
			{ input: [{ params: PARAMS }, { params: withSize(500, 512) }] },
		);
		expect(error).toBeUndefined();
		expect(outputs.Job[0].json).toEqual({ valid: true, credits: PARAMS_CREDITS });
		expect(outputs.Job[1].json).toMatchObject({ valid: false, credits: null, reason: expect.stringContaining('multiples of 64') });
		expect(sim.tensorArt.jobs.jobs.size).toBe(jobsBefore);
	});

	test('Get Template lists the editable fields', async () => {
		const { outputs, error } = await runTensorArt({ resource: 'template', operation: 'getTemplate', templateId: TEMPLATE_ID }, credentials());
		expect(error).toBeUndefined();
		expect(outputs.Job[0].json).toMatchObject({
			templateId: TEMPLATE_ID,
			fields: { fieldAttrs: expect.arrayContaining([{ nodeId: '6', fieldName: 'text', fieldValue: 'a lighthouse' }]) },
		});
	});

	test('a create whose connection is reset after TAMS made the job is sent again with the same requestId: one job, not two', async () => {
		sim.server.injectFault({ prefix: '/tams', method: 'POST', path: /^\/v1\/jobs\/workflow$/, times: 1, fault: { kind: 'resetAfterHandling' } });
		const jobsBefore = sim.tensorArt.jobs.jobs.size;
		const { outputs, error } = await runTensorArt(createJobParameters(), credentials());
		expect(error).toBeUndefined();
		const creates = tamsRequests('POST', /^\/v1\/jobs\/workflow$/);
		expect(creates.map((entry) => entry.status)).toEqual(['reset', 200]);
		const [first, retry] = creates.map((entry) => JSON.parse(entry.body) as { requestId: string });
		expect(retry.requestId).toBe(first.requestId);
		expect(sim.tensorArt.jobs.jobs.size).toBe(jobsBefore + 1);
		expect(sim.tensorArt.jobs.jobs.get(outputs.Job[0].json.jobId as string)?.extra.requestId).toBe(first.requestId);
	});
});

describe('job states', () => {
	test('a WAITING job reports its queue position and length as numbers, and when to look again', async () => {
		const now = sim.server.clock.now();
		sim.tensorArt.jobs.nextScripts.push({ queueMs: 5000 }, { queueMs: 5000 }, { queueMs: 5000 });
		for (const id of ['910000000000000001', '910000000000000002', '910000000000000003']) sim.tensorArt.addJob(id, now, PARAMS);
		const { outputs, error } = await runTensorArt({ resource: 'job', operation: 'getJob', jobId: '910000000000000003' });
		expect(error).toBeUndefined();
		expect(outputs.Job[0].json).toMatchObject({
			status: 'queued',
			providerStatus: 'WAITING',
			done: false,
			queue: { position: 3, length: 3 },
			progress: null,
			estimatedSecondsLeft: null,
			nextCheckInSeconds: expect.any(Number),
		});
		for (const id of ['910000000000000001', '910000000000000002', '910000000000000003']) sim.tensorArt.jobs.jobs.get(id)!.canceledAt = now;
	});

	test.each([
		['DEFAULT', '950000000000000001'],
		['CREATED', '950000000000000002'],
		['PENDING', '950000000000000003'],
	])('%s counts as queued, not as an unknown status', async (providerStatus, jobId) => {
		sim.tensorArt.jobs.nextScripts.push({ queueMs: 5000, unknownStatus: providerStatus });
		const job = sim.tensorArt.addJob(jobId, sim.server.clock.now(), PARAMS);
		const { outputs } = await runTensorArt({ resource: 'job', operation: 'getJob', jobId: job.id });
		expect(outputs.Job[0].json).toMatchObject({ status: 'queued', providerStatus, done: false });
		job.canceledAt = sim.server.clock.now();
	});

	test('a RUNNING job reports its progress from runningInfo', async () => {
		sim.tensorArt.jobs.nextScripts.push({ queueMs: 0, runMs: 4000 });
		const job = sim.tensorArt.addJob('920000000000000001', sim.server.clock.now() - 1000, PARAMS);
		const { outputs } = await runTensorArt({ resource: 'job', operation: 'getJob', jobId: job.id });
		expect(outputs.Job[0].json).toMatchObject({ status: 'running', providerStatus: 'RUNNING', queue: null });
		expect(outputs.Job[0].json.progress).toBeGreaterThanOrEqual(25);
		expect(outputs.Job[0].json.progress).toBeLessThan(50);
		expect(outputs.Job[0].json.createdAt).toBe(new Date(job.createdAt).toISOString());
	});

	test('where the success lists are empty, outputs come from workflowFinishItem.nodes[*].outputUi.images', async () => {
		sim.tensorArt.jobs.nextScripts.push({ queueMs: 0, runMs: 0 });
		const job = sim.tensorArt.addJob('930000000000000001', sim.server.clock.now(), PARAMS);
		sim.server.injectFault({
			prefix: '/tams',
			method: 'GET',
			times: 1,
			fault: {
				kind: 'rewrite',
				rewrite: (body) => {
					const successInfo = (body as { job: { successInfo: IDataObject } }).job.successInfo;
					return { job: { ...(body as { job: IDataObject }).job, successInfo: { ...successInfo, images: [], videos: [] } } };
				},
			},
		});
		const { outputs } = await runTensorArt({ resource: 'job', operation: 'getJob', jobId: job.id });
		expect(outputs.Job[0].json.outputs).toEqual([expect.objectContaining({ kind: 'image', format: 'png', url: expect.stringContaining('/files/') })]);
	});

	test("2023's stages[] shape is read: progress from running stages, images from success stages", async () => {
		const url = sim.server.addFile('legacy.png', PNG_BYTES, 'image/png');
		const legacy = [
			{ job: { id: '940000000000000001', status: 'RUNNING', runningInfo: { stages: [{ stageIndex: '0', processingImages: [{ progress: 40 }, { progress: 60 }] }] } } },
			{ job: { id: '940000000000000001', status: 'SUCCESS', successInfo: { stages: [{ stageIndex: '0', processingImages: [{ resourceImage: { id: '1', url, expiredIn: '3600' }, progress: 100 }] }] } } },
		];
		sim.server.injectFault({ prefix: '/tams', method: 'GET', times: 1, fault: { kind: 'status', status: 200, body: legacy[0] } });
		sim.server.injectFault({ prefix: '/tams', method: 'GET', times: 1, fault: { kind: 'status', status: 200, body: legacy[1] } });
		const running = await runTensorArt({ resource: 'job', operation: 'getJob', jobId: '940000000000000001' });
		expect(running.outputs.Job[0].json).toMatchObject({ status: 'running', progress: 50 });
		const done = await runTensorArt({ resource: 'job', operation: 'getJob', jobId: '940000000000000001' });
		const [output] = done.outputs.Job[0].json.outputs as IDataObject[];
		expect(output).toMatchObject({ url, kind: 'image', format: 'png' });
		// A small expiredIn is seconds from now.
		expect(Math.abs(Date.parse(output.expiresAt as string) - (Date.now() + 3600_000))).toBeLessThan(10_000);
	});
});

describe('Create Job input', () => {
	test('bad JSON, an empty map and a node without classType are refused per item before any request', async () => {
		const { outputs } = await runTensorArt(createJobParameters({ params: '={{ $json.params }}' }), apiKeyCredentials(), {
			continueOnFail: true,
			input: [{ params: '{"3": {"classType": "KSampler",' }, { params: '{}' }, { params: '{"3": {"inputs": {}}}' }],
		});
		expect(outputs.Job.map((item) => item.json.error)).toEqual([
			expect.stringMatching(/^The params of item 0 are not valid JSON/),
			'The params of item 1 have no nodes',
			'The params of item 2 have node "3" without a classType',
		]);
		expect(tamsRequests()).toEqual([]);
	});

	test('node ids "__proto__", "constructor" and "prototype" are sent exactly as given', async () => {
		const params = '{"__proto__": {"classType": "SaveImage", "inputs": {"images": ["constructor", 0]}}, "constructor": {"classType": "KSampler", "inputs": {}}, "prototype": {"classType": "CLIPTextEncode", "inputs": {"__proto__": 1}}}';
		const { error } = await runTensorArt(createJobParameters({ params }));
		expect(error).toBeUndefined();
		const [create] = tamsRequests('POST');
		expect(create.body).toContain('"params":{"__proto__":{"classType":"SaveImage","inputs":{"images":["constructor",0]}},"constructor":{"classType":"KSampler","inputs":{}},"prototype":{"classType":"CLIPTextEncode","inputs":{"__proto__":1}}}');
	});

	test('params may come as an object from the previous node; a ComfyUI export\'s class_type and _meta are adapted', async () => {
		const comfyExport = { '3': { class_type: 'KSampler', inputs: { steps: 20 }, _meta: { title: 'KSampler' } } };
		const { error } = await runTensorArt(createJobParameters({ params: '={{ $json.workflow }}' }), apiKeyCredentials(), { input: [{ workflow: comfyExport }] });
		expect(error).toBeUndefined();
		const [create] = tamsRequests('POST');
		expect(JSON.parse(create.body).params).toEqual({ '3': { classType: 'KSampler', inputs: { steps: 20 } } });
	});

	test('the notify URL is sent as runningNotifyUrl, and a given Request ID returns the same job on a second run', async () => {
		const parameters = createJobParameters({ options: { runningNotifyUrl: 'https://example.com/hook', requestId: 'order-4711' } });
		const first = await runTensorArt(parameters);
		const second = await runTensorArt(parameters);
		expect(second.outputs.Job[0].json.jobId).toBe(first.outputs.Job[0].json.jobId);
		const job = sim.tensorArt.jobs.jobs.get(first.outputs.Job[0].json.jobId as string)!;
		expect(job.extra).toMatchObject({ requestId: 'order-4711', runningNotifyUrl: 'https://example.com/hook' });
	});

	test('a job ID given as a number beyond 2^53 is refused, since its digits are already lost', async () => {
		const { error } = await runTensorArt({ resource: 'job', operation: 'getJob', jobId: '={{ 881417947308949275 }}' });
		expect(error?.message).toMatch(/is not a Tensor\.Art ID/);
		expect(error?.description).toMatch(/too large/);
		expect(tamsRequests()).toEqual([]);
	});
});

describe('errors', () => {
	test('invalid_height_or_width explains the multiples of 64', async () => {
		const { error } = await runTensorArt(createJobParameters({ params: JSON.stringify(withSize(500, 512)) }));
		expect(error?.message).toBe(
			'Tensor.Art could not create the job: invalid_height_or_width: Width and height must be multiples of 64 (e.g. 512, 576, 640 … 1024): change the width and height inputs in the params.',
		);
		expect(error?.httpCode).toBe('400');
	});

	test('invalid_samples explains that at least one image is needed', async () => {
		const { error } = await runTensorArt(createJobParameters({ params: JSON.stringify(withSize(512, 512, 0)) }));
		expect(error?.message).toMatch(/invalid_samples: The number of images .* must be at least 1/);
	});

	test('a job that does not exist is "job not found"', async () => {
		const { error } = await runTensorArt({ resource: 'job', operation: 'getJob', jobId: '123' });
		expect(error?.message).toBe('Tensor.Art could not get job 123: job not found');
		expect(error?.description).toMatch(/Check the ID/);
		expect(error?.httpCode).toBe('404');
	});

	test('an unknown API key (404 "unauthorized", "app not found") is a credential problem, not a missing job', async () => {
		const { error } = await runTensorArt({ resource: 'job', operation: 'getJob', jobId: '123' }, { ...apiKeyCredentials(), apiKey: 'revoked' });
		expect(error?.message).toBe('Tensor.Art could not get job 123: the credential was refused (unauthorized: app not found)');
		expect(error?.httpCode).toBe('404');
		expect(error?.description).toMatch(/Check the Tensor\.Art credential/);
		expect(tamsRequests()).toHaveLength(1);
	});

	test('an RSA signature made with another key (401) and an unknown App ID (404) are credential problems', async () => {
		const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
		const wrongKey = await runTensorArt({ resource: 'job', operation: 'getJob', jobId: '123' }, rsaCredentials(otherKey));
		expect(wrongKey.error?.message).toBe('Tensor.Art could not get job 123: the credential was refused (invalid signature)');
		const unknownApp = await runTensorArt({ resource: 'job', operation: 'getJob', jobId: '123' }, rsaCredentials(undefined, 'no-such-app'));
		expect(unknownApp.error?.message).toBe('Tensor.Art could not get job 123: the credential was refused (unauthorized: app not found)');
		expect([wrongKey.error?.httpCode, unknownApp.error?.httpCode]).toEqual(['401', '404']);
		for (const { error } of [wrongKey, unknownApp]) expect(error?.description).toMatch(/Check the Tensor\.Art credential/);
	});

	test('a malformed private key is an error naming the credential, never the key, and nothing is sent', async () => {
		const secretBody = 'MIIEpAIBAAKCAQEAsecretsecretsecret';
		const { error } = await runTensorArt({ resource: 'job', operation: 'getJob', jobId: '123' }, rsaCredentials(`-----BEGIN RSA PRIVATE KEY-----\n${secretBody}\n-----END RSA PRIVATE KEY-----`));
		expect(error?.message).toBe(
			'The Tensor.Art credential "tensorArtApi" cannot be used: the private key is not a PEM RSA private key (paste the whole file, from -----BEGIN … PRIVATE KEY----- to its END line)',
		);
		expect(JSON.stringify(error)).not.toContain(secretBody);
		expect(tamsRequests()).toEqual([]);
	});

	test('a private key pasted on one line still signs', async () => {
		const oneLine = sim.tensorArt.testPrivateKeyPem.replace(/\n/g, ' ');
		const { error } = await runTensorArt({ resource: 'template', operation: 'getTemplate', templateId: TEMPLATE_ID }, rsaCredentials(oneLine));
		expect(error).toBeUndefined();
	});

	test('429 is retried after Retry-After', async () => {
		sim.server.injectFault({ prefix: '/tams', method: 'GET', times: 1, fault: { kind: 'status', status: 429, body: { code: 8, message: 'too many requests' }, headers: { 'retry-after': '1' } } });
		const { error } = await runTensorArt({ resource: 'template', operation: 'getTemplate', templateId: TEMPLATE_ID });
		expect(error).toBeUndefined();
		const [refused, answered] = tamsRequests('GET');
		expect([refused.status, answered.status]).toEqual([429, 200]);
		expect(answered.at - refused.at).toBeGreaterThanOrEqual(950);
	});

	test('many items waiting side by side keep to 4 requests per second, under TAMS\'s 5, and all succeed', async () => {
		sim.tensorArt.rateLimitPerSecond = 5;
		const startedAt = Date.now();
		const { outputs, error } = await runTensorArt(createJobParameters({ waitForCompletion: true, waitSettings: FAST_WAIT }), apiKeyCredentials(), {
			input: [{}, {}, {}, {}],
		});
		expect(error).toBeUndefined();
		expect(outputs.Job.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
		// The node's pace, 4 per second: turns come 250 ms apart, none before the run started. A busy machine may
		// deliver a request late, never early, so the count is bounded from the start to the last arrival.
		const times = tamsRequests().map((entry) => entry.at);
		expect(times.length - 1).toBeLessThanOrEqual((4 * (times[times.length - 1] - startedAt)) / 1000 + 1);
	});
});

describe('credential test', () => {
	test('accepts a good API key and a good RSA key', async () => {
		expect(await testCredential('tensorArtApi', apiKeyCredentials())).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(await testCredential('tensorArtApi', rsaCredentials())).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(tamsRequests().map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'GET /v1/models/600423083519508503 200',
			'GET /v1/models/600423083519508503 200',
		]);
	});

	test('tells an unknown key, a wrong signature and a malformed key apart, without quoting the key', async () => {
		expect(await testCredential('tensorArtApi', { ...apiKeyCredentials(), apiKey: 'wrong' })).toEqual({
			status: 'Error',
			message: 'Tensor.Art does not know this app (app not found): check the API key or App ID, and the endpoint',
		});
		const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
		expect(await testCredential('tensorArtApi', rsaCredentials(otherKey))).toEqual({
			status: 'Error',
			message: 'Tensor.Art rejected the signature: the private key does not belong to this App ID',
		});
		const malformed = await testCredential('tensorArtApi', rsaCredentials('-----BEGIN RSA PRIVATE KEY-----\nnot-a-key\n-----END RSA PRIVATE KEY-----'));
		expect(malformed.status).toBe('Error');
		expect(malformed.message).toMatch(/^The Tensor\.Art credential cannot be used: the private key is not a PEM RSA private key/);
		expect(malformed.message).not.toContain('not-a-key');
	});
});

describe('default request ID', () => {
	const items = [{ n: 1 }, { n: 2 }, { n: 3 }];
	const runExecution = async (executionId: string, workflow = singleNodeWorkflow('tensorArt', createJobParameters())) =>
		await runWorkflow(workflow, { credentials: { tensorArtApi: apiKeyCredentials() }, input: items, executionId });
	const jobIds = (run: WorkflowRun, node = 'Job') => run.outputs[node].map((item) => item.json.jobId);
	// The simulator keeps its jobs across tests: count the ones a test makes.
	let jobsBefore = 0;
	beforeEach(() => (jobsBefore = sim.tensorArt.jobs.jobs.size));
	const jobsMade = () => sim.tensorArt.jobs.jobs.size - jobsBefore;

	test('the same execution run again from the start (a queue worker re-running it) gets each item its own job back, not a second one', async () => {
		const first = await runExecution('1042');
		const again = await runExecution('1042');
		expect(new Set(jobIds(first)).size).toBe(3);
		expect(jobIds(again)).toEqual(jobIds(first));
		expect(jobsMade()).toBe(3);
	});

	test('a new execution, and another node in the same execution, make new jobs; a set Request ID still wins', async () => {
		const first = await runExecution('2001');
		const next = await runExecution('2002');
		expect(jobIds(next).filter((id) => jobIds(first).includes(id))).toEqual([]);

		const twoNodes = chainWorkflow([
			{ name: 'First', nodeType: 'tensorArt', parameters: createJobParameters() },
			{ name: 'Second', nodeType: 'tensorArt', parameters: createJobParameters() },
		]);
		const both = await runExecution('2003', twoNodes);
		expect(jobIds(both, 'Second').filter((id) => jobIds(both, 'First').includes(id))).toEqual([]);
		expect(jobsMade()).toBe(12);

		const given = singleNodeWorkflow('tensorArt', createJobParameters({ options: { requestId: '={{ "order-" + $json.n }}' } }));
		const a = await runExecution('2004', given);
		const b = await runExecution('2005', given);
		expect(jobIds(b)).toEqual(jobIds(a));
		expect(jobsMade()).toBe(15);
		expect(jobIds(a).map((id) => sim.tensorArt.jobs.jobs.get(id as string)?.extra.requestId)).toEqual(['order-1', 'order-2', 'order-3']);
	});
});
