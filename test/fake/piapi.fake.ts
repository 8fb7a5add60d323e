import type { IncomingMessage } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { request } from 'undici';
import { makeMask, MIME_BY_FORMAT, sniffImage } from './images';
import {
	baseCounters,
	FakeServer,
	isObject,
	parseJson,
	type Counters,
	type Reply,
	type RequestContext,
	type TaskOutcome,
} from './fake-server';

export const PIAPI_MODEL = 'Qubico/image-toolkit';
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** Task error codes are not published; these are our guesses. */
export const PIAPI_TASK_ERROR_CODES = {
	failed: 10000, // taskOutcome said 'failed'
	imageUnreachable: 10001, // input.image could not be fetched or decoded
	imageTooLarge: 10002, // input.image over maxInputSide
	cancelled: 10003, // DELETE while pending
} as const;

export const PIAPI_ENDPOINTS = [
	'createTask',
	'getTask',
	'cancelTask',
	'accountInfo',
	'upload',
	'uploadedFile',
	'file',
] as const;

/** The upload file types PiAPI's upload takes (lvalics/n8n-nodes-piapi allows these images). */
const UPLOAD_IMAGE_TYPES: Record<string, string> = {
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	png: 'image/png',
	webp: 'image/webp',
};

/**
 * Where the mask URLs go in `output`: `image_url` (the first mask only), `image_urls` (every one),
 * both, `image_url` beside `image_urls: null`, `temporary_image_urls` only, or `image_url` with
 * `temporary_image_urls` (marked `?temporary=1`, the same files).
 */
export type PiApiOutputShape =
	| 'image_url'
	| 'image_urls'
	| 'image_url+image_urls'
	| 'image_url+null'
	| 'temporary_image_urls'
	| 'image_url+temporary';

export type PiApiStatus = 'pending' | 'processing' | 'completed' | 'failed';

export interface PiApiTaskError {
	code: number;
	raw_message: string;
	message: string;
	detail: null;
}

export interface PiApiWebhookConfig {
	endpoint: string;
	secret: string;
}

export interface PiApiTask {
	id: string;
	input: Record<string, unknown>;
	config: { service_mode: string; webhook_config: PiApiWebhookConfig };
	createdAt: number;
	latencyMs: number;
	outcome: TaskOutcome;
	cancelledAt?: number;
	/** Set when fetching the input and building the mask has finished. */
	workDoneAt?: number;
	/** The masks drawn so far, by index (one per thing in the prompt with masksPerPromptThing). */
	masks: Buffer[];
	/** The fetched input, kept until every mask has been asked for. */
	inputImage?: Buffer;
	error?: PiApiTaskError;
	lastPollAt?: number;
}

export interface WebhookDelivery {
	taskId: string;
	endpoint: string;
	attempt: number;
	duplicate: boolean;
	status: number | null;
	error?: string;
	ok: boolean;
	at: number;
	/** From sending the POST to its answer (or failure). */
	durationMs: number;
	/** The task's status in the body (pending or processing for webhookProgressCalls). */
	taskStatus: PiApiStatus;
}

export interface PiApiCounters extends Counters {
	/** Webhook POSTs sent (every attempt, including failed ones and duplicates). */
	webhookDeliveries: number;
}

export interface PiApiConfig {
	apiKey: string;
	/** pending for the first quarter, processing until latency, then terminal (once the mask is built). */
	taskLatencyMs: number;
	outputShape: PiApiOutputShape;
	/**
	 * One mask per comma-separated thing in the prompt (`clothes,shoes,bag` → 3), as the older GoAPI
	 * API returned; false: one mask per task.
	 */
	masksPerPromptThing: boolean;
	/**
	 * The word sent for a status, instead of its own (`success`, `in_progress`, `""`, any case): the
	 * words PiAPI's other clients show.
	 */
	statusWords: Partial<Record<PiApiStatus, string>>;
	/** The envelope's `code` on success: 200, or 0 as one docs example has it. */
	successCode: number;
	/** A task's `error` as the documented object, or as a plain string (one typed client). */
	taskErrorShape: 'object' | 'string';
	/** Where the upload reply puts the URL: `data.url` (docs), or a bare `{ url }` (one CLI). */
	uploadUrlAt: 'data' | 'top';
	/**
	 * The upload docs: file_name's extension must be a supported type, and a data URI's type must
	 * match it. The fake also checks both against the bytes. false: any extension goes.
	 */
	uploadChecksFileType: boolean;
	/** Tasks pending or processing; 0 = unlimited. Over it: HTTP 429 with Retry-After. */
	concurrencyCap: number;
	retryAfterSeconds: number;
	minPollIntervalMs: number;
	rejectTooFastPolls: boolean;
	/** false: the upload host answers 403 (plan too low). */
	uploadAllowed: boolean;
	taskOutcome: (task: PiApiTask) => TaskOutcome;
	/**
	 * The task is finished when create answers (its input fetched, its result ready) and its
	 * webhook goes out at once: a segmentation that ends before the caller can act on the reply.
	 */
	completeOnCreate: boolean;
	/** 'Completed' instead of 'completed', to exercise case-insensitive clients. */
	capitalisedStatus: boolean;
	/** Unknown task id: HTTP 404, or HTTP 200 with the same error body. */
	taskNotFoundAs: 'http404' | 'envelope';
	webhookRetryMs: number;
	/** POSTs per callback until one gets a 2xx; 1 = each callback is delivered once, never retried. */
	webhookMaxAttempts: number;
	/** How long a POST may take before it counts as failed (PiAPI's is not published). */
	webhookTimeoutMs: number;
	webhookDuplicate: boolean;
	/**
	 * PiAPI's newer docs: calls also on creation (status pending) and on progress (processing),
	 * with the same body and secret, before the call at the end.
	 */
	webhookProgressCalls: boolean;
	webhookSecretOverride?: string;
	webhookOmitSecret: boolean;
	maxUploadBytes: number;
	/** Older docs: width and height ≤ 3072 px. 0 = unchecked. */
	maxInputSide: number;
	/** Undocumented: accept data URIs in input.image. */
	acceptDataUriImages: boolean;
	/** false: input.image on any host but loopback fails the task without a network call. */
	allowExternalImageHosts: boolean;
	imageFetchTimeoutMs: number;
	/**
	 * The `data` of GET /account/info, sent as it is: the docs give no shape; a published spec adds
	 * `max_concurrent_task_count` (the plan's tasks at once) among others.
	 */
	account: Record<string, unknown>;
}

export const PIAPI_DEFAULTS: PiApiConfig = {
	apiKey: 'pi-test-key',
	taskLatencyMs: 300,
	outputShape: 'image_url',
	masksPerPromptThing: false,
	statusWords: {},
	successCode: 200,
	taskErrorShape: 'object',
	uploadUrlAt: 'data',
	uploadChecksFileType: true,
	concurrencyCap: 0,
	retryAfterSeconds: 1,
	minPollIntervalMs: 0,
	rejectTooFastPolls: false,
	uploadAllowed: true,
	taskOutcome: () => 'success',
	completeOnCreate: false,
	capitalisedStatus: false,
	taskNotFoundAs: 'http404',
	webhookRetryMs: 200,
	webhookMaxAttempts: 3,
	webhookTimeoutMs: 5_000,
	webhookDuplicate: false,
	webhookProgressCalls: false,
	webhookOmitSecret: false,
	maxUploadBytes: 10 * 1024 * 1024,
	maxInputSide: 3072,
	acceptDataUriImages: false,
	allowExternalImageHosts: false,
	imageFetchTimeoutMs: 5000,
	account: {
		account_id: 'acc-fake-0001',
		account_name: 'fake-account',
		credits: 1000,
		equivalent_in_usd: 10,
	},
};

const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];
const DATA_URI = /^data:([^;,]*)(;base64)?,/;

export class PiApiFake extends FakeServer<PiApiConfig, PiApiCounters> {
	readonly tasks = new Map<string, PiApiTask>();
	readonly uploadedFiles = new Map<string, { name: string; bytes: Buffer }>();
	readonly webhookLog: WebhookDelivery[] = [];

	constructor(options: Partial<PiApiConfig>) {
		super({ ...PIAPI_DEFAULTS, ...options });
		this.setRoutes([
			{
				method: 'POST',
				path: '/api/v1/task',
				endpoint: 'createTask',
				auth: true,
				validate: async (c) => {
					const invalid = this.validateCreate(parseJson(await c.readBody()));
					return invalid ? this.httpError(400, invalid) : undefined;
				},
				handle: (c) => this.create(c),
			},
			{
				method: 'GET',
				path: '/api/v1/task/:id',
				endpoint: 'getTask',
				auth: true,
				handle: (c) => this.get(c),
			},
			{
				method: 'DELETE',
				path: '/api/v1/task/:id',
				endpoint: 'cancelTask',
				auth: true,
				handle: (c) => this.cancel(c),
			},
			{
				method: 'GET',
				path: '/account/info',
				endpoint: 'accountInfo',
				auth: true,
				handle: () => this.accountInfo(),
			},
			{
				method: 'POST',
				path: '/upload-host/api/ephemeral_resource',
				endpoint: 'upload',
				auth: true,
				validate: async (c) => {
					const invalid = await this.validateUpload(parseJson(await c.readBody()));
					return invalid ? this.httpError(400, invalid) : undefined;
				},
				handle: (c) => this.upload(c),
			},
			{
				method: 'GET',
				path: '/upload-host/ephemeral/:hex/:name',
				endpoint: 'uploadedFile',
				storage: true,
				handle: (c) => this.uploadedFile(c),
			},
			{
				method: 'GET',
				path: '/files/:name',
				endpoint: 'file',
				storage: true,
				handle: (c) => this.file(c),
			},
		]);
	}

	get uploadBaseUrl(): string {
		return `${this.baseUrl}/upload-host`;
	}

	get fileBaseUrl(): string {
		return `${this.baseUrl}/files`;
	}

	statusOf(task: PiApiTask, now = Date.now()): PiApiStatus {
		if (task.cancelledAt !== undefined) return 'failed';
		const elapsed = now - task.createdAt;
		if (elapsed < task.latencyMs / 4) return 'pending';
		if (elapsed < task.latencyMs || task.outcome === 'never' || task.workDoneAt === undefined)
			return 'processing';
		return task.error ? 'failed' : 'completed';
	}

	inFlight(): number {
		const now = Date.now();
		let count = 0;
		for (const task of this.tasks.values()) {
			const status = this.statusOf(task, now);
			if (status === 'pending' || status === 'processing') count++;
		}
		return count;
	}

	/** The `data` object of GET /api/v1/task/:id (and of webhook bodies). */
	taskData(task: PiApiTask): Record<string, unknown> {
		const status = this.statusOf(task);
		const startedAt = task.createdAt + task.latencyMs / 4;
		const endedAt =
			task.cancelledAt ?? Math.max(task.createdAt + task.latencyMs, task.workDoneAt ?? 0);
		const terminal = status === 'completed' || status === 'failed';
		return {
			task_id: task.id,
			model: PIAPI_MODEL,
			task_type: 'segment',
			status: this.statusWord(status),
			config: task.config,
			input: task.input,
			output: status === 'completed' ? this.output(task) : null,
			meta: {
				created_at: new Date(task.createdAt).toISOString(),
				started_at:
					status !== 'pending' && task.cancelledAt === undefined
						? new Date(startedAt).toISOString()
						: GO_ZERO_TIME,
				ended_at: terminal ? new Date(endedAt).toISOString() : GO_ZERO_TIME,
			},
			detail: null,
			logs: [],
			error: this.errorField(status === 'failed' ? task.error : undefined),
		};
	}

	private statusWord(status: PiApiStatus): string {
		const word = this.config.statusWords[status] ?? status;
		return this.config.capitalisedStatus && word ? word[0].toUpperCase() + word.slice(1) : word;
	}

	private errorField(error: PiApiTaskError | undefined): unknown {
		if (this.config.taskErrorShape === 'string') return error?.message ?? '';
		return error ?? { code: 0, raw_message: '', message: '', detail: null };
	}

	protected newCounters(): PiApiCounters {
		return { ...baseCounters(), webhookDeliveries: 0 };
	}

	protected onReset(): void {
		this.tasks.clear();
		this.uploadedFiles.clear();
		this.webhookLog.length = 0;
	}

	protected isAuthorized(req: IncomingMessage): boolean {
		return req.headers['x-api-key'] === this.config.apiKey;
	}

	protected unauthorized(): Reply {
		return this.httpError(401, 'Invalid API key');
	}

	protected httpError(status: number, message: string): Reply {
		return { status, json: { code: status, message, data: null } };
	}

	protected envelopeError(code: number | undefined, message: string): Reply {
		return { status: 200, json: { code: code ?? 500, message, data: null } };
	}

	private ok(data: unknown): Reply {
		return { status: 200, json: { code: this.config.successCode, message: 'success', data } };
	}

	private async create(ctx: RequestContext): Promise<Reply> {
		const body = parseJson(await ctx.readBody());
		const { input, config } = body as {
			input: Record<string, unknown>;
			config?: Record<string, unknown>;
		};
		if (this.config.concurrencyCap > 0 && this.inFlight() >= this.config.concurrencyCap) {
			const reply = this.httpError(
				429,
				`concurrency limit of ${this.config.concurrencyCap} tasks reached for your plan`,
			);
			reply.headers = { 'retry-after': this.config.retryAfterSeconds };
			return reply;
		}
		const webhook = isObject(config?.webhook_config) ? config.webhook_config : {};
		const task: PiApiTask = {
			id: randomUUID(),
			input,
			config: {
				service_mode: typeof config?.service_mode === 'string' ? config.service_mode : '',
				webhook_config: {
					endpoint: typeof webhook.endpoint === 'string' ? webhook.endpoint : '',
					secret: typeof webhook.secret === 'string' ? webhook.secret : '',
				},
			},
			createdAt: Date.now(),
			latencyMs: this.config.completeOnCreate ? 0 : this.config.taskLatencyMs,
			outcome: 'success',
			masks: [],
		};
		task.outcome = this.config.taskOutcome(task);
		this.tasks.set(task.id, task);
		this.counters.creates++;
		this.notePeakInFlight(this.inFlight());
		if (this.config.completeOnCreate) await this.work(task);
		else void this.work(task);
		const reply = this.ok(this.taskData(task));
		if (task.config.webhook_config.endpoint) {
			if (this.config.webhookProgressCalls) this.sendProgressCalls(task);
			this.later(task.latencyMs, () => void this.notifyWhenDone(task));
		}
		return reply;
	}

	private validateCreate(body: unknown): string | undefined {
		if (!isObject(body)) return 'request body must be a JSON object';
		if (body.model !== PIAPI_MODEL) return `invalid model: ${String(body.model)}`;
		if (body.task_type !== 'segment')
			return `invalid task_type for ${PIAPI_MODEL}: ${String(body.task_type)}`;
		const { input, config } = body;
		if (!isObject(input)) return 'input is required';
		if (typeof input.image !== 'string' || !this.isAcceptedImageRef(input.image)) {
			return 'input.image must be an http(s) URL';
		}
		if (typeof input.prompt !== 'string' || input.prompt.trim() === '')
			return 'input.prompt is required';
		if (typeof input.negative_prompt !== 'string')
			return 'input.negative_prompt is required (may be empty)';
		if (!Number.isInteger(input.segment_factor)) return 'input.segment_factor must be an integer';
		if (config === undefined) return undefined;
		if (!isObject(config)) return 'config must be an object';
		if (
			config.service_mode !== undefined &&
			!['', 'public', 'private'].includes(String(config.service_mode))
		) {
			return 'config.service_mode must be public, private or empty';
		}
		const webhook = config.webhook_config;
		if (webhook === undefined) return undefined;
		if (!isObject(webhook)) return 'config.webhook_config must be an object';
		if (webhook.endpoint !== undefined && webhook.endpoint !== '' && !isHttpUrl(webhook.endpoint)) {
			return 'config.webhook_config.endpoint must be an http(s) URL';
		}
		if (webhook.secret !== undefined && typeof webhook.secret !== 'string')
			return 'config.webhook_config.secret must be a string';
		return undefined;
	}

	private async validateUpload(body: unknown): Promise<string | undefined> {
		if (!isObject(body)) return 'request body must be a JSON object';
		const { file_name: name, file_data: data } = body;
		if (
			typeof name !== 'string' ||
			name.length === 0 ||
			name.length > 128 ||
			!/\.[A-Za-z0-9]+$/.test(name) ||
			name.includes('/')
		) {
			return 'file_name must be 1-128 characters with an extension';
		}
		if (typeof data !== 'string' || data === '') return 'file_data is required';
		const base64 = data.replace(DATA_URI, '').replace(/\s/g, '');
		if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return 'file_data must be base64 or a data URI';
		const bytes = Buffer.from(base64, 'base64');
		if (bytes.length === 0) return 'file_data is empty';
		return this.config.uploadChecksFileType
			? await fileTypeProblem(name, DATA_URI.exec(data)?.[1], bytes)
			: undefined;
	}

	private isAcceptedImageRef(image: string): boolean {
		return isHttpUrl(image) || (this.config.acceptDataUriImages && DATA_URI.test(image));
	}

	/** Fetches input.image and builds the mask; the task's clock decides when the result shows. */
	private async work(task: PiApiTask): Promise<void> {
		try {
			if (task.outcome === 'never') return;
			if (task.outcome === 'failed') {
				task.error = taskError(
					PIAPI_TASK_ERROR_CODES.failed,
					'segmentation failed',
					'model returned no mask',
				);
				return;
			}
			const image = await this.fetchInput(String(task.input.image));
			const info = await sniffImage(image);
			if (!info.format) throw new Error('input is not a decodable image');
			const side = Math.max(info.width ?? 0, info.height ?? 0);
			if (this.config.maxInputSide > 0 && side > this.config.maxInputSide) {
				task.error = taskError(
					PIAPI_TASK_ERROR_CODES.imageTooLarge,
					`image too large: max ${this.config.maxInputSide} px per side`,
					`image is ${info.width}x${info.height}`,
				);
				return;
			}
			// The mask is drawn when first downloaded, so the fake's own CPU time never delays the
			// task beyond its configured latency (benchmarks measure the node, not the fake).
			task.inputImage = image;
		} catch (error) {
			task.error = taskError(
				PIAPI_TASK_ERROR_CODES.imageUnreachable,
				'failed to get input image',
				(error as Error).message,
			);
		} finally {
			task.workDoneAt = Date.now();
		}
	}

	private async fetchInput(image: string): Promise<Buffer> {
		const dataUri = DATA_URI.exec(image);
		if (dataUri) return Buffer.from(image.slice(dataUri[0].length), dataUri[2] ? 'base64' : 'utf8');
		const url = new URL(image);
		if (!this.config.allowExternalImageHosts && !LOOPBACK_HOSTS.includes(url.hostname)) {
			throw new Error(`cannot reach ${url.hostname} (the fake only fetches loopback URLs)`);
		}
		const response = await request(url, {
			signal: AbortSignal.any([
				this.backgroundSignal,
				AbortSignal.timeout(this.config.imageFetchTimeoutMs),
			]),
		});
		const bytes = Buffer.from(await response.body.arrayBuffer());
		if (response.statusCode < 200 || response.statusCode > 299)
			throw new Error(`GET ${image} answered ${response.statusCode}`);
		return bytes;
	}

	private get(ctx: RequestContext): Reply {
		const task = this.tasks.get(ctx.params.id);
		if (!task) return this.taskNotFound();
		this.counters.polls++;
		if (this.notePoll(task, this.config.minPollIntervalMs) && this.config.rejectTooFastPolls) {
			const reply = this.httpError(429, 'too many requests: poll less often');
			reply.headers = { 'retry-after': Math.ceil(this.config.minPollIntervalMs / 1000) };
			return reply;
		}
		return this.ok(this.taskData(task));
	}

	private cancel(ctx: RequestContext): Reply {
		const task = this.tasks.get(ctx.params.id);
		if (!task) return this.taskNotFound();
		if (this.statusOf(task) !== 'pending')
			return this.httpError(400, 'only pending tasks can be cancelled');
		task.cancelledAt = Date.now();
		task.error = taskError(PIAPI_TASK_ERROR_CODES.cancelled, 'task cancelled', 'cancelled by user');
		return this.ok(this.taskData(task));
	}

	private taskNotFound(): Reply {
		const reply = this.httpError(404, 'task not found');
		if (this.config.taskNotFoundAs === 'envelope') reply.status = 200;
		return reply;
	}

	private accountInfo(): Reply {
		return this.ok(this.config.account);
	}

	private async upload(ctx: RequestContext): Promise<Reply> {
		if (!this.config.uploadAllowed)
			return this.httpError(
				403,
				'file upload is not available on your plan: upgrade to a paid plan',
			);
		const { file_name: name, file_data: data } = parseJson(await ctx.readBody()) as {
			file_name: string;
			file_data: string;
		};
		const bytes = Buffer.from(data.replace(DATA_URI, '').replace(/\s/g, ''), 'base64');
		if (bytes.length > this.config.maxUploadBytes)
			return this.httpError(400, 'file_data is larger than 10 MB');
		const hex = randomBytes(16).toString('hex');
		this.uploadedFiles.set(hex, { name, bytes });
		this.counters.uploads++;
		const url = `${this.uploadBaseUrl}/ephemeral/${hex}/${encodeURIComponent(name)}`;
		if (this.config.uploadUrlAt === 'top') return { status: 200, json: { url } };
		return {
			status: 200,
			json: { code: this.config.successCode, data: { url }, message: 'success' },
		};
	}

	private async uploadedFile(ctx: RequestContext): Promise<Reply> {
		const file = this.uploadedFiles.get(ctx.params.hex);
		if (!file || file.name !== ctx.params.name) return { status: 404, body: 'Not Found' };
		const { format } = await sniffImage(file.bytes);
		return {
			status: 200,
			headers: { 'content-type': format ? MIME_BY_FORMAT[format] : 'application/octet-stream' },
			body: file.bytes,
		};
	}

	/** `/files/<task id>.png` is a task's first mask, `/files/<task id>_<n>.png` its n-th. */
	private async file(ctx: RequestContext): Promise<Reply> {
		const [, id, number] = /^(.+?)(?:_(\d+))?\.png$/.exec(ctx.params.name) ?? [];
		const task = id === undefined ? undefined : this.tasks.get(id);
		const index = number === undefined ? 0 : Number(number) - 1;
		if (
			!task ||
			index < 0 ||
			index >= this.maskCount(task) ||
			(!task.masks[index] && !task.inputImage) ||
			this.statusOf(task) !== 'completed'
		)
			return { status: 404, body: 'Not Found' };
		if (!task.masks[index]) {
			// Each thing its own mask: the edge moved 2 px further in per thing, so the files differ.
			task.masks[index] = await makeMask(task.inputImage!, {
				edgeShiftPx: Number(task.input.segment_factor) - 2 * index,
			});
			if (task.masks.filter(Boolean).length === this.maskCount(task)) task.inputImage = undefined;
		}
		this.counters.fileDownloads++;
		return { status: 200, headers: { 'content-type': 'image/png' }, body: task.masks[index] };
	}

	/** How many masks a task returns: one, or one per thing in its prompt. */
	maskCount(task: PiApiTask): number {
		if (!this.config.masksPerPromptThing) return 1;
		const things = String(task.input.prompt)
			.split(',')
			.filter((thing) => thing.trim() !== '');
		return Math.max(1, things.length);
	}

	/** The URLs of a completed task's masks, in the prompt's order. */
	maskUrls(task: PiApiTask): string[] {
		return Array.from(
			{ length: this.maskCount(task) },
			(_, index) => `${this.fileBaseUrl}/${task.id}${index ? `_${index + 1}` : ''}.png`,
		);
	}

	private output(task: PiApiTask): Record<string, unknown> {
		const urls = this.maskUrls(task);
		const temporary = urls.map((url) => `${url}?temporary=1`);
		switch (this.config.outputShape) {
			case 'image_urls':
				return { image_urls: urls };
			case 'image_url+image_urls':
				return { image_url: urls[0], image_urls: urls };
			case 'image_url+null':
				return { image_url: urls[0], image_urls: null };
			case 'temporary_image_urls':
				return { temporary_image_urls: temporary };
			case 'image_url+temporary':
				return { image_url: urls[0], temporary_image_urls: temporary };
			default:
				return { image_url: urls[0] };
		}
	}

	/** webhookProgressCalls: a call on creation (pending), then one once the task is processing. */
	private sendProgressCalls(task: PiApiTask): void {
		const call = () => {
			if (this.tasks.get(task.id) !== task || task.cancelledAt !== undefined) return;
			void this.deliver(task, this.webhookBody(task), false);
		};
		call();
		this.later(Math.max(1, task.latencyMs / 2), call);
	}

	private async notifyWhenDone(task: PiApiTask): Promise<void> {
		while (this.tasks.get(task.id) === task && task.cancelledAt === undefined) {
			const status = this.statusOf(task);
			if (status === 'completed' || status === 'failed') break;
			if (task.outcome === 'never') return;
			await this.sleep(20);
		}
		if (this.tasks.get(task.id) !== task || task.cancelledAt !== undefined) return;
		const body = this.webhookBody(task);
		const delivered = await this.deliver(task, body, false);
		if (delivered && this.config.webhookDuplicate) await this.deliver(task, body, true);
	}

	/** Up to webhookMaxAttempts POSTs, webhookRetryMs apart, until one gets a 2xx. */
	/** A webhook body, `{ timestamp, data }`, and the task's status in it. */
	private webhookBody(task: PiApiTask) {
		const taskStatus = this.statusOf(task);
		const text = JSON.stringify({
			timestamp: Math.floor(Date.now() / 1000),
			data: this.taskData(task),
		});
		return { taskStatus, text };
	}

	private async deliver(
		task: PiApiTask,
		{ taskStatus, text: body }: { taskStatus: PiApiStatus; text: string },
		duplicate: boolean,
	): Promise<boolean> {
		const { endpoint, secret } = task.config.webhook_config;
		const headers: Record<string, string> = { 'content-type': 'application/json' };
		if (!this.config.webhookOmitSecret)
			headers['x-webhook-secret'] = this.config.webhookSecretOverride ?? secret;
		// This delivery's signal: after a reset the getter gives a new one, and retries of a task
		// from before the reset must not reach the next test's receiver.
		const signal = this.backgroundSignal;
		for (let attempt = 1; attempt <= this.config.webhookMaxAttempts; attempt++) {
			if (attempt > 1) await this.sleep(this.config.webhookRetryMs);
			if (signal.aborted) return false;
			this.counters.webhookDeliveries++;
			const entry: WebhookDelivery = {
				taskId: task.id,
				endpoint,
				attempt,
				duplicate,
				status: null,
				ok: false,
				at: Date.now(),
				durationMs: 0,
				taskStatus,
			};
			try {
				const response = await request(endpoint, {
					method: 'POST',
					headers,
					body,
					signal: AbortSignal.any([signal, AbortSignal.timeout(this.config.webhookTimeoutMs)]),
				});
				await response.body.dump();
				entry.status = response.statusCode;
				entry.ok = response.statusCode >= 200 && response.statusCode <= 299;
			} catch (error) {
				entry.error = (error as Error).message;
			}
			// Cut off by a reset or close: it belongs to the state before, not to this log.
			if (signal.aborted) return false;
			entry.durationMs = Date.now() - entry.at;
			this.webhookLog.push(entry);
			if (entry.ok) return true;
		}
		return false;
	}
}

/**
 * Why an upload's file_name does not fit its data (undefined when it does): its extension must be
 * a supported image type, and match the data URI's type (if any) and the bytes themselves.
 */
async function fileTypeProblem(
	name: string,
	dataUriType: string | undefined,
	bytes: Buffer,
): Promise<string | undefined> {
	const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1].toLowerCase() ?? '';
	const type = UPLOAD_IMAGE_TYPES[extension];
	if (!type) return `file_name extension .${extension} is not a supported file type`;
	if (dataUriType && dataUriType.toLowerCase() !== type)
		return `file_data type ${dataUriType} does not match the file_name extension .${extension}`;
	const { format } = await sniffImage(bytes);
	if (format && MIME_BY_FORMAT[format] !== type)
		return `file_data is ${format}, which does not match the file_name extension .${extension}`;
	return undefined;
}

function taskError(code: number, message: string, rawMessage: string): PiApiTaskError {
	return { code, raw_message: rawMessage, message, detail: null };
}

function isHttpUrl(value: unknown): boolean {
	if (typeof value !== 'string') return false;
	try {
		const { protocol } = new URL(value);
		return protocol === 'http:' || protocol === 'https:';
	} catch {
		return false;
	}
}

export async function startPiApiFake(
	options: Partial<PiApiConfig> & { port?: number } = {},
): Promise<PiApiFake> {
	const { port, ...config } = options;
	const fake = new PiApiFake(config);
	await fake.listen(port ?? 0);
	return fake;
}
