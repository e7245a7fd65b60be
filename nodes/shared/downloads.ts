import type { IBinaryData, IBinaryKeyData, IDataObject, IExecuteFunctions, IHttpRequestOptions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { NormalizedJob } from './JobItem';
import { isLinkOutput } from './JobItem';
import type { CheckedLink, LinkPolicy } from './linkPolicy';
import { MAX_REDIRECTS, addressKind, checkLink, linkHost, n8nResolver, normalizedHost } from './linkPolicy';
import { runTransport } from './transport';

/** A response body as n8n's HTTP helper hands it over with `encoding: 'stream'`. */
type BodyStream = Exclude<Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0], Buffer>;

export const DEFAULT_MAX_DOWNLOAD_MIB = 2048;
export const DEFAULT_PARALLEL_DOWNLOADS = 4;

const TRANSFER_TIMEOUT_MS = 120_000;

/** Binary property names that would change the item's binary object itself instead of adding a file. */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The downloads and uploads of one run: a few at a time whatever the number of items, each
 * link checked by the link policy, bytes streamed between the network and n8n's binary data.
 */
export class Transfers {
	private active = 0;

	private readonly queue: Array<() => void> = [];

	private policy?: Promise<LinkPolicy>;

	constructor(
		/** A webhook's context too: a callback resumes a waiting execution with the jobs' outputs. */
		private readonly fn: IExecuteFunctions | IWebhookFunctions,
		/** The credential's base URL (read once a provider request was made): its host is the one inside n8n's networks that links may point to. */
		private readonly baseUrl: () => string | undefined,
		private readonly maxParallel = DEFAULT_PARALLEL_DOWNLOADS,
	) {}

	/** Output links expire, so finished outputs can be fetched into n8n binary data at once. */
	async downloadJobOutputs(job: NormalizedJob, propertyName: string, itemIndex: number, maxMiB = DEFAULT_MAX_DOWNLOAD_MIB): Promise<IBinaryKeyData> {
		if (RESERVED_NAMES.has(propertyName)) {
			throw new NodeOperationError(this.fn.getNode(), `The Binary Property "${propertyName}" cannot be used`, {
				itemIndex,
				description: 'It is a reserved word of JavaScript objects; choose another name in the options, e.g. "data".',
			});
		}
		const binary: IBinaryKeyData = {};
		// Text and JSON results are in the item already; only files at links are fetched.
		for (const [index, output] of job.outputs.filter(isLinkOutput).entries()) {
			const fail = (reason: string, advice: string) =>
				new NodeOperationError(this.fn.getNode(), `Could not download output ${index + 1} of job ${job.jobId}: ${reason}`, { itemIndex, description: advice });
			const tooLarge = (size: string) =>
				fail(`the file is ${size}, over the Max Download Size of ${formatSize(maxMiB * MIB)}`, 'Raise "Max Download Size" in the options if n8n has room for such files, or turn "Download Outputs" off and use the link.');
			const key = index === 0 ? propertyName : `${propertyName}_${index}`;
			binary[key] = await this.inTurn(async () => {
				const { body, headers, url } = await this.open(output.url, fail);
				const length = Number(headers['content-length']);
				if (length > maxMiB * MIB) {
					body.destroy();
					throw tooLarge(formatSize(length));
				}
				// Named after where the file really was, after any redirects.
				const fileName = fileNameOf(url, job.jobId, index, output.format);
				const mimeType = String(headers['content-type'] ?? '').split(';')[0] || undefined;
				return await this.store(body, fileName, mimeType, maxMiB * MIB, () => tooLarge(`more than ${formatSize(maxMiB * MIB)}`), fail);
			});
		}
		return binary;
	}

	/** PUTs an input item's file to a storage URL from a provider reply, streamed from n8n's binary data. */
	async upload(
		url: string,
		headers: IDataObject,
		file: IBinaryData,
		fail: (reason: string, advice: string) => Error,
	): Promise<number> {
		const { address } = await this.checked(url, fail);
		const { body, size } = await this.readBinary(file);
		await this.inTurn(async () => {
			// A redirect of the upload is a failure too: a stream cannot be sent twice.
			const response = await this.send(
				{
					method: 'PUT',
					url,
					headers: { ...headers, 'Content-Length': String(size) },
					// A stream, which n8n's helper sends as it is; its type lists only whole bodies.
					body: body as unknown as Buffer,
				},
				address,
				(reason) => fail(reason, 'Run the item again; if it keeps failing, check that n8n can reach the storage host.'),
			);
			response.body.destroy();
			if (response.statusCode < 200 || response.statusCode >= 300) {
				throw fail(`the storage host ${linkHost(url)} answered HTTP ${response.statusCode}`, 'The upload slot may have expired or been refused; run the item again for a new slot.');
			}
		});
		return size;
	}

	/** Runs `work` when one of the run's few transfer slots is free. */
	private async inTurn<T>(work: () => Promise<T>): Promise<T> {
		if (this.active >= this.maxParallel) await new Promise<void>((resolve) => this.queue.push(resolve));
		else this.active++;
		try {
			return await work();
		} finally {
			// The slot passes straight to the next waiting transfer, if any.
			const next = this.queue.shift();
			if (next) next();
			else this.active--;
		}
	}

	private async linkPolicy(): Promise<LinkPolicy> {
		this.policy ??= (async () => {
			const resolve = n8nResolver(this.fn);
			const base = this.baseUrl();
			const baseHost = base ? normalizedHost(new URL(base).hostname) : undefined;
			let baseAddresses = baseHost && addressKind(baseHost) !== undefined ? [baseHost] : [];
			if (baseHost && baseAddresses.length === 0 && resolve) baseAddresses = (await resolve(baseHost).catch(() => [])).map(({ address }) => normalizedHost(address));
			const addressField = runTransport(this.fn)?.addressField ?? 'the base URL in the credential';
			return { baseHost, baseAddresses, addressField, resolve };
		})();
		return await this.policy;
	}

	private async checked(link: string, fail: (reason: string, advice: string) => Error): Promise<CheckedLink> {
		const checked = await checkLink(link, await this.linkPolicy());
		if ('refusal' in checked) throw fail(checked.refusal.reason, checked.refusal.advice);
		return checked;
	}

	/**
	 * GETs a link, following its redirects here so that each hop is checked like the link itself.
	 * A hop on an origin the provider's credential goes to carries it (and is the provider's own, so
	 * no link rule applies); any other hop goes without it, under the link policy.
	 */
	private async open(link: string, fail: (reason: string, advice: string) => Error): Promise<{ body: BodyStream; headers: IDataObject; url: string }> {
		const seen = new Set<string>();
		const redirectAdvice = 'The file host (or a proxy in between) redirects where this node does not follow; download the link yourself if you trust it.';
		const transport = runTransport(this.fn);
		let current = link;
		for (let hop = 0; ; hop++) {
			const withCredential = transport?.carriesCredentialTo(current) === true;
			const { url, address } = withCredential
				? { url: new URL(current), address: undefined }
				: await this.checked(current, (reason, advice) => fail(hop === 0 ? reason : `redirect ${hop} of the link: ${reason.replace(/^the link /, '')}`, advice));
			seen.add(url.href);
			const { statusCode, headers, body } = await this.send(
				{ url: url.href },
				address,
				(reason) => fail(reason, 'Output links expire: download them right after the job finishes.'),
				withCredential,
			);
			if (statusCode >= 300 && statusCode < 400 && headers.location !== undefined) {
				body.destroy();
				let next: string;
				try {
					next = new URL(String(headers.location), url).href;
				} catch {
					throw fail(`${linkHost(url.href)} redirected to an address that is not a URL`, redirectAdvice);
				}
				if (seen.has(next)) throw fail(`${linkHost(url.href)} redirects in a loop`, redirectAdvice);
				if (hop + 1 > MAX_REDIRECTS) throw fail(`the link redirected more than ${MAX_REDIRECTS} times`, redirectAdvice);
				current = next;
				continue;
			}
			if (statusCode < 200 || statusCode >= 300) {
				body.destroy();
				throw fail(`${linkHost(url.href)} answered HTTP ${statusCode}`, 'Output links expire: download them right after the job finishes.');
			}
			return { body, headers, url: url.href };
		}
	}

	/**
	 * One request (without the credential unless asked), its reply body a stream, redirects left to
	 * the caller. Sent to `address` where the link policy checked the name there, with the name
	 * kept for the Host header and TLS, so no second lookup can point the connection elsewhere.
	 */
	private async send(
		request: Pick<IHttpRequestOptions, 'url' | 'method' | 'headers' | 'body'>,
		address: string | undefined,
		networkFailure: (reason: string) => Error,
		withCredential = false,
	): Promise<{ statusCode: number; headers: IDataObject; body: BodyStream }> {
		const transport = withCredential ? runTransport(this.fn) : undefined;
		try {
			const options: IHttpRequestOptions = {
				...request,
				...pinnedTo(request, address),
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: TRANSFER_TIMEOUT_MS,
				abortSignal: 'getExecutionCancelSignal' in this.fn ? this.fn.getExecutionCancelSignal() : undefined,
			};
			return (transport ? await transport.authenticatedRequest(options) : await this.fn.helpers.httpRequest(options)) as { statusCode: number; headers: IDataObject; body: BodyStream };
		} catch (error) {
			throw networkFailure(networkReason(error, request.url));
		}
	}

	/** Streams a body into n8n's binary data, cut off once it grows past `maxBytes`. */
	private async store(
		body: BodyStream,
		fileName: string,
		mimeType: string | undefined,
		maxBytes: number,
		tooLarge: () => Error,
		fail: (reason: string, advice: string) => Error,
	): Promise<IBinaryData> {
		let received = 0;
		let cutOff: Error | undefined;
		// prependListener, unlike on('data'), does not start the flow: n8n's store reads at its own pace.
		body.prependListener('data', (chunk: Buffer) => {
			received += chunk.length;
			if (received > maxBytes && !cutOff) {
				cutOff = tooLarge();
				body.destroy(cutOff);
			}
		});
		try {
			return await this.fn.helpers.prepareBinaryData(body, fileName, mimeType);
		} catch (error) {
			if (cutOff) throw cutOff;
			throw fail(`the transfer broke off (${(error as Error).message})`, 'Run the item again; output links expire, so soon after the job finishes.');
		}
	}

	/** An input file as a stream: from n8n's binary data store where it lives there, else from the item. */
	private async readBinary(file: IBinaryData): Promise<{ body: BodyStream | Buffer; size: number }> {
		if (file.id) {
			const { fileSize } = await this.fn.helpers.getBinaryMetadata(file.id);
			return { body: await this.fn.helpers.getBinaryStream(file.id), size: fileSize };
		}
		const bytes = Buffer.from(file.data, 'base64');
		return { body: bytes, size: bytes.length };
	}
}

const MIB = 1024 * 1024;

/** The URL, Host header and TLS name that connect to `address` while asking for the link's host. */
function pinnedTo({ url, headers }: Pick<IHttpRequestOptions, 'url' | 'headers'>, address: string | undefined): Partial<Pick<IHttpRequestOptions, 'url' | 'headers' | 'agentOptions'>> {
	if (address === undefined) return {};
	const target = new URL(url);
	const { host, hostname } = target;
	target.hostname = address.includes(':') ? `[${address}]` : address;
	return { url: target.href, headers: { ...headers, host }, agentOptions: { servername: hostname } };
}

function formatSize(bytes: number): string {
	return bytes >= 1024 * MIB ? `${Number((bytes / (1024 * MIB)).toFixed(2))} GiB` : `${Number((bytes / MIB).toFixed(1))} MiB`;
}

/** A network failure in words, without the link's query (it may hold a signature). */
function networkReason(error: unknown, link: string): string {
	const { search } = new URL(link);
	const message = String((error as Error).message ?? error);
	return search ? message.split(search).join('') : message;
}

function fileNameOf(url: string, jobId: string, index: number, format: string | undefined): string {
	const last = url.split(/[?#]/)[0].split('/').pop();
	if (last && /\.[a-z0-9]{2,5}$/i.test(last)) {
		try {
			return decodeURIComponent(last);
		} catch {
			// Not valid percent-encoding (a%zz.png): the name as it stands is still a fine file name.
			return last;
		}
	}
	return `${jobId}-${index + 1}${format ? `.${format}` : ''}`;
}
