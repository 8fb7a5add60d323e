/* Where a vendor's checks run: the real service (a key is set) or a local fake, and the photo they segment. */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { inspectImage } from '../../nodes/shared/image/inspect';
import { PIAPI_BASE_URL, PIAPI_UPLOAD_BASE_URL } from '../../nodes/vendors/piapi/profile';
import { SELLERPIC_BASE_URL, SELLERPIC_LIMITS } from '../../nodes/vendors/sellerpic/profile';
import { makeProductPhoto } from '../fake/images';
import { startPiApiFake, type PiApiConfig } from '../fake/piapi.fake';
import { startSellerPicFake, type SellerPicConfig } from '../fake/sellerpic.fake';
import { headline, send } from './http';
import type { Redactor } from './redact';
import type { InputImage, VendorSetup } from './setup';

export type VendorId = 'sellerpic' | 'piapi';

/** Changes to the fakes' defaults (tests use it to make a fake differ). */
export interface FakeOverrides {
	sellerpic?: Partial<SellerPicConfig>;
	piapi?: Partial<PiApiConfig>;
}

export interface Settings {
	overCapacity: boolean;
	sellerPicPollSeconds: number;
	maxExtraTasks: number;
	prompt: string;
}

/** The fake PiAPI's plan: it reports and enforces this many tasks at once. */
const FAKE_PIAPI_CAP = 2;

export async function photo(): Promise<InputImage> {
	const bytes = await makeProductPhoto({ width: 640, height: 480, seed: 28 });
	return { bytes, width: 640, height: 480, format: 'png', source: 'generated 640x480 PNG' };
}

/** A number setting from the environment, or its default; anything else stops the run before any call. */
export function positive(env: Record<string, string | undefined>, name: string, fallback: number) {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value <= 0)
		throw new Error(`${name} must be a positive number, got "${raw}"`);
	return value;
}

/** The image at LIVE_IMAGE_URL (fetched once, without any key), or undefined. */
export async function imageAt(url: string | undefined, print: (line: string) => void) {
	if (!url) return undefined;
	const fetched = await send({ url, timeoutMs: 120_000 });
	const info = inspectImage(fetched.bytes);
	if (fetched.status === 200 && info?.width && info.height)
		return {
			bytes: fetched.bytes,
			width: info.width,
			height: info.height,
			format: info.format,
			url,
			source: 'LIVE_IMAGE_URL',
		};
	print(`LIVE_IMAGE_URL gave no image (${headline(fetched)}): not used.`);
	return undefined;
}

/** A vendor checked for real: its key, its base URLs (or the env's), patient polling. */
export function realSetup(
	vendor: VendorId,
	apiKey: string,
	env: Record<string, string | undefined>,
	settings: Settings,
	uploadPhoto: InputImage,
	liveImage: InputImage | undefined,
	redactor: Redactor,
	print: (line: string) => void,
): VendorSetup {
	let image = liveImage;
	const sellerPic = vendor === 'sellerpic';
	const { maxBytes, maxSide = Infinity } = SELLERPIC_LIMITS.prompt;
	if (
		sellerPic &&
		image &&
		(image.bytes.length > maxBytes || Math.max(image.width, image.height) > maxSide)
	) {
		print(
			`LIVE_IMAGE_URL is over SellerPic's limits (10 MB, ${maxSide} px): SellerPic segments a generated photo.`,
		);
		image = undefined;
	}
	return {
		target: 'real',
		apiKey,
		baseUrl:
			(sellerPic ? env.SELLERPIC_BASE_URL : env.PIAPI_BASE_URL) ||
			(sellerPic ? SELLERPIC_BASE_URL : PIAPI_BASE_URL),
		uploadBaseUrl: sellerPic ? undefined : env.PIAPI_UPLOAD_BASE_URL || PIAPI_UPLOAD_BASE_URL,
		// SellerPic segments the generated photo unless LIVE_IMAGE_URL gives one; PiAPI needs a URL.
		image: image ?? (sellerPic ? uploadPhoto : undefined),
		uploadImage: uploadPhoto,
		prompt: settings.prompt,
		pollGapMs: sellerPic ? settings.sellerPicPollSeconds * 1000 : 2_000,
		earlyCheckGapMs: 1_000,
		maxWaitMs: sellerPic ? 15 * 60_000 : 5 * 60_000,
		overCapacity: settings.overCapacity,
		maxExtraTasks: settings.maxExtraTasks,
		redactor,
	};
}

/** A vendor checked against its fake, started here with a random key; fast polling; free over capacity. */
export async function fakeSetup(
	vendor: VendorId,
	uploadPhoto: InputImage,
	redactor: Redactor,
	overrides: FakeOverrides | undefined,
	cleanups: Array<() => Promise<void>>,
): Promise<VendorSetup> {
	// A fresh random key, so the no-secret check would catch any leak of it.
	const apiKey = `${vendor}-fake-${randomBytes(12).toString('hex')}`;
	redactor.add(apiKey);
	const common = {
		target: 'fake' as const,
		apiKey,
		uploadImage: uploadPhoto,
		prompt: 'product',
		pollGapMs: 25,
		earlyCheckGapMs: 0,
		maxWaitMs: 10_000,
		overCapacity: true,
		maxExtraTasks: 10,
		redactor,
	};
	if (vendor === 'sellerpic') {
		const fake = await startSellerPicFake({ apiKey, ...overrides?.sellerpic });
		cleanups.push(() => fake.close());
		return { ...common, baseUrl: fake.baseUrl, image: uploadPhoto };
	}
	const fake = await startPiApiFake({
		apiKey,
		concurrencyCap: FAKE_PIAPI_CAP,
		account: { ...fakeAccount(), max_concurrent_task_count: FAKE_PIAPI_CAP },
		...overrides?.piapi,
	});
	cleanups.push(() => fake.close());
	const server = await servePhoto(uploadPhoto.bytes);
	cleanups.push(
		() =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	);
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/photo.png`;
	return {
		...common,
		baseUrl: fake.baseUrl,
		uploadBaseUrl: fake.uploadBaseUrl,
		image: { ...uploadPhoto, url, source: 'generated, served on loopback' },
	};
}

function fakeAccount() {
	return {
		account_id: 'acc-live-check',
		account_name: 'live-check',
		credits: 1000,
		equivalent_in_usd: 10,
	};
}

/** Serves the photo on loopback, for the fake PiAPI to fetch as input.image. */
async function servePhoto(bytes: Buffer) {
	const server = http.createServer((_req, res) => {
		res.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length });
		res.end(bytes);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return server;
}
