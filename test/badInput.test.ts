/**
 * Bad input stops an item before anything is sent for it, with a message naming the item, the
 * field and the rule. Each case runs a good item and then the bad one (values by expression, as
 * a workflow hands them over), with Continue On Fail on: the good item is worked on, the bad one
 * becomes an error item, and the provider sees the good item's requests only.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { binaryItem, runWorkflow } from './harness/engine';
import type { ProviderCase } from './harness/providerCases';
import { HTTP_NODE_CASES, PROVIDERS, aetherForge, pixxel, tensorArt } from './harness/providerCases';
import { singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';
import { PNG_BYTES } from './simulator/jobs';
import { PIXXEL_PROJECT } from './simulator/pixxel';

let sim: ProviderSimulators;
beforeAll(async () => (sim = await startSimulators()));
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

const FINISHED = { queueMs: 0, runMs: 0 };
const png = { bytes: PNG_BYTES, mimeType: 'image/png', fileName: 'in.png' };
const pdf = { bytes: Buffer.from('%PDF-1.7'), mimeType: 'application/pdf', fileName: 'in.pdf' };

interface BadInput {
	name: string;
	provider: ProviderCase;
	parameters: IDataObject;
	/** Item 0, which is fine, and item 1, which breaks the rule. */
	items(): [INodeExecutionData, INodeExecutionData];
	field: RegExp;
	rule: RegExp;
	/** How many requests the good item makes (1 unless said). */
	goodRequests?: number;
}

/** Get or Wait of the job in each item's `jobId`, the good item's job being a finished one. */
const jobIdCase = (provider: ProviderCase, operation: 'get' | 'wait', badJobId: unknown, rule: RegExp): BadInput => ({
	name: `${provider.name} ${operation === 'get' ? 'Get Job' : 'Wait For Job'}: a Job ID of ${JSON.stringify(badJobId)}`,
	provider,
	parameters: { ...provider.parameters(operation), waitSettings: { pollInterval: 0.1, timeout: 0.1 } },
	items: () => {
		const good = provider.existingJob(sim, FINISHED);
		return [{ json: good }, { json: { ...good, jobId: badJobId } as IDataObject }];
	},
	field: /"Job ID"/,
	rule,
});

/** Wait For Job of finished jobs, with one wait setting or option given by expression. */
const settingCase = (
	provider: ProviderCase,
	collection: 'waitSettings' | 'options',
	name: string,
	[good, bad]: [unknown, unknown],
	field: RegExp,
	rule: RegExp,
): BadInput => ({
	name: `${provider.name} Wait For Job: ${collection}.${name} of ${JSON.stringify(bad)}`,
	provider,
	parameters: { ...provider.parameters('wait'), waitSettings: { pollInterval: 0.1, timeout: 0.1 }, [collection]: { [name]: '={{ $json.setting }}' } },
	items: () => [
		{ json: { ...provider.existingJob(sim, FINISHED), setting: good } as IDataObject },
		{ json: { ...provider.existingJob(sim, FINISHED), setting: bad } as IDataObject },
	],
	field,
	rule,
});

const aetherForgeCreate = (type: string, parameters: IDataObject, good: INodeExecutionData, bad: INodeExecutionData, field: RegExp, rule: RegExp, name: string): BadInput => ({
	name: `aetherForge Create Job (${type}): ${name}`,
	provider: aetherForge,
	parameters: { operation: 'createJob', type, ...parameters },
	items: () => [good, bad],
	field,
	rule,
});

const tensorArtCreate = (parameters: IDataObject, good: IDataObject, bad: IDataObject, field: RegExp, rule: RegExp, name: string): BadInput => ({
	name: `tensorArt Create: ${name}`,
	provider: tensorArt,
	parameters: { ...tensorArt.parameters('create'), ...parameters },
	items: () => [{ json: { ...tensorArt.createInput(sim, 'bad-input-good'), ...good } }, { json: { ...tensorArt.createInput(sim, 'bad-input-bad'), ...bad } }],
	field,
	rule,
});

const CASES: BadInput[] = [
	...PROVIDERS.flatMap((provider) => [
		jobIdCase(provider, 'get', '', /is empty/),
		jobIdCase(provider, 'wait', '   ', /is empty/),
		jobIdCase(provider, 'get', { id: 'abc' }, /must be text, not an object/),
		settingCase(provider, 'waitSettings', 'timeout', ['0.5', 'soon'], /"Timeout \(Minutes\)"/, /must be a number of at least 0\.01, not "soon"/),
		settingCase(provider, 'waitSettings', 'onTimeout', ['output', 'explode'], /"On Timeout"/, /must be one of "error", "output", not "explode"/),
		settingCase(provider, 'options', 'includeRaw', [true, 'yes'], /"Include Raw Response"/, /must be true or false, not "yes"/),
	]),
	jobIdCase(aetherForge, 'get', '12345', /must be an AetherForge job ID \(a UUID\), not "12345"/),
	jobIdCase(tensorArt, 'wait', 'abc-123', /must be a Tensor\.Art ID \(digits only\), not "abc-123"/),
	aetherForgeCreate('effectV2', { description: 'sparks', quality: 'pro', frame: '={{ $json.frame }}' }, { json: { frame: '9' } }, { json: { frame: '50' } }, /"Frame"/, /"50" is not one of 4, 9, 16/, 'a frame outside the documented values'),
	aetherForgeCreate('generateImage', { prompt: 'a castle', ai_model: '={{ $json.model }}' }, { json: { model: 'Nano Banana' } }, { json: { model: 'Dall-E' } }, /"AI Model"/, /"Dall-E" is not one of GPT Image 1\.5/, 'a model outside the documented values'),
	aetherForgeCreate('generateImage', { prompt: '={{ $json.prompt }}', ai_model: 'Nano Banana' }, { json: { prompt: 'a castle' } }, { json: { prompt: { text: 'a castle' } } }, /"Prompt"/, /expected text, got an object/, 'a prompt that is an object'),
	aetherForgeCreate(
		'makeSpriteV1',
		{ imageBinary: 'data', text: 'run', frame: '36', is_pixel: '={{ $json.pixel }}' },
		binaryItem({ pixel: 'false' }, { data: png }),
		binaryItem({ pixel: 'maybe' }, { data: png }),
		/"Pixel Art"/,
		/it must be true or false, not "maybe"/,
		'a pixel-art switch that is neither true nor false',
	),
	aetherForgeCreate(
		'characterOverlayV2',
		{ sprite_sheetBinary: 'data', character_imagesBinary: 'data', rows: '={{ $json.rows }}', quality: 'pro' },
		binaryItem({ rows: '[{"row":1}]' }, { data: png }),
		binaryItem({ rows: '[{row:1' }, { data: png }),
		/"Rows"/,
		/must be valid JSON/,
		'rows that are not JSON',
	),
	aetherForgeCreate('upscale', { imageBinary: 'photo', scale: '2K' }, binaryItem({}, { photo: png }), binaryItem({}, { data: png }), /"Input Binary Field"/, /names binary property "photo", which the item does not have/, 'a missing binary property'),
	aetherForgeCreate('upscale', { imageBinary: 'data', scale: '2K' }, binaryItem({}, { data: png }), binaryItem({}, { data: pdf }), /"Input Binary Field"/, /must be an image, but binary property "data" holds application\/pdf/, 'a PDF where an image belongs'),
	tensorArtCreate({ params: '={{ $json.text }}' }, { text: '{"9": {"classType": "SaveImage", "inputs": {}}}' }, { text: '{"9": ' }, /params/, /are not valid JSON/, 'params that are not JSON'),
	tensorArtCreate({ options: { runningNotifyUrl: '={{ $json.url }}' } }, { url: 'https://example.com/hook' }, { url: { href: 'https://example.com/hook' } }, /"Notify URL"/, /must be text, not an object/, 'a notify URL that is an object'),
	{
		name: 'tensorArt Upload Image: a missing binary property, then a PDF',
		provider: tensorArt,
		parameters: { resource: 'image', operation: 'uploadImage', binaryPropertyName: 'photo' },
		items: () => [binaryItem({}, { photo: png }), binaryItem({}, { image: png })],
		field: /"Input Binary Field"/,
		rule: /names binary property "photo", which the item does not have/,
		// The upload slot, then the file put into it.
		goodRequests: 2,
	},
	{
		name: 'tensorArt Upload Image: a PDF',
		provider: tensorArt,
		parameters: { resource: 'image', operation: 'uploadImage', binaryPropertyName: 'photo' },
		items: () => [binaryItem({}, { photo: png }), binaryItem({}, { photo: pdf })],
		field: /"Input Binary Field"/,
		rule: /must be an image, but binary property "photo" holds application\/pdf/,
		goodRequests: 2,
	},
	tensorArtCreate(
		{ waitForCompletion: '={{ $json.wait }}' },
		// The text "false" an expression gives means false: the good item is not waited for.
		{ wait: 'false' },
		{ wait: 'maybe' },
		/"Wait for Completion"/,
		/must be true or false, not "maybe"/,
		'a wait switch that is neither true nor false',
	),
	{
		name: 'tensorArt Upload Image: a keep-for time that is not a number',
		provider: tensorArt,
		parameters: { resource: 'image', operation: 'uploadImage', binaryPropertyName: 'photo', expireSec: '={{ $json.keep }}' },
		items: () => [binaryItem({ keep: '600' }, { photo: png }), binaryItem({ keep: 'an hour' }, { photo: png })],
		field: /"Keep For \(Seconds\)"/,
		rule: /must be a number of at least 60, not "an hour"/,
		goodRequests: 2,
	},
	{
		name: 'pixxel List Jobs: a limit that is not a number',
		provider: pixxel,
		parameters: { ...pixxel.parameters('get'), operation: 'listJobs', limit: '={{ $json.limit }}' },
		items: () => {
			const good = pixxel.existingJob(sim, FINISHED);
			// One job out for the good item, so the bad item's error comes second.
			return [{ json: { ...good, limit: 1 } }, { json: { ...good, limit: 'lots' } }];
		},
		field: /"Limit"/,
		rule: /must be a number of at least 1, not "lots"/,
	},
	{
		name: 'tensorArt Create From Template: a template ID that is not digits',
		provider: tensorArt,
		parameters: { resource: 'job', operation: 'createJobFromTemplate', templateId: '={{ $json.templateId }}' },
		items: () => [{ json: { templateId: '676018193025756628' } }, { json: { templateId: 'portrait-v2' } }],
		field: /"Template ID"/,
		rule: /must be a Tensor\.Art ID \(digits only\)/,
	},
	{
		name: 'pixxel Get Job: a workflow that is an object',
		provider: pixxel,
		parameters: pixxel.parameters('get'),
		items: () => {
			const good = pixxel.existingJob(sim, FINISHED);
			return [{ json: good }, { json: { ...good, workflowId: { id: good.workflowId } } as IDataObject }];
		},
		field: /"Workflow"/,
		rule: /must be text, not an object/,
	},
	{
		name: 'pixxel Create Job: an empty project ID',
		provider: pixxel,
		parameters: { ...pixxel.parameters('create'), projectId: '={{ $json.projectId }}' },
		items: () => [
			{ json: { ...pixxel.createInput(sim, 'bad-input-good'), projectId: PIXXEL_PROJECT } },
			{ json: { ...pixxel.createInput(sim, 'bad-input-bad'), projectId: ' ' } },
		],
		field: /"Project ID"/,
		rule: /is empty/,
	},
];

test.each(CASES)('$name', async ({ provider, parameters, items, field, rule, goodRequests = 1 }) => {
	const workflow = singleNodeWorkflow(provider.name, parameters);
	workflow.nodes[0].onError = 'continueRegularOutput';
	const { outputs, error } = await runWorkflow(workflow, { credentials: sim.credentials, inputItems: items() });
	expect(error).toBeUndefined();
	const [good, bad] = outputs.Job;
	expect(good.json.error ?? null).toBeNull();
	expect(bad.pairedItem).toEqual({ item: 1 });
	const message = String(bad.json.error);
	for (const part of [/\bitem 1\b/, field, rule]) expect(message).toMatch(part);
	// Nothing was sent for the bad item.
	expect(sim.server.log.filter((entry) => entry.prefix === provider.prefix)).toHaveLength(goodRequests);
});

test.each([...PROVIDERS, ...HTTP_NODE_CASES].map((provider) => [provider.name, provider] as const))(
	'%s Get Job: the default Job ID on an item without "jobId" says so and lists the fields the item has',
	async (_name, provider) => {
		const good = provider.existingJob(sim, FINISHED);
		const { jobId: _jobId, ...withoutJobId } = good;
		const workflow = singleNodeWorkflow(provider.nodeType ?? provider.name, { ...provider.parameters('get', sim), jobId: '={{ $json.jobId }}' });
		workflow.nodes[0].onError = 'continueRegularOutput';
		const { outputs } = await runWorkflow(workflow, { credentials: sim.credentials, input: [good, { ...withoutJobId, id: 'abc', status: 'done' }] });
		const [, bad] = outputs.Job;
		expect(bad.json.error).toBe('"Job ID" of item 1 is empty: it reads "jobId" of the input item, which has no "jobId" field');
		expect(bad.json.errorDescription).toBe(
			`Its fields: ${Object.keys(withoutJobId).concat('id', 'status').join(', ')}. Set "Job ID" to the field that holds it (e.g. {{ $json.id }}), or run this node after one that outputs "jobId", such as Create Job.`,
		);
	},
);

describe('a base URL that is not http(s) stops before any request, naming the credential field and the rule', () => {
	const withBaseUrl = (provider: ProviderCase, url: string): Record<string, ICredentialDataDecryptedObject> => {
		const credentials = { ...sim.credentials[provider.credentialType] };
		if (provider === tensorArt) credentials.customUrl = url;
		else credentials.baseUrl = url;
		return { ...sim.credentials, [provider.credentialType]: credentials };
	};

	test.each(PROVIDERS.flatMap((provider) => ['ftp://files.example.com', 'javascript:alert(1)', 'api.example.com'].map((url) => ({ provider, url }))))(
		'$provider.name: $url',
		async ({ provider, url }) => {
			const { error } = await runWorkflow(singleNodeWorkflow(provider.name, provider.parameters('get')), {
				credentials: withBaseUrl(provider, url),
				input: [provider.existingJob(sim, FINISHED)],
			});
			expect(error?.message).toBe(`The base URL in the ${provider.displayName} credential is not an http(s) address`);
			expect(sim.server.log).toEqual([]);
		},
	);
});

test('options that set up the whole run come from the first item: unusable there, the run stops before any request', async () => {
	const workflow = singleNodeWorkflow(aetherForge.name, { ...aetherForge.parameters('get'), options: { maxParallel: '={{ $json.parallel }}' } });
	const input = [{ ...aetherForge.existingJob(sim, FINISHED), parallel: 'many' }, aetherForge.existingJob(sim, FINISHED)];
	const { error } = await runWorkflow(workflow, { credentials: sim.credentials, input });
	expect(error?.message).toBe('"Max Parallel Items" of item 0 must be a number of at least 1, not "many"');
	expect(sim.server.log).toEqual([]);
});
