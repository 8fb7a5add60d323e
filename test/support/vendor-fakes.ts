/* The fake vendors as the node tests use them: both fakes and an image host for a suite, credentials pointing at a fake, and tasks created through a fake's API. */
import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import {
	SELLERPIC_SAMPLE_KEY,
	startPiApiFake,
	startSellerPicFake,
	type PiApiFake,
	type SellerPicFake,
} from '../fake';
import { makeProductPhoto, type ProductPhotoOptions } from '../fake/images';
import { call, sleep, startReceiver, type Receiver } from '../fake/test-client';
import type { TestItem } from '../harness/core-node-stand-ins';
import { runWorkflow } from '../harness/engine';
import { expectKeysNowhere } from './secrets';
import { workflowFor } from './workflows';

export type Vendor = 'sellerpic' | 'piapi';

export const CREDENTIAL_TYPES = { sellerpic: 'sellerPicApi', piapi: 'piApiApi' } as const;

type Credentials = Record<string, ICredentialDataDecryptedObject>;

export interface FakeVendors {
	sellerPic: SellerPicFake;
	piApi: PiApiFake;
	/** Serves the suite's product photo at `imageUrl`. */
	imageHost: Receiver;
	imageUrl: string;
	/** The API key each fake accepts. */
	keys: Record<Vendor, string>;
}

export interface FakeVendorsOptions {
	keys: Record<Vendor, string>;
	/** The product photo the image host serves. */
	photo: ProductPhotoOptions;
	/** Both fakes' task duration; the fakes' own default unless told. */
	taskLatencyMs?: number;
}

/**
 * Both fake vendors and an image host for the suite that calls it: started before its first
 * test, back to their first state (as started) before each test, closed after the last. The
 * object returned is filled in when they have started.
 */
export function useFakeVendors(options: FakeVendorsOptions): FakeVendors {
	const vendors = {} as FakeVendors;
	beforeAll(async () => {
		const latency =
			options.taskLatencyMs === undefined ? {} : { taskLatencyMs: options.taskLatencyMs };
		const [sellerPic, piApi, imageHost] = await Promise.all([
			startSellerPicFake({ apiKey: options.keys.sellerpic, ...latency }),
			startPiApiFake({ apiKey: options.keys.piapi, ...latency }),
			startReceiver(await makeProductPhoto(options.photo)),
		]);
		Object.assign(vendors, {
			sellerPic,
			piApi,
			imageHost,
			imageUrl: `${imageHost.url}/image.png`,
			keys: options.keys,
		});
	});
	beforeEach(() => {
		vendors.sellerPic.reset();
		vendors.piApi.reset();
	});
	afterAll(async () => {
		await Promise.all([
			vendors.sellerPic?.close(),
			vendors.piApi?.close(),
			vendors.imageHost?.close(),
		]);
	});
	return vendors;
}

/** Requests both fakes have had since the test began. */
export function requestCount(vendors: FakeVendors) {
	return vendors.sellerPic.requests.length + vendors.piApi.requests.length;
}

/** The SellerPic credential for a fake (its base URL unless told). */
export function sellerPicCredentials(
	fake: SellerPicFake,
	apiKey: string,
	overrides: ICredentialDataDecryptedObject = {},
): Credentials {
	return { sellerPicApi: { apiKey, baseUrl: fake.baseUrl, ...overrides } };
}

/** The PiAPI credential for a fake (its base and upload URLs unless told). */
export function piApiCredentials(
	fake: PiApiFake,
	apiKey: string,
	overrides: ICredentialDataDecryptedObject = {},
): Credentials {
	return {
		piApiApi: { apiKey, baseUrl: fake.baseUrl, uploadBaseUrl: fake.uploadBaseUrl, ...overrides },
	};
}

/** One vendor's credential for its fake in `vendors` (the fake's URLs and the key it accepts, unless told). */
export function fakeVendorCredentials(
	vendors: FakeVendors,
	vendor: Vendor,
	overrides: ICredentialDataDecryptedObject = {},
): Credentials {
	return vendor === 'sellerpic'
		? sellerPicCredentials(vendors.sellerPic, vendors.keys.sellerpic, overrides)
		: piApiCredentials(vendors.piApi, vendors.keys.piapi, overrides);
}

export interface FakeRunOptions {
	items?: TestItem[];
	continueOnFail?: boolean;
	typeVersion?: number;
	/** Credential fields other than the fake's (a base URL elsewhere). */
	credentials?: ICredentialDataDecryptedObject;
}

/** Runs a cross-vendor node (vendor = `vendor`) against that vendor's fake, then checks that neither fake's key shows anywhere in the run. */
export async function runOnFakes(
	vendors: FakeVendors,
	nodeType: string,
	vendor: Vendor,
	parameters: INodeParameters,
	options: FakeRunOptions = {},
) {
	const workflow = workflowFor(nodeType, { vendor, ...parameters }, options.items, {
		continueOnFail: options.continueOnFail,
		typeVersion: options.typeVersion,
		credentials: [CREDENTIAL_TYPES[vendor]],
	});
	const run = await runWorkflow(workflow, {
		credentials: fakeVendorCredentials(vendors, vendor, options.credentials),
	});
	expectKeysNowhere(run, Object.values(vendors.keys));
	return run;
}

export type TaskState = 'queued' | 'running' | 'succeeded' | 'failed';

/** How far back a task's clock is moved for each state, for a task that takes `latencyMs`. */
const AGE = { queued: 0, running: 0.5, succeeded: 2, failed: 2 } as const;

/** Creates a SellerPic task through the fake's API, then moves its clock to the wanted state. */
export async function createSellerPicTask(
	fake: SellerPicFake,
	apiKey: string,
	state: TaskState,
	latencyMs = 10_000,
) {
	fake.configure({
		taskLatencyMs: latencyMs,
		taskOutcome: () => (state === 'failed' ? 'failed' : 'success'),
	});
	const reply = await call(`${fake.baseUrl}/v1/api/generate/promptSegmentation`, {
		method: 'POST',
		headers: { authorization: `Bearer ${apiKey}` },
		json: { imageKey: SELLERPIC_SAMPLE_KEY, prompt: 'product' },
	});
	const task = fake.tasks.get(String(reply.json.data.id))!;
	task.createdAt -= latencyMs * AGE[state];
	return task;
}

/**
 * Creates a PiAPI task through the fake's API for the image at `imageUrl`, then moves its clock
 * to the wanted state; a finished one has had its mask made first (with `waitForWork`, any state).
 */
export async function createPiApiTask(
	fake: PiApiFake,
	apiKey: string,
	imageUrl: string,
	state: TaskState,
	latencyMs = 10_000,
	waitForWork = false,
) {
	fake.configure({
		taskLatencyMs: latencyMs,
		taskOutcome: () => (state === 'failed' ? 'failed' : 'success'),
	});
	const reply = await call(`${fake.baseUrl}/api/v1/task`, {
		method: 'POST',
		headers: { 'x-api-key': apiKey },
		json: {
			model: 'Qubico/image-toolkit',
			task_type: 'segment',
			input: { image: imageUrl, prompt: 'product', negative_prompt: '', segment_factor: 0 },
		},
	});
	const task = fake.tasks.get(String(reply.json.data.task_id))!;
	if (waitForWork || state === 'succeeded' || state === 'failed') {
		for (let i = 0; i < 200 && task.workDoneAt === undefined; i++) await sleep(10);
	}
	task.createdAt -= latencyMs * AGE[state];
	return task;
}
