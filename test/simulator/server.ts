import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * One HTTP server on 127.0.0.1 that plays every provider, each under its own path prefix
 * (so each has its own base URL), plus `/files/` for the output files jobs point at.
 * Tests inject faults and read the request log; the demo uses it as it is.
 */

export interface SimRequest {
	method: string;
	/** Path below the provider's prefix, without the query string. */
	path: string;
	query: URLSearchParams;
	headers: IncomingMessage['headers'];
	rawBody: Buffer;
	/** Request time on the simulator's clock (ms). */
	at: number;
}

export interface SimReply {
	status: number;
	body?: unknown;
	/** Sent as is instead of JSON (malformed replies, files). */
	rawBody?: Buffer | string;
	headers?: Record<string, string>;
}

export interface ProviderSimulator {
	/** Path prefix of this provider's base URL, e.g. `/tams`. */
	readonly prefix: string;
	handle(request: SimRequest): SimReply | Promise<SimReply>;
	/** Forgets scripted jobs and puts test-set behaviour back to its defaults. */
	reset(): void;
}

export type Fault =
	| { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string>; rawBody?: string }
	/** Drops the connection before the provider sees the request. */
	| { kind: 'resetBeforeHandling' }
	/** Lets the provider handle the request (a create creates its job), then drops the connection. */
	| { kind: 'resetAfterHandling' }
	/** Answers after `ms`. */
	| { kind: 'delay'; ms: number }
	/** Answers 200 with a body that is not JSON. */
	| { kind: 'malformedJson' }
	/** Lets the provider answer, then rewrites the JSON body. */
	| { kind: 'rewrite'; rewrite: (body: unknown) => unknown };

export interface FaultRule {
	/** Provider prefix (`/tams`), or any. */
	prefix?: string;
	method?: string;
	path?: RegExp;
	/** How many matching requests get the fault; Infinity for all. */
	times: number;
	/** The fault, or what picks it from the request (none: the request goes through). */
	fault: Fault | ((request: SimRequest) => Fault | undefined);
}

/** A file under /files/: bytes held, or `size` bytes made on the fly as they are sent (never held whole). */
type ServedFile =
	| { body: Buffer; contentType: string }
	| { size: number; contentType: string; contentLength: number | false; firstByteDelayMs: number };

/** The byte at `offset` of every generated file, so a test can check what arrived. */
export const generatedByte = (offset: number) => offset % 251;

/** What a file host sent for a request to a /files/ or /redirect/ URL. */
export interface FileRequest {
	method: string;
	path: string;
	query: string;
	headers: IncomingMessage['headers'];
}

export interface LoggedRequest {
	prefix: string;
	method: string;
	path: string;
	query: string;
	headers: IncomingMessage['headers'];
	body: string;
	status: number | 'reset';
	/** Real time (ms) the request arrived. */
	at: number;
	/** The same moment on the simulator's clock, as the provider saw it. */
	simAt: number;
}

/**
 * The simulator's clock: `speed` > 1 runs job lifecycles faster than real time, and `advance`
 * moves it on at once, so a test sees a job minutes later without waiting for it.
 */
export class SimClock {
	private readonly startReal = Date.now();

	/** How far `advance` has moved the clock on (ms). */
	private skippedMs = 0;

	constructor(public speed = 1) {}

	now(): number {
		return this.simTime(Date.now());
	}

	/** Moves the clock on by `ms` (never back), as if that much time had passed. */
	advance(ms: number): void {
		this.skippedMs += Math.max(0, ms);
	}

	/** A real time (epoch ms) on this clock. */
	simTime(realMs: number): number {
		return this.startReal + (realMs - this.startReal) * this.speed + this.skippedMs;
	}

	/** A time on this clock as real time (epoch ms): what a client's own clock reads then. */
	realTime(simMs: number): number {
		return this.startReal + (simMs - this.skippedMs - this.startReal) / this.speed;
	}
}

export class SimulatorServer {
	readonly log: LoggedRequest[] = [];

	/** Requests for files and redirects (the file host's side, apart from the providers' log). */
	readonly fileLog: FileRequest[] = [];

	/** Generated files being sent right now, and the most at once since the last reset. */
	private filesSending = 0;

	peakFilesSending = 0;

	readonly clock: SimClock;

	private readonly faults: FaultRule[] = [];

	private readonly files = new Map<string, ServedFile>();

	private readonly redirects = new Map<string, () => string>();

	private readonly providers: ProviderSimulator[] = [];

	private readonly sockets = new Set<Socket>();

	private server?: Server;

	url = '';

	constructor(options: { speed?: number } = {}) {
		this.clock = new SimClock(options.speed ?? 1);
	}

	register<T extends ProviderSimulator>(provider: T): T {
		// Requests are routed by prefix: two providers under one would answer for each other.
		if (this.providers.some(({ prefix }) => prefix === provider.prefix)) throw new Error(`Two simulators under the prefix ${provider.prefix}`);
		this.providers.push(provider);
		return provider;
	}

	baseUrl(provider: ProviderSimulator): string {
		return `${this.url}${provider.prefix}`;
	}

	/** Adds a fault rule; the function returned takes it out again. */
	injectFault(rule: FaultRule): () => void {
		const added = { ...rule };
		this.faults.push(added);
		return () => this.faults.splice(this.faults.indexOf(added) >>> 0, 1);
	}

	clearFaults(): void {
		this.faults.length = 0;
	}

	clearLog(): void {
		this.log.length = 0;
		this.fileLog.length = 0;
		this.peakFilesSending = 0;
	}

	/** A clean slate between tests: no faults, an empty log, every provider at its defaults. */
	reset(): void {
		this.clearFaults();
		this.clearLog();
		for (const provider of this.providers) provider.reset();
	}

	/** Serves `body` at a new URL under /files/ and returns that URL. */
	addFile(name: string, body: Buffer, contentType: string): string {
		const path = `/files/${randomUUID()}/${name}`;
		this.files.set(path, { body, contentType });
		return `${this.url}${path}`;
	}

	/**
	 * Serves `size` bytes (byte n is generatedByte(n)) made on the fly, so a 1 GiB output costs the
	 * simulator no memory. `contentLength`: the Content-Length to announce (default the size; false: none).
	 */
	addGeneratedFile(
		name: string,
		size: number,
		contentType: string,
		{ contentLength, firstByteDelayMs = 0 }: { contentLength?: number | false; firstByteDelayMs?: number } = {},
	): string {
		const path = `/files/${randomUUID()}/${name}`;
		this.files.set(path, { size, contentType, contentLength: contentLength ?? size, firstByteDelayMs });
		return `${this.url}${path}`;
	}

	/** A URL under /redirect/ that answers 302 to `location()`, asked at each request (so chains and loops can be built). */
	addRedirect(location: () => string): string {
		const path = `/redirect/${randomUUID()}`;
		this.redirects.set(path, location);
		return `${this.url}${path}`;
	}

	/** Listens on `host` (127.0.0.1, or another loopback address for a second origin). */
	async start(port = 0, host = '127.0.0.1'): Promise<string> {
		this.server = createServer((req, res) => void this.onRequest(req, res));
		// Idle connections stay open longer than a client keeps them, as at a provider's load balancer: a
		// request sent on a connection the server is just closing would fail without reaching it.
		this.server.keepAliveTimeout = 65_000;
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
		this.url = `http://${host}:${(this.server.address() as AddressInfo).port}`;
		return this.url;
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}

	private takeFault(prefix: string, request: SimRequest): Fault | undefined {
		const rule = this.faults.find(
			(candidate) =>
				candidate.times > 0 &&
				(candidate.prefix === undefined || candidate.prefix === prefix) &&
				(candidate.method === undefined || candidate.method === request.method) &&
				(candidate.path === undefined || candidate.path.test(request.path)),
		);
		if (!rule) return undefined;
		rule.times -= 1;
		return typeof rule.fault === 'function' ? rule.fault(request) : rule.fault;
	}

	private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const rawBody = Buffer.concat(chunks);
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const method = req.method ?? 'GET';

		const file = this.files.get(url.pathname);
		const redirect = this.redirects.get(url.pathname);
		if (file || redirect) this.fileLog.push({ method, path: url.pathname, query: url.search, headers: req.headers });
		if (redirect) {
			res.writeHead(302, { location: redirect() });
			res.end();
			return;
		}
		if (file && 'body' in file) {
			res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.body.length });
			res.end(file.body);
			return;
		}
		if (file) {
			this.peakFilesSending = Math.max(this.peakFilesSending, ++this.filesSending);
			try {
				await sendGenerated(res, file);
			} finally {
				this.filesSending--;
			}
			return;
		}

		const provider = this.providers.find((candidate) => url.pathname.startsWith(`${candidate.prefix}/`));
		const prefix = provider?.prefix ?? '';
		const path = url.pathname.slice(prefix.length);
		const simAt = this.clock.now();
		const entry: LoggedRequest = {
			prefix,
			method,
			path,
			query: url.search,
			headers: req.headers,
			body: rawBody.toString('utf8'),
			status: 0,
			at: Date.now(),
			simAt,
		};
		this.log.push(entry);

		if (!provider) {
			entry.status = 404;
			this.send(res, { status: 404, body: { message: 'no such provider path' } });
			return;
		}
		const request: SimRequest = { method, path, query: url.searchParams, headers: req.headers, rawBody, at: simAt };
		const fault = this.takeFault(prefix, request);
		if (fault?.kind === 'resetBeforeHandling') {
			entry.status = 'reset';
			req.socket.destroy();
			return;
		}
		if (fault?.kind === 'status') {
			entry.status = fault.status;
			this.send(res, { status: fault.status, body: fault.body ?? {}, headers: fault.headers, rawBody: fault.rawBody });
			return;
		}

		let reply: SimReply;
		try {
			reply = await provider.handle(request);
		} catch (error) {
			reply = { status: 500, body: { message: `simulator error: ${(error as Error).message}` } };
		}
		if (fault?.kind === 'resetAfterHandling') {
			entry.status = 'reset';
			req.socket.destroy();
			return;
		}
		if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
		if (fault?.kind === 'malformedJson') reply = { status: 200, rawBody: '{"job": {"id": "1", "status": ', headers: { 'content-type': 'application/json' } };
		if (fault?.kind === 'rewrite') reply = { ...reply, body: fault.rewrite(reply.body) };
		entry.status = reply.status;
		if (!res.destroyed) this.send(res, reply);
	}

	private send(res: ServerResponse, reply: SimReply): void {
		if (reply.rawBody !== undefined) {
			res.writeHead(reply.status, reply.headers ?? {});
			res.end(reply.rawBody);
			return;
		}
		const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
		res.writeHead(reply.status, { 'content-type': 'application/json', ...(reply.headers ?? {}) });
		res.end(text);
	}
}

const CHUNK = Buffer.from(Array.from({ length: 251 * 261 }, (_, offset) => generatedByte(offset)));

/** Writes a generated file chunk by chunk, waiting whenever the client is slower than the simulator. */
async function sendGenerated(res: ServerResponse, { size, contentType, contentLength, firstByteDelayMs }: Extract<ServedFile, { size: number }>): Promise<void> {
	if (firstByteDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, firstByteDelayMs));
	res.writeHead(200, { 'content-type': contentType, ...(contentLength === false ? {} : { 'content-length': contentLength }) });
	// Chunks are whole multiples of 251 bytes, so every chunk starts at generatedByte(0).
	for (let sent = 0; sent < size && !res.destroyed; ) {
		const length = Math.min(CHUNK.length, size - sent);
		sent += length;
		if (!res.write(length === CHUNK.length ? CHUNK : CHUNK.subarray(0, length))) await drainedOrClosed(res);
	}
	res.end();
}

async function drainedOrClosed(res: ServerResponse): Promise<void> {
	await new Promise<void>((resolve) => {
		const done = () => {
			res.off('drain', done);
			res.off('close', done);
			resolve();
		};
		res.on('drain', done);
		res.on('close', done);
	});
}
