import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import {
	convertMask,
	makeMask,
	makeProductPhoto,
	MIME_BY_FORMAT,
	sniffImage,
	type ImageInfo,
	type MaskFormat,
} from './images';
import {
	baseCounters,
	FakeServer,
	isObject,
	newTraceId,
	parseJson,
	type Counters,
	type Reply,
	type RequestContext,
	type TaskOutcome,
} from './fake-server';

/** Error codes. Only 0 and 30003 are documented; the others are our guesses (the error table is not public). */
export const SELLERPIC_CODES = {
	ok: 0,
	concurrencyLimit: 30003,
	badRequest: 40001, // guess: missing or invalid parameter
	unsupportedFormat: 40002, // guess: not jpg/jpeg/png/webp, or animated
	fileTooLarge: 40003, // guess: over the upload or task size limit
	imageKeyNotFound: 40004, // guess: imageKey was never uploaded
	resolutionTooHigh: 40005, // guess: longest side over the task limit
	taskNotFound: 40006, // guess: unknown task id
	resultNotFound: 40007, // guess: unknown result id (or a task id given instead)
	resultNotReady: 40008, // guess: download asked for a result that is not SUCCESS
	taskFailed: 50001, // guess: resultList[].errorCode of a FAILED result
	unauthorized: 401,
	tooManyRequests: 429,
} as const;

export const SELLERPIC_ENDPOINTS = [
	'upload',
	'uploadUrl',
	'storagePut',
	'promptSegmentation',
	'segmentImage',
	'taskStatus',
	'downloadUrl',
	'storageGet',
	'usage',
	'presets',
] as const;

export const SELLERPIC_SAMPLE_KEY = 'UPLOAD/MANAGE/SAMPLE/product/1-original.png';

export type SellerPicStatus = 'CREATED' | 'RUNNING' | 'SUCCESS' | 'FAILED';
export type SellerPicTaskKind = 'promptSegmentation' | 'segmentImage';

export interface SellerPicResult {
	id: string;
	maskHex: string;
	outcome: TaskOutcome;
}

export interface SellerPicTask {
	id: string;
	/** The first result's id and mask name (the only ones unless resultsPerTask says more). */
	resultId: string;
	/** Every result of the task, in resultList's order. */
	results: SellerPicResult[];
	kind: SellerPicTaskKind;
	imageKey: string;
	prompt?: string;
	type?: string;
	expandPixels?: number;
	createdAt: number;
	latencyMs: number;
	outcome: TaskOutcome;
	maskHex: string;
	lastPollAt?: number;
}

export interface SellerPicConfig {
	apiKey: string;
	accountId: string;
	/** CREATED for the first quarter, RUNNING until latency, then terminal (by clock, not by polls). */
	taskLatencyMs: number;
	/** Per task kind, tasks in CREATED or RUNNING; 0 = unlimited. */
	concurrencyCap: number;
	/** 0 = not checked. */
	minPollIntervalMs: number;
	/** Answer a too-fast status check with HTTP 429 instead of only counting it. */
	rejectTooFastPolls: boolean;
	downloadUrlTtlMs: number;
	uploadUrlTtlMs: number;
	/** false: resultList[].fileUrl stays "" even on SUCCESS (clients must call Get Download Url). */
	fileUrlOnSuccess: boolean;
	taskOutcome: (task: SellerPicTask) => TaskOutcome;
	/** guess: unknown task id as HTTP 200 error envelope, or HTTP 404 with the envelope. */
	taskNotFoundAs: 'envelope' | 'http404';
	/** guess: download of a result that is not SUCCESS: a success envelope whose data.status says so, or an error envelope. */
	downloadNotReadyAs: 'status' | 'envelope';
	/** The docs list both 200 and 201 for upload. */
	uploadHttpStatus: 200 | 201;
	maxUploadBytes: number;
	maxTaskImageBytes: number;
	credits: { remaining: number; total: number; usage: number };
	/**
	 * The HTTP status of the capacity refusal (30003): documented nowhere, so it may be 200 or an
	 * error status (400, 429, 500, …); the body is the same error envelope.
	 */
	capacityRefusalStatus: number;
	/**
	 * Ids (create's data.id, resultList[].id) as bare JSON numbers, as SellerPic's int64 types allow:
	 * 19 digits, beyond JavaScript's exact integers.
	 */
	idsAsNumbers: boolean;
	/** The upload reply as a Shopify app's client saw it: msg "SUCCESS" and a request_id. */
	uploadReplyWithRequestId: boolean;
	/**
	 * Refuse an upload whose file name has no extension, or one (or a part Content-Type) that does
	 * not match the bytes.
	 */
	uploadNameMustMatchBytes: boolean;
	/** How many results (resultList entries, each with its own id and mask) a task has. */
	resultsPerTask: number;
	/** Each result's own outcome; the task's outcome for every result unless given. */
	resultOutcome?: (task: SellerPicTask, index: number) => TaskOutcome;
}

export const SELLERPIC_DEFAULTS: SellerPicConfig = {
	apiKey: 'sp-test-key',
	accountId: '1910256820110163968',
	taskLatencyMs: 300,
	concurrencyCap: 5,
	minPollIntervalMs: 0,
	rejectTooFastPolls: false,
	downloadUrlTtlMs: 12 * 60 * 60 * 1000,
	uploadUrlTtlMs: 30 * 60 * 1000,
	fileUrlOnSuccess: false,
	taskOutcome: () => 'success',
	taskNotFoundAs: 'envelope',
	downloadNotReadyAs: 'status',
	uploadHttpStatus: 200,
	maxUploadBytes: 40 * 1024 * 1024,
	maxTaskImageBytes: 10 * 1024 * 1024,
	credits: { remaining: 1000, total: 1000, usage: 0 },
	capacityRefusalStatus: 200,
	idsAsNumbers: false,
	uploadReplyWithRequestId: false,
	uploadNameMustMatchBytes: false,
	resultsPerTask: 1,
};

const MAX_SIDE: Record<SellerPicTaskKind, number> = {
	promptSegmentation: 4096,
	segmentImage: 2000,
};
const UPLOAD_FORMATS: Record<string, string> = {
	jpg: 'jpg',
	jpeg: 'jpg',
	png: 'png',
	webp: 'webp',
};
const EXT_BY_FORMAT: Record<string, string> = { png: 'png', jpeg: 'jpg', webp: 'webp' };
const EXTENSIONS_BY_FORMAT: Record<string, readonly string[]> = {
	png: ['png'],
	jpeg: ['jpg', 'jpeg'],
	webp: ['webp'],
};
const DOWNLOAD_FORMATS: readonly string[] = ['png', 'jpg', 'webp'];
const PRESET_TYPES: readonly string[] = [
	'SWAP_MODEL',
	'SWAP_MODEL_SCENE',
	'AI_BACKGROUND',
	'BACKGROUND',
];

interface StoredImage {
	bytes: Buffer;
	info: ImageInfo;
}

interface SignedUrl {
	expiresAt: number;
}

interface UploadSlot extends SignedUrl {
	fileKey: string;
}

interface DownloadLink extends SignedUrl {
	token: string;
	resultId: string;
	format: MaskFormat;
	name: string;
}

export class SellerPicFake extends FakeServer<SellerPicConfig> {
	readonly tasks = new Map<string, SellerPicTask>();
	readonly images = new Map<string, StoredImage>();
	/** Which task each result belongs to. */
	private readonly taskIdByResultId = new Map<string, string>();
	private readonly uploadSlots = new Map<string, UploadSlot>();
	private readonly downloadLinks = new Map<string, DownloadLink>();
	private readonly masks = new Map<string, Promise<Buffer>>();
	private sampleImage?: StoredImage;
	private nextId = BigInt('1946000000000000000') + BigInt(Math.floor(Math.random() * 1e9));

	constructor(options: Partial<SellerPicConfig>) {
		super({ ...SELLERPIC_DEFAULTS, ...options });
		this.setRoutes([
			{
				method: 'POST',
				path: '/v1/api/upload',
				endpoint: 'upload',
				auth: true,
				validate: async (c) => (await this.uploadForm(c)).invalid,
				handle: (c) => this.upload(c),
			},
			{
				method: 'GET',
				path: '/v1/api/upload/url',
				endpoint: 'uploadUrl',
				auth: true,
				validate: (c) => this.validateUploadUrl(c),
				handle: (c) => this.uploadUrl(c),
			},
			{
				method: 'PUT',
				path: '/storage/upload/:token',
				endpoint: 'storagePut',
				storage: true,
				handle: (c) => this.storagePut(c),
			},
			{
				method: 'POST',
				path: '/v1/api/generate/promptSegmentation',
				endpoint: 'promptSegmentation',
				auth: true,
				validate: (c) => this.validateCreate(c, 'promptSegmentation'),
				handle: (c) => this.create(c, 'promptSegmentation'),
			},
			{
				method: 'POST',
				path: '/v1/api/generate/segmentImage',
				endpoint: 'segmentImage',
				auth: true,
				validate: (c) => this.validateCreate(c, 'segmentImage'),
				handle: (c) => this.create(c, 'segmentImage'),
			},
			{
				method: 'GET',
				path: '/v1/api/generate',
				endpoint: 'taskStatus',
				auth: true,
				validate: (c) =>
					c.url.searchParams.get('id')
						? undefined
						: this.envelopeError(SELLERPIC_CODES.badRequest, 'id is required'),
				handle: (c) => this.status(c),
			},
			{
				method: 'GET',
				path: '/v1/api/download',
				endpoint: 'downloadUrl',
				auth: true,
				validate: (c) => this.validateDownloadUrl(c),
				handle: (c) => this.downloadUrl(c),
			},
			{
				method: 'GET',
				path: '/storage/download/:token/:name',
				endpoint: 'storageGet',
				storage: true,
				handle: (c) => this.storageGet(c),
			},
			{
				method: 'GET',
				path: '/v1/api/usage',
				endpoint: 'usage',
				auth: true,
				handle: () => this.ok(this.config.credits),
			},
			{
				method: 'GET',
				path: '/v1/api/presets',
				endpoint: 'presets',
				auth: true,
				validate: (c) => this.validatePresets(c),
				handle: (c) => this.presets(c),
			},
		]);
	}

	get storageBaseUrl(): string {
		return `${this.baseUrl}/storage`;
	}

	async seedSample(): Promise<void> {
		const bytes = await makeProductPhoto({ width: 512, height: 512, seed: 1 });
		this.sampleImage = { bytes, info: await sniffImage(bytes) };
		this.images.set(SELLERPIC_SAMPLE_KEY, this.sampleImage);
	}

	statusOf(task: SellerPicTask, now = Date.now()): SellerPicStatus {
		const elapsed = now - task.createdAt;
		if (elapsed < task.latencyMs / 4) return 'CREATED';
		if (elapsed < task.latencyMs || task.outcome === 'never') return 'RUNNING';
		return task.outcome === 'failed' ? 'FAILED' : 'SUCCESS';
	}

	inFlight(kind?: SellerPicTaskKind): number {
		const now = Date.now();
		let count = 0;
		for (const task of this.tasks.values()) {
			if (kind && task.kind !== kind) continue;
			const status = this.statusOf(task, now);
			if (status === 'CREATED' || status === 'RUNNING') count++;
		}
		return count;
	}

	/** Makes every download URL handed out so far answer 403. */
	expireDownloadUrls(): void {
		for (const link of this.downloadLinks.values()) link.expiresAt = 0;
	}

	/** Makes every pre-signed upload URL answer 403. */
	expireUploadUrls(): void {
		for (const slot of this.uploadSlots.values()) slot.expiresAt = 0;
	}

	protected newCounters(): Counters {
		return baseCounters();
	}

	protected onReset(): void {
		this.tasks.clear();
		this.images.clear();
		this.taskIdByResultId.clear();
		this.uploadSlots.clear();
		this.downloadLinks.clear();
		this.masks.clear();
		if (this.sampleImage) this.images.set(SELLERPIC_SAMPLE_KEY, this.sampleImage);
	}

	protected isAuthorized(req: IncomingMessage): boolean {
		const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
		return match !== null && match[1].trim() === this.config.apiKey;
	}

	protected unauthorized(): Reply {
		return this.httpError(401, 'Unauthorized: invalid or missing API key');
	}

	protected httpError(status: number, message: string): Reply {
		return { status, json: this.envelope(status, message, null) };
	}

	protected envelopeError(code: number | undefined, message: string): Reply {
		return { status: 200, json: this.envelope(code ?? SELLERPIC_CODES.badRequest, message, null) };
	}

	private envelope(code: number, msg: string, data: unknown): unknown {
		return { code, success: code === 0, msg, data, traceId: newTraceId() };
	}

	private ok(data: unknown, status = 200): Reply {
		return { status, json: this.envelope(0, 'success', data) };
	}

	/** An id as the reply carries it: text, or a bare JSON number when idsAsNumbers is on. */
	private idValue(id: string): string | bigint {
		return this.config.idsAsNumbers ? BigInt(id) : id;
	}

	/** The upload's form and its "file" field, or why the request is invalid. */
	private async uploadForm(
		ctx: RequestContext,
	): Promise<{ file: File; invalid?: undefined } | { file?: undefined; invalid: Reply }> {
		const contentType = ctx.req.headers['content-type'] ?? '';
		if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
			return {
				invalid: this.envelopeError(
					SELLERPIC_CODES.badRequest,
					'Content-Type must be multipart/form-data',
				),
			};
		}
		let form: FormData;
		try {
			form = await new Response(new Uint8Array(await ctx.readBody()), {
				headers: { 'content-type': contentType },
			}).formData();
		} catch {
			return { invalid: this.envelopeError(SELLERPIC_CODES.badRequest, 'invalid multipart body') };
		}
		const file = form.get('file');
		if (file === null || typeof file === 'string') {
			return {
				invalid: this.envelopeError(SELLERPIC_CODES.badRequest, 'form field "file" is required'),
			};
		}
		return { file };
	}

	private async upload(ctx: RequestContext): Promise<Reply> {
		const { file, invalid } = await this.uploadForm(ctx);
		if (invalid) return invalid;
		if (file.size > this.config.maxUploadBytes) {
			return this.envelopeError(
				SELLERPIC_CODES.fileTooLarge,
				'file too large: the upload limit is 40 MB',
			);
		}
		const bytes = Buffer.from(await file.arrayBuffer());
		const info = await sniffImage(bytes);
		const ext = info.format ? EXT_BY_FORMAT[info.format] : undefined;
		if (!ext)
			return this.envelopeError(
				SELLERPIC_CODES.unsupportedFormat,
				'unsupported file format: use jpg, jpeg, png or webp',
			);
		if (this.config.uploadNameMustMatchBytes && !nameMatchesBytes(file, info.format!))
			return this.envelopeError(
				SELLERPIC_CODES.unsupportedFormat,
				`the file name's extension and type must match the file (${file.name}, ${file.type}): use jpg, jpeg, png or webp`,
			);
		const fileKey = this.newFileKey(ext);
		this.images.set(fileKey, { bytes, info });
		this.counters.uploads++;
		if (this.config.uploadReplyWithRequestId) {
			const json = {
				...(this.envelope(0, 'SUCCESS', { fileKey }) as object),
				request_id: newTraceId(),
			};
			return { status: this.config.uploadHttpStatus, json };
		}
		return this.ok({ fileKey }, this.config.uploadHttpStatus);
	}

	private validateUploadUrl(ctx: RequestContext): Reply | undefined {
		if (UPLOAD_FORMATS[(ctx.url.searchParams.get('format') ?? '').toLowerCase()]) return undefined;
		return this.envelopeError(
			SELLERPIC_CODES.badRequest,
			'format must be one of jpg, jpeg, png, webp',
		);
	}

	private uploadUrl(ctx: RequestContext): Reply {
		const ext = UPLOAD_FORMATS[(ctx.url.searchParams.get('format') ?? '').toLowerCase()];
		const fileKey = this.newFileKey(ext);
		const token = randomBytes(16).toString('hex');
		const expiresAt = Date.now() + this.config.uploadUrlTtlMs;
		this.uploadSlots.set(token, { fileKey, expiresAt });
		const imageUrl = `${this.storageBaseUrl}/upload/${token}?Expires=${Math.floor(expiresAt / 1000)}`;
		return this.ok({ fileKey, imageUrl });
	}

	private async storagePut(ctx: RequestContext): Promise<Reply> {
		const slot = this.uploadSlots.get(ctx.params.token);
		if (!slot) return storageError(404, 'NoSuchUpload', 'The specified upload does not exist.');
		if (Date.now() >= slot.expiresAt)
			return storageError(403, 'AccessDenied', 'Request has expired');
		const bytes = await ctx.readBody();
		this.images.set(slot.fileKey, { bytes, info: await sniffImage(bytes) });
		this.counters.uploads++;
		return { status: 200, headers: { etag: `"${randomBytes(16).toString('hex')}"` } };
	}

	/** The body as SellerPic documents it: `{ imageKey, prompt }`, or `{ imageKey, type, expandPixels }` (an integer). */
	private async validateCreate(
		ctx: RequestContext,
		kind: SellerPicTaskKind,
	): Promise<Reply | undefined> {
		const body = parseJson(await ctx.readBody());
		if (!isObject(body))
			return this.envelopeError(SELLERPIC_CODES.badRequest, 'request body must be a JSON object');
		const { imageKey, prompt, type, expandPixels } = body;
		if (typeof imageKey !== 'string' || imageKey === '') {
			return this.envelopeError(SELLERPIC_CODES.badRequest, 'imageKey is required');
		}
		if (kind === 'promptSegmentation' && (typeof prompt !== 'string' || prompt.trim() === '')) {
			return this.envelopeError(SELLERPIC_CODES.badRequest, 'prompt is required');
		}
		if (kind === 'segmentImage') {
			if (typeof type !== 'string' || type.trim() === '') {
				return this.envelopeError(SELLERPIC_CODES.badRequest, 'type is required');
			}
			if (expandPixels === undefined)
				return this.envelopeError(SELLERPIC_CODES.badRequest, 'expandPixels is required');
			if (!Number.isInteger(expandPixels))
				return this.envelopeError(SELLERPIC_CODES.badRequest, 'expandPixels must be an integer');
		}
		return undefined;
	}

	private async create(ctx: RequestContext, kind: SellerPicTaskKind): Promise<Reply> {
		const { imageKey, prompt, type, expandPixels } = parseJson(await ctx.readBody()) as Record<
			string,
			unknown
		> & { imageKey: string };
		const image = this.images.get(imageKey);
		if (!image)
			return this.envelopeError(SELLERPIC_CODES.imageKeyNotFound, `image not found: ${imageKey}`);
		const invalid = this.checkTaskImage(image, kind);
		if (invalid) return invalid;
		if (this.config.concurrencyCap > 0 && this.inFlight(kind) >= this.config.concurrencyCap) {
			const refusal = this.envelopeError(
				SELLERPIC_CODES.concurrencyLimit,
				`The number of running tasks has reached the concurrency limit (${this.config.concurrencyCap}) of your account`,
			);
			return { ...refusal, status: this.config.capacityRefusalStatus };
		}
		const results = Array.from({ length: Math.max(1, this.config.resultsPerTask) }, () => ({
			id: this.newNumericId(),
			maskHex: randomBytes(16).toString('hex'),
			outcome: 'success' as TaskOutcome,
		}));
		const task: SellerPicTask = {
			id: this.newNumericId(),
			resultId: results[0].id,
			results,
			kind,
			imageKey,
			prompt: typeof prompt === 'string' ? prompt : undefined,
			type: typeof type === 'string' ? type : undefined,
			expandPixels: typeof expandPixels === 'number' ? expandPixels : undefined,
			createdAt: Date.now(),
			latencyMs: this.config.taskLatencyMs,
			outcome: 'success',
			maskHex: results[0].maskHex,
		};
		task.outcome = this.config.taskOutcome(task);
		for (const [index, result] of results.entries()) {
			result.outcome = this.config.resultOutcome?.(task, index) ?? task.outcome;
			this.taskIdByResultId.set(result.id, task.id);
		}
		this.tasks.set(task.id, task);
		this.counters.creates++;
		this.notePeakInFlight(this.inFlight());
		return this.ok({ id: this.idValue(task.id) });
	}

	private checkTaskImage(image: StoredImage, kind: SellerPicTaskKind): Reply | undefined {
		const { format, width = 0, height = 0, animated } = image.info;
		if (!format || format === 'gif' || animated) {
			return this.envelopeError(
				SELLERPIC_CODES.unsupportedFormat,
				'unsupported image: use jpg, jpeg, png or webp without animation',
			);
		}
		if (image.bytes.length > this.config.maxTaskImageBytes) {
			return this.envelopeError(
				SELLERPIC_CODES.fileTooLarge,
				'image too large: the limit for this task is 10 MB',
			);
		}
		if (Math.max(width, height) > MAX_SIDE[kind]) {
			return this.envelopeError(
				SELLERPIC_CODES.resolutionTooHigh,
				`image resolution too high: max ${MAX_SIDE[kind]} px`,
			);
		}
		return undefined;
	}

	private status(ctx: RequestContext): Reply {
		const task = this.tasks.get(ctx.url.searchParams.get('id')!);
		if (!task) {
			if (this.config.taskNotFoundAs === 'http404') return this.httpError(404, 'task not found');
			return this.envelopeError(SELLERPIC_CODES.taskNotFound, 'task not found');
		}
		this.counters.polls++;
		if (this.notePoll(task, this.config.minPollIntervalMs) && this.config.rejectTooFastPolls) {
			const reply = this.httpError(429, 'Too Many Requests: poll a task at most once per interval');
			reply.headers = { 'retry-after': Math.ceil(this.config.minPollIntervalMs / 1000) };
			return reply;
		}
		const resultList = task.results.map((result) => {
			const status = this.resultStatus(task, result);
			const failed = status === 'FAILED';
			const fileUrl =
				status === 'SUCCESS' && this.config.fileUrlOnSuccess ? this.linkFor(result, 'png').url : '';
			return {
				id: this.idValue(result.id),
				fileUrl,
				status,
				errorCode: failed ? SELLERPIC_CODES.taskFailed : 0,
				errorMsg: failed ? 'segmentation failed: no object matched the prompt' : '',
			};
		});
		return this.ok({ resultList });
	}

	/** A result's status: the task's until it ends, then the result's own outcome. */
	private resultStatus(task: SellerPicTask, result: SellerPicResult): SellerPicStatus {
		const status = this.statusOf(task);
		if (status === 'CREATED' || status === 'RUNNING') return status;
		if (result.outcome === 'never') return 'RUNNING';
		return result.outcome === 'failed' ? 'FAILED' : 'SUCCESS';
	}

	private validateDownloadUrl(ctx: RequestContext): Reply | undefined {
		const uhd = ctx.url.searchParams.get('uhd');
		if (!DOWNLOAD_FORMATS.includes(ctx.url.searchParams.get('downloadFormat') ?? '')) {
			return this.envelopeError(
				SELLERPIC_CODES.badRequest,
				'downloadFormat must be one of jpg, png, webp',
			);
		}
		if (!ctx.url.searchParams.get('id'))
			return this.envelopeError(SELLERPIC_CODES.badRequest, 'id is required');
		if (uhd !== null && uhd !== 'true' && uhd !== 'false') {
			return this.envelopeError(SELLERPIC_CODES.badRequest, 'uhd must be true or false');
		}
		return undefined;
	}

	private downloadUrl(ctx: RequestContext): Reply {
		const format = ctx.url.searchParams.get('downloadFormat') ?? '';
		const resultId = ctx.url.searchParams.get('id')!;
		const task = this.tasks.get(this.taskIdByResultId.get(resultId) ?? '');
		const result = task?.results.find((entry) => entry.id === resultId);
		if (!task || !result)
			return this.envelopeError(
				SELLERPIC_CODES.resultNotFound,
				'result not found: pass resultList[].id, not the task id',
			);
		const status = this.resultStatus(task, result);
		if (status !== 'SUCCESS') {
			const message = status === 'FAILED' ? 'the task failed' : 'the result is not ready yet';
			if (this.config.downloadNotReadyAs === 'envelope')
				return this.envelopeError(SELLERPIC_CODES.resultNotReady, message);
			return this.ok({ name: '', status, fileUrl: '', errorMsg: message });
		}
		this.counters.downloadUrls++;
		const link = this.linkFor(result, format as MaskFormat);
		return this.ok({ name: link.name, status: 'SUCCESS', fileUrl: link.url, errorMsg: '' });
	}

	/** The same URL until it expires, then a fresh one. */
	private linkFor(result: SellerPicResult, format: MaskFormat): DownloadLink & { url: string } {
		const now = Date.now();
		let link = [...this.downloadLinks.values()].find(
			(l) => l.resultId === result.id && l.format === format && l.expiresAt > now,
		);
		if (!link) {
			link = {
				token: randomBytes(16).toString('hex'),
				resultId: result.id,
				format,
				name: `${result.maskHex}_mask_output.${format}`,
				expiresAt: now + this.config.downloadUrlTtlMs,
			};
			this.downloadLinks.set(link.token, link);
		}
		const url = `${this.storageBaseUrl}/download/${link.token}/${link.name}?Expires=${Math.floor(link.expiresAt / 1000)}`;
		return { ...link, url };
	}

	private async storageGet(ctx: RequestContext): Promise<Reply> {
		const link = this.downloadLinks.get(ctx.params.token);
		if (!link || link.name !== ctx.params.name)
			return storageError(404, 'NoSuchKey', 'The specified key does not exist.');
		if (Date.now() >= link.expiresAt)
			return storageError(403, 'AccessDenied', 'Request has expired');
		const task = this.tasks.get(this.taskIdByResultId.get(link.resultId) ?? '');
		const image = task && this.images.get(task.imageKey);
		if (!task || !image) return storageError(404, 'NoSuchKey', 'The specified key does not exist.');
		const png = await this.maskFor(task, link.resultId, image);
		const body = await convertMask(png, link.format);
		this.counters.fileDownloads++;
		return { status: 200, headers: { 'content-type': MIME_BY_FORMAT[link.format] }, body };
	}

	/** Each result its own mask: the results after the first have a wider edge. */
	private maskFor(task: SellerPicTask, resultId: string, image: StoredImage): Promise<Buffer> {
		let mask = this.masks.get(resultId);
		if (!mask) {
			const index = task.results.findIndex((result) => result.id === resultId);
			const edgeShiftPx = (task.expandPixels ?? 0) + 4 * Math.max(0, index);
			mask = makeMask(image.bytes, { edgeShiftPx });
			this.masks.set(resultId, mask);
		}
		return mask;
	}

	private validatePresets(ctx: RequestContext): Reply | undefined {
		const type = ctx.url.searchParams.get('type') ?? '';
		const pageSize = Number(ctx.url.searchParams.get('pageSize') ?? '10');
		if (!PRESET_TYPES.includes(type))
			return this.envelopeError(
				SELLERPIC_CODES.badRequest,
				`type must be one of ${PRESET_TYPES.join(', ')}`,
			);
		if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 50) {
			return this.envelopeError(SELLERPIC_CODES.badRequest, 'pageSize must be between 1 and 50');
		}
		return undefined;
	}

	private presets(ctx: RequestContext): Reply {
		const type = ctx.url.searchParams.get('type') ?? '';
		const list = [1, 2].map((n) => ({
			id: String(n),
			imageUrl: `${this.storageBaseUrl}/presets/${type.toLowerCase()}-${n}.png`,
			name: `${type} preset ${n}`,
			thumbUrl: `${this.storageBaseUrl}/presets/${type.toLowerCase()}-${n}-thumb.png`,
			userUpload: false,
		}));
		return this.ok({ hasMore: false, list, total: list.length });
	}

	private newFileKey(ext: string): string {
		const d = new Date();
		const pad = (n: number): string => String(n).padStart(2, '0');
		const date = `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
		return `UPLOAD/${this.config.accountId}/${date}/${randomBytes(16).toString('hex')}.${ext}`;
	}

	private newNumericId(): string {
		this.nextId += BigInt(1 + Math.floor(Math.random() * 1000));
		return this.nextId.toString();
	}
}

/** Whether an uploaded file's name and part type say the format its bytes have. */
function nameMatchesBytes(file: File, format: string): boolean {
	const extension = /\.([^./]+)$/.exec(file.name)?.[1];
	return (
		extension !== undefined &&
		(EXTENSIONS_BY_FORMAT[format] ?? []).includes(extension) &&
		file.type === MIME_BY_FORMAT[format as keyof typeof MIME_BY_FORMAT]
	);
}

/** The file host speaks like an object store, not like the API. */
function storageError(status: number, code: string, message: string): Reply {
	return {
		status,
		headers: { 'content-type': 'application/xml' },
		body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
	};
}

export async function startSellerPicFake(
	options: Partial<SellerPicConfig> & { port?: number } = {},
): Promise<SellerPicFake> {
	const { port, ...config } = options;
	const fake = new SellerPicFake(config);
	await fake.seedSample();
	await fake.listen(port ?? 0);
	return fake;
}
