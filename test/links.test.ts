/**
 * Links from provider replies: outputs stream into n8n's binary data (on disk, as n8n 2.x keeps
 * it by default), a few at a time, up to Max Download Size; every link and redirect hop passes the
 * link policy (http/https only, a few hops, no addresses inside n8n's networks unless the base URL
 * is on such an address). Host names are looked up with n8n's own resolver, which this test
 * replaces, so no name is ever looked up on the network and no packet leaves loopback.
 */
import type { LookupAddress } from 'node:dns';

import { DnsResolver } from '@n8n/backend-network';
import { Container } from '@n8n/di';
import type { BinaryDataService } from 'n8n-core';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { runWorkflow, useFilesystemBinaryData } from './harness/engine';
import type { WorkflowRun } from './harness/engine';
import { singleNodeWorkflow } from './harness/workflows';
import type { ProviderSimulators } from './simulator';
import { startSimulators } from './simulator';
import { PNG_BYTES } from './simulator/jobs';
import { generatedByte } from './simulator/server';

/** Names this test's resolver knows; every other name fails to resolve without a lookup. */
const RESOLVED: Record<string, LookupAddress[]> = {
	// Not where this machine's own resolver puts it: a connection that looked it up again would miss the simulator on 127.0.0.2.
	localhost: [{ address: '127.0.0.2', family: 4 }],
	'files.lan-cdn.test': [{ address: '10.9.8.7', family: 4 }],
	'metadata.cloud.test': [{ address: '93.184.215.14', family: 4 }, { address: 'fe80::a9fe:a9fe', family: 6 }],
};
const lookups: string[] = [];
Container.set(DnsResolver, {
	lookup: async (hostname: string) => {
		lookups.push(hostname);
		const addresses = RESOLVED[hostname];
		if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
		return addresses;
	},
} as unknown as DnsResolver);

let sim: ProviderSimulators;
let binaryData: BinaryDataService;
beforeAll(async () => {
	binaryData = await useFilesystemBinaryData();
	sim = await startSimulators();
	sim.tensorArt.jobs.defaultScript = { queueMs: 0, runMs: 0, outcome: 'succeeded', outputCount: 1 };
});
afterAll(async () => await sim.stop());
beforeEach(() => sim.reset());

const MIB = 1024 * 1024;
let nextJobId = 980_000_000_000_000_000n;

/** A finished Tensor.Art job whose outputs are the given links. */
function jobWithOutputs(...urls: string[]): string {
	const job = sim.tensorArt.addJob(String(nextJobId++), sim.server.clock.now());
	job.extra.outputUrls.push(...urls);
	return job.id;
}

async function getJobs(jobIds: string[], options: IDataObject = {}, credentials: ICredentialDataDecryptedObject = sim.credentials.tensorArtApi): Promise<WorkflowRun> {
	const workflow = singleNodeWorkflow('tensorArt', { resource: 'job', operation: 'getJob', jobId: '={{ $json.jobId }}', options: { downloadOutputs: true, ...options } });
	workflow.nodes[0].onError = 'continueRegularOutput';
	return await runWorkflow(workflow, { credentials: { tensorArtApi: credentials }, input: jobIds.map((jobId) => ({ jobId })) });
}

/** The one item's error, for a run of one job. */
async function downloadError(url: string, options: IDataObject = {}): Promise<{ error: string; description: string; jobId: string }> {
	const jobId = jobWithOutputs(url);
	const { outputs } = await getJobs([jobId], options);
	const { error, errorDescription } = outputs.Job[0].json;
	expect(outputs.Job[0].binary).toBeUndefined();
	return { error: String(error), description: String(errorDescription), jobId };
}

async function storedBytes(id: string): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of await binaryData.getAsStream(id)) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

describe('streamed downloads', () => {
	test.each([
		['with a Content-Length', {}],
		['sent chunked, without one', { contentLength: false as const }],
	])('a 24 MiB output %s lands whole in n8n binary data on disk', async (_, served) => {
		const size = 24 * MIB + 7;
		const jobId = jobWithOutputs(sim.server.addGeneratedFile('clip.mp4', size, 'video/mp4', served));
		const { outputs } = await getJobs([jobId]);
		const binary = outputs.Job[0].binary!.data;
		expect(binary).toMatchObject({ fileName: 'clip.mp4', mimeType: 'video/mp4', bytes: size });
		expect(binary.id).toMatch(/^filesystem/);
		const bytes = await storedBytes(binary.id!);
		expect(bytes.length).toBe(size);
		for (const offset of [0, 1, 250, 251, MIB + 3, size - 1]) expect(bytes[offset]).toBe(generatedByte(offset));
	});

	test('a Content-Length over Max Download Size is refused before the body is read, naming the job, the size and the option', async () => {
		// The header claims 3 GiB while only 1 MiB follows: reading the body would end in a broken transfer instead.
		const { error, description, jobId } = await downloadError(sim.server.addGeneratedFile('huge.zip', MIB, 'application/zip', { contentLength: 3 * 1024 * MIB }));
		expect(error).toBe(`Could not download output 1 of job ${jobId}: the file is 3 GiB, over the Max Download Size of 2 GiB`);
		expect(description).toMatch(/Raise "Max Download Size"/);
	});

	test('a body that grows past Max Download Size without announcing its size is cut off', async () => {
		const { error, jobId } = await downloadError(sim.server.addGeneratedFile('stream.bin', 3 * MIB, 'application/octet-stream', { contentLength: false }), { maxDownloadSize: 1 });
		expect(error).toBe(`Could not download output 1 of job ${jobId}: the file is more than 1 MiB, over the Max Download Size of 1 MiB`);
	});

	test.each([
		['the default', {}, 4],
		['Max Parallel Downloads', { maxParallelDownloads: 2 }, 2],
	])('12 items download a few at a time (%s), apart from Max Parallel Items', async (_, options, limit) => {
		const jobIds = Array.from({ length: 12 }, (__, index) => jobWithOutputs(sim.server.addGeneratedFile(`out${index}.png`, 256 * 1024, 'image/png', { firstByteDelayMs: 300 })));
		// All 12 items look their jobs up at once; the downloads then queue for their few slots.
		const { outputs } = await getJobs(jobIds, { ...options, requestsPerSecond: 1000 });
		expect(outputs.Job.map((item) => item.binary?.data.bytes)).toEqual(jobIds.map(() => 256 * 1024));
		expect(sim.server.peakFilesSending).toBe(limit);
	});

	test('a file name that is not valid percent-encoding is kept as it is', async () => {
		const jobId = jobWithOutputs(sim.server.addFile('a%zz.png', PNG_BYTES, 'image/png'));
		const { outputs } = await getJobs([jobId]);
		expect(outputs.Job[0].binary?.data).toMatchObject({ fileName: 'a%zz.png', bytes: PNG_BYTES.length });
	});

	test.each(['__proto__', 'constructor', 'prototype'])('the binary property name "%s" is refused with a message, not dropped', async (name) => {
		const { error } = await downloadError(sim.server.addFile('out.png', PNG_BYTES, 'image/png'), { binaryPropertyName: name });
		expect(error).toBe(`The Binary Property "${name}" cannot be used`);
		expect(sim.server.fileLog).toEqual([]);
	});
});

describe('the link policy', () => {
	test.each([
		['file:///etc/passwd', 'the link is a file: link; only http and https links are fetched'],
		['ftp://files.example.com/out.png', 'the link is a ftp: link; only http and https links are fetched'],
		['http://10.1.2.3/out.png?signature=s3cr3t', 'the link points to 10.1.2.3, a private-network address'],
		['http://172.20.0.5/out.png', 'the link points to 172.20.0.5, a private-network address'],
		['http://192.168.1.20/out.png', 'the link points to 192.168.1.20, a private-network address'],
		['http://169.254.169.254/latest/meta-data/', 'the link points to 169.254.169.254, a link-local address (such as a cloud metadata service)'],
		['http://[fd12:3456::1]/out.png', 'the link points to [fd12:3456::1], a private-network address'],
		['http://[fe80::1]/out.png', 'the link points to [fe80::1], a link-local address (such as a cloud metadata service)'],
		['http://[::ffff:a9fe:a9fe]/', 'the link points to [::ffff:a9fe:a9fe], a link-local address (such as a cloud metadata service)'],
		['https://files.lan-cdn.test/out.png?X-Amz-Signature=s3cr3t', 'the link points to files.lan-cdn.test (10.9.8.7), a private-network address'],
		['https://metadata.cloud.test/', 'the link points to metadata.cloud.test (fe80::a9fe:a9fe), a link-local address (such as a cloud metadata service)'],
	])('%s is refused, naming the host and never the query', async (url, reason) => {
		const { error, description, jobId } = await downloadError(url);
		expect(error).toBe(`Could not download output 1 of job ${jobId}: ${reason}`);
		expect(description).toMatch(/base URL/);
		expect(`${error} ${description}`).not.toContain('s3cr3t');
	});

	test("links to the base URL's own host are fetched, even on loopback (a local proxy, this simulator)", async () => {
		const jobId = jobWithOutputs(sim.server.addFile('out.png', PNG_BYTES, 'image/png'));
		const { outputs } = await getJobs([jobId]);
		expect(outputs.Job[0].binary!.data.bytes).toBe(PNG_BYTES.length);
	});

	test.each([
		['http://127.0.0.2:{port}/files/x.png', 'the link points to 127.0.0.2, a loopback address (this machine)'],
		['http://2130706434:{port}/files/x.png', 'the link points to 127.0.0.2, a loopback address (this machine)'],
		['http://[::1]:{port}/files/x.png', 'the link points to [::1], a loopback address (this machine)'],
		['http://[::ffff:127.0.0.2]:{port}/files/x.png', 'the link points to [::ffff:7f00:2], a loopback address (this machine)'],
		['http://0.0.0.0:{port}/files/x.png', 'the link points to 0.0.0.0, a loopback address (this machine)'],
		['http://localhost:{port}/files/x.png', 'the link points to localhost (127.0.0.2), a loopback address (this machine)'],
		['http://100.100.100.200/latest/meta-data/', 'the link points to 100.100.100.200, an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)'],
	])('a loopback base URL unlocks its own host only: %s is refused', async (link, reason) => {
		const { error, jobId } = await downloadError(link.replace('{port}', new URL(sim.server.url).port));
		expect(error).toBe(`Could not download output 1 of job ${jobId}: ${reason}`);
		expect(sim.server.fileLog).toEqual([]);
	});

	test('redirects are followed hop by hop, up to five, never with the credential', async () => {
		let target = sim.server.addFile('final.png', PNG_BYTES, 'image/png');
		for (let hop = 0; hop < 5; hop++) {
			const next = target;
			target = sim.server.addRedirect(() => next);
		}
		const { outputs } = await getJobs([jobWithOutputs(target)]);
		expect(outputs.Job[0].binary!.data).toMatchObject({ fileName: 'final.png', bytes: PNG_BYTES.length });
		expect(sim.server.fileLog.map((entry) => entry.path.split('/')[1])).toEqual(['redirect', 'redirect', 'redirect', 'redirect', 'redirect', 'files']);
		for (const entry of sim.server.fileLog) expect(entry.headers.authorization).toBeUndefined();
	});

	test('a sixth redirect is not followed', async () => {
		let target = sim.server.addFile('final.png', PNG_BYTES, 'image/png');
		for (let hop = 0; hop < 6; hop++) {
			const next = target;
			target = sim.server.addRedirect(() => next);
		}
		const { error, jobId } = await downloadError(target);
		expect(error).toBe(`Could not download output 1 of job ${jobId}: the link redirected more than 5 times`);
		expect(sim.server.fileLog).toHaveLength(6);
	});

	test('a redirect loop ends at once', async () => {
		const first: string = sim.server.addRedirect(() => second);
		const second: string = sim.server.addRedirect(() => first);
		const { error, jobId } = await downloadError(first);
		expect(error).toBe(`Could not download output 1 of job ${jobId}: ${new URL(sim.server.url).host} redirects in a loop`);
		expect(sim.server.fileLog).toHaveLength(2);
	});

	test.each([
		['file:///etc/passwd', 'redirect 1 of the link: is a file: link; only http and https links are fetched'],
		['http://192.168.0.1/admin', 'redirect 1 of the link: points to 192.168.0.1, a private-network address'],
		['https://files.lan-cdn.test/x.png?sig=s3cr3t', 'redirect 1 of the link: points to files.lan-cdn.test (10.9.8.7), a private-network address'],
	])('a redirect to %s is checked like the link itself', async (location, reason) => {
		const { error, jobId } = await downloadError(sim.server.addRedirect(() => location));
		expect(error).toBe(`Could not download output 1 of job ${jobId}: ${reason}`);
		expect(sim.server.fileLog).toHaveLength(1);
	});
});

describe('the connection goes to the address that was checked', () => {
	/** The providers again, on 127.0.0.2: this test's resolver says localhost is there, this machine's own says 127.0.0.1. */
	let second: ProviderSimulators;
	beforeAll(async () => {
		second = await startSimulators({ host: '127.0.0.2' });
		second.tensorArt.jobs.defaultScript = { queueMs: 0, runMs: 0, outcome: 'succeeded', outputCount: 1 };
	});
	afterAll(async () => await second.stop());

	test('a name is looked up once, and the file is fetched from the address the check saw', async () => {
		const job = second.tensorArt.addJob(String(nextJobId++), second.server.clock.now());
		job.extra.outputUrls.push(second.server.addFile('pinned.png', PNG_BYTES, 'image/png').replace('127.0.0.2', 'localhost'));
		lookups.length = 0;
		const { outputs } = await getJobs([job.id], {}, second.credentials.tensorArtApi);
		expect(outputs.Job[0].json.errorDescription).toBeUndefined();
		expect(outputs.Job[0].binary!.data).toMatchObject({ fileName: 'pinned.png', bytes: PNG_BYTES.length });
		expect(lookups).toEqual(['localhost']);
		expect(second.server.fileLog.map((entry) => entry.headers.host)).toEqual([`localhost:${new URL(second.server.url).port}`]);
	});

	test('under a base URL on another loopback host, a link to this machine is refused', async () => {
		const job = second.tensorArt.addJob(String(nextJobId++), second.server.clock.now());
		job.extra.outputUrls.push(sim.server.addFile('elsewhere.png', PNG_BYTES, 'image/png'));
		const { outputs } = await getJobs([job.id], {}, second.credentials.tensorArtApi);
		expect(outputs.Job[0].json.error).toBe(`Could not download output 1 of job ${job.id}: the link points to 127.0.0.1, a loopback address (this machine)`);
		expect(sim.server.fileLog).toEqual([]);
	});
});

describe('credential base URLs', () => {
	test.each([
		['Tensor.Art', { tensorArtApi: { endpoint: 'custom', customUrl: 'http://tams.example.com', authentication: 'apiKey', apiKey: 'tams-test-key' } }],
		['AetherForge', { aetherForgeApi: { apiKey: 'af-test-key', baseUrl: 'http://api.aetherforgeai.com' } }],
	])('%s: http:// to a public host is refused before the key is sent', async (provider, credentials) => {
		const nodeType = provider === 'Tensor.Art' ? 'tensorArt' : 'aetherForge';
		const parameters = provider === 'Tensor.Art' ? { resource: 'job', operation: 'getJob', jobId: '1' } : { operation: 'getJob', jobId: '00000000-0000-4000-8000-000000000000' };
		const { error } = await runWorkflow(singleNodeWorkflow(nodeType, parameters), { credentials });
		expect(error?.message).toMatch(/credential( "[^"]+")? cannot be used: its base URL is http:\/\/ to (tams\.example\.com|api\.aetherforgeai\.com), a public host, so the key would travel unencrypted/);
		expect(sim.server.log).toEqual([]);
	});
});

describe('Upload Image', () => {
	const uploadImage = async (photo: IDataObject) =>
		await runWorkflow(singleNodeWorkflow('tensorArt', { resource: 'image', operation: 'uploadImage', binaryPropertyName: 'photo' }), {
			credentials: { tensorArtApi: sim.credentials.tensorArtApi },
			inputItems: [{ json: {}, binary: { photo: photo as never } }],
		});
	const storedPng = async () =>
		await binaryData.store({ type: 'execution', workflowId: 'test', executionId: 'test-execution' }, PNG_BYTES, { data: '', mimeType: 'image/png', fileName: 'face.png' });

	test("streams an image from n8n's binary data on disk to the upload slot, with its length", async () => {
		const photo = await storedPng();
		expect(photo.id).toMatch(/^filesystem/);
		const { outputs, error } = await uploadImage(photo as unknown as IDataObject);
		expect(error).toBeUndefined();
		const { resourceId } = outputs.Job[0].json as { resourceId: string };
		expect(outputs.Job[0].json).toMatchObject({ fileSize: PNG_BYTES.length });
		expect(sim.tensorArt.uploads.get(resourceId)?.bytes).toEqual(PNG_BYTES);
		const put = sim.server.log.find((entry) => entry.method === 'PUT')!;
		expect(put.headers['content-length']).toBe(String(PNG_BYTES.length));
		expect(put.headers.authorization).toBeUndefined();
	});

	test('a refused upload names the storage host, and carries neither the presigned URL nor the upload token', async () => {
		sim.server.injectFault({ prefix: '/tams', method: 'PUT', path: /^\/storage\//, times: 1, fault: { kind: 'status', status: 503 } });
		const { run, error } = await uploadImage((await storedPng()) as unknown as IDataObject);
		expect(error?.message).toBe(`Could not upload the image of item 0 to Tensor.Art's storage: the storage host ${new URL(sim.server.url).host} answered HTTP 503`);
		const [slot] = [...sim.tensorArt.uploads.values()];
		const runText = JSON.stringify(run);
		expect(runText).not.toContain(slot.token);
		expect(runText).not.toContain('signature=');
	});
});
