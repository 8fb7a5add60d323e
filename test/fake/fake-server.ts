import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export type FaultKind =
	| 'http401'
	| 'http403'
	| 'http404'
	| 'http429'
	| 'http500'
	| 'http502'
	| 'reset'
	| 'slow'
	| 'malformed'
	| 'envelopeError';

export interface FaultSpec {
	/** Endpoint name (see each fake's ENDPOINTS), or '*' for every endpoint. */
	endpoint: string;
	kind: FaultKind;
	/** How many matching calls fail (default 1; Infinity = all). */
	times?: number;
	/** Let the first N matching calls through untouched. */
	afterCalls?: number;
	retryAfterSeconds?: number;
	delayMs?: number;
	code?: number;
	msg?: string;
}

export type TaskOutcome = 'success' | 'failed' | 'never';

export interface Counters {
	/** Every request, keyed by endpoint name ('unknown' for unmatched paths). */
	calls: Record<string, number>;
	uploads: number;
	creates: number;
	polls: number;
	downloadUrls: number;
	fileDownloads: number;
	peakInFlight: number;
	storageRequestsWithApiKey: number;
	tooFastPolls: number;
}

export interface RequestLogEntry {
	method: string;
	path: string;
	endpoint: string;
	/** Header names only; values are never stored. */
	headers: string[];
	hadApiKey: boolean;
	at: number;
	/** The reply's status, once sent (none for a connection the fake reset). */
	status?: number;
	/** The `code` of a JSON reply's envelope, where it has one. */
	code?: number;
}

export interface Reply {
	status: number;
	headers?: Record<string, string | number>;
	json?: unknown;
	body?: Buffer | string;
}

export interface RequestContext {
	req: IncomingMessage;
	url: URL;
	params: Record<string, string>;
	readBody(): Promise<Buffer>;
}

export interface Route {
	method: string;
	/** Path pattern such as '/api/v1/task/:id'. */
	path: string;
	endpoint: string;
	/** Requires the vendor API key. */
	auth?: boolean;
	/** A file-host path: must work without, and is watched for, API keys. */
	storage?: boolean;
	/**
	 * The vendor's checks of the request itself (query, body), before any fault: a reply when the
	 * request is invalid. State (tasks, files, limits) is `handle`'s.
	 */
	validate?(ctx: RequestContext): Reply | undefined | Promise<Reply | undefined>;
	handle(ctx: RequestContext): Reply | Promise<Reply>;
}

interface ActiveFault extends FaultSpec {
	seen: number;
	used: number;
}

interface CompiledRoute extends Route {
	pattern: RegExp;
	paramNames: string[];
}

const MAX_BODY_BYTES = 128 * 1024 * 1024;

export function newTraceId(): string {
	return randomBytes(16).toString('hex');
}

export function baseCounters(): Counters {
	return {
		calls: {},
		uploads: 0,
		creates: 0,
		polls: 0,
		downloadUrls: 0,
		fileDownloads: 0,
		peakInFlight: 0,
		storageRequestsWithApiKey: 0,
		tooFastPolls: 0,
	};
}

export abstract class FakeServer<Config extends object, C extends Counters = Counters> {
	baseUrl = '';
	config: Config;
	readonly counters: C;
	readonly requests: RequestLogEntry[] = [];
	private faults: ActiveFault[] = [];
	private timers = new Set<NodeJS.Timeout>();
	private routes: CompiledRoute[] = [];
	private abort = new AbortController();
	private readonly server = http.createServer((req, res) => void this.dispatch(req, res));

	protected constructor(private readonly initialConfig: Config) {
		this.config = { ...initialConfig };
		this.counters = this.newCounters();
	}

	protected abstract newCounters(): C;
	protected abstract isAuthorized(req: IncomingMessage): boolean;
	protected abstract unauthorized(): Reply;
	/** Vendor-shaped reply for an HTTP error status. */
	protected abstract httpError(status: number, message: string): Reply;
	/** Vendor-shaped HTTP 200 error envelope. */
	protected abstract envelopeError(code: number | undefined, message: string): Reply;
	protected onReset(): void {}

	protected setRoutes(routes: Route[]): void {
		this.routes = routes.map(compileRoute);
	}

	async listen(port = 0): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, '127.0.0.1', () => resolve());
		});
		const address = this.server.address() as AddressInfo;
		this.baseUrl = `http://127.0.0.1:${address.port}`;
	}

	injectFault(spec: FaultSpec): void {
		this.faults.push({ ...spec, seen: 0, used: 0 });
	}

	clearFaults(): void {
		this.faults = [];
	}

	configure(patch: Partial<Config>): void {
		Object.assign(this.config, patch);
	}

	/** Counters, request log, faults, timers and vendor state back to the state right after start. */
	reset(): void {
		this.config = { ...this.initialConfig };
		for (const key of Object.keys(this.counters))
			delete (this.counters as Record<string, unknown>)[key];
		Object.assign(this.counters, this.newCounters());
		this.requests.length = 0;
		this.clearFaults();
		this.stopBackgroundWork();
		this.onReset();
	}

	async close(): Promise<void> {
		this.stopBackgroundWork();
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		this.server.closeAllConnections();
		await closed;
	}

	/** Aborted on reset/close: pass to outgoing requests made by the fake. */
	protected get backgroundSignal(): AbortSignal {
		return this.abort.signal;
	}

	/** A timer that reset() and close() cancel. */
	protected later(ms: number, fn: () => void): void {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			fn();
		}, ms);
		timer.unref();
		this.timers.add(timer);
	}

	protected sleep(ms: number): Promise<void> {
		return new Promise((resolve) => this.later(ms, resolve));
	}

	protected notePeakInFlight(inFlight: number): void {
		this.counters.peakInFlight = Math.max(this.counters.peakInFlight, inFlight);
	}

	/** Records a status check; true when it came sooner than minPollIntervalMs after the previous one. */
	protected notePoll(task: { lastPollAt?: number }, minPollIntervalMs: number): boolean {
		const now = Date.now();
		const tooFast =
			minPollIntervalMs > 0 &&
			task.lastPollAt !== undefined &&
			now - task.lastPollAt < minPollIntervalMs;
		task.lastPollAt = now;
		if (tooFast) this.counters.tooFastPolls++;
		return tooFast;
	}

	private stopBackgroundWork(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		this.abort.abort();
		this.abort = new AbortController();
	}

	private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', this.baseUrl || 'http://127.0.0.1');
		const match = this.match(req.method ?? 'GET', url.pathname);
		const endpoint = match?.route.endpoint ?? 'unknown';
		const hadApiKey =
			req.headers.authorization !== undefined || req.headers['x-api-key'] !== undefined;
		const entry: RequestLogEntry = {
			method: req.method ?? 'GET',
			path: url.pathname + url.search,
			endpoint,
			headers: Object.keys(req.headers),
			hadApiKey,
			at: Date.now(),
		};
		this.requests.push(entry);
		this.counters.calls[endpoint] = (this.counters.calls[endpoint] ?? 0) + 1;
		if (match?.route.storage && hadApiKey) this.counters.storageRequestsWithApiKey++;

		try {
			// Every request is checked as the vendor checks it (route, key, query and body) before an
			// injected fault can answer it: a fault only ever fails a request the vendor would accept.
			let reply: Reply | undefined;
			if (!match) reply = this.httpError(404, `no route for ${req.method} ${url.pathname}`);
			else {
				let body: Promise<Buffer> | undefined;
				const ctx: RequestContext = {
					req,
					url,
					params: match.params,
					readBody: () => (body ??= readBody(req)),
				};
				if (match.route.auth && !this.isAuthorized(req)) reply = this.unauthorized();
				else reply = await match.route.validate?.(ctx);
				if (!reply) {
					const fault = this.takeFault(endpoint);
					if (fault?.kind === 'reset') {
						req.socket.destroy();
						return;
					}
					if (fault?.kind === 'slow') await this.sleep(fault.delayMs ?? 1000);
					reply =
						fault && fault.kind !== 'slow' ? this.faultReply(fault) : await match.route.handle(ctx);
				}
			}
			entry.status = reply.status;
			const code = (reply.json as { code?: unknown } | undefined)?.code;
			if (typeof code === 'number') entry.code = code;
			send(res, reply);
		} catch (error) {
			send(res, this.httpError(500, `fake server error: ${(error as Error).message}`));
		}
	}

	private match(
		method: string,
		pathname: string,
	): { route: CompiledRoute; params: Record<string, string> } | undefined {
		for (const route of this.routes) {
			if (route.method !== method) continue;
			const found = route.pattern.exec(pathname);
			if (!found) continue;
			const params: Record<string, string> = {};
			route.paramNames.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1])));
			return { route, params };
		}
		return undefined;
	}

	private takeFault(endpoint: string): ActiveFault | undefined {
		let chosen: ActiveFault | undefined;
		for (const fault of this.faults) {
			if (fault.endpoint !== endpoint && fault.endpoint !== '*') continue;
			fault.seen++;
			const eligible = fault.seen > (fault.afterCalls ?? 0) && fault.used < (fault.times ?? 1);
			if (eligible && !chosen) {
				fault.used++;
				chosen = fault;
			}
		}
		return chosen;
	}

	private faultReply(fault: ActiveFault): Reply {
		if (fault.kind === 'malformed') {
			return {
				status: 200,
				headers: { 'content-type': 'application/json' },
				body: '{"code":0,"data":{"id":',
			};
		}
		if (fault.kind === 'envelopeError')
			return this.envelopeError(fault.code, fault.msg ?? 'injected error');
		const status = Number(fault.kind.slice(4));
		const reply = this.httpError(status, fault.msg ?? `injected HTTP ${status}`);
		if (status === 429) {
			reply.headers = { ...reply.headers, 'retry-after': fault.retryAfterSeconds ?? 1 };
		}
		return reply;
	}
}

function compileRoute(route: Route): CompiledRoute {
	const paramNames: string[] = [];
	const source = route.path
		.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
		.replace(/:(\w+)/g, (_, name: string) => {
			paramNames.push(name);
			return '([^/]+)';
		});
	return { ...route, pattern: new RegExp(`^${source}$`), paramNames };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				req.destroy();
				reject(new Error('request body too large'));
			} else chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function send(res: ServerResponse, reply: Reply): void {
	if (res.headersSent || res.destroyed) return;
	const headers: Record<string, string | number> = { ...reply.headers };
	let body: Buffer | string = reply.body ?? '';
	if (reply.json !== undefined) {
		body = stringifyJson(reply.json);
		headers['content-type'] ??= 'application/json; charset=utf-8';
	}
	headers['content-length'] = Buffer.byteLength(body);
	res.writeHead(reply.status, headers);
	res.end(body);
}

/**
 * JSON text of a reply; a BigInt is written as a bare JSON number with every digit (what an API
 * that types its ids int64 may send), which JSON.stringify refuses.
 */
export function stringifyJson(value: unknown): string {
	const marker = `bigint-${randomBytes(8).toString('hex')}:`;
	// The holder's own value: a BigInt.prototype.toJSON (some libraries add one) has already made
	// `item` a string.
	return JSON.stringify(value, function (this: Record<string, unknown>, key, item: unknown) {
		const own = this[key];
		return typeof own === 'bigint' ? `${marker}${own.toString()}` : item;
	}).replace(new RegExp(`"${marker}(-?\\d+)"`, 'g'), '$1');
}

export function parseJson(buf: Buffer): unknown {
	try {
		return JSON.parse(buf.toString('utf8'));
	} catch {
		return undefined;
	}
}

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
