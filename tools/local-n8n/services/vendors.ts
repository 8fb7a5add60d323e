/*
 * The vendor side of a real-n8n run: the fake SellerPic and PiAPI servers in this process, or
 * the real vendors when SELLERPIC_API_KEY / PIAPI_API_KEY are set (demo), and always the fake
 * OpenAI-compatible chat model that the AI agent example talks to. Gives the credentials to
 * import, under the ids and names the examples use.
 */
import {
	shapesConfig,
	startOpenAiChatFake,
	startPiApiFake,
	startSellerPicFake,
	type OpenAiChatFake,
	type PiApiFake,
	type SellerPicFake,
	type VendorShapes,
} from '../../../test/fake';
import { CREDENTIALS } from '../n8n/examples';
import type { CredentialJson } from '../n8n/n8n-instance';

export type VendorMode = 'fake' | 'real';

export interface Vendors {
	sellerPic: { mode: VendorMode; fake?: SellerPicFake };
	piApi: { mode: VendorMode; fake?: PiApiFake };
	chatModel: OpenAiChatFake;
	credentials: CredentialJson[];
	close(): Promise<void>;
}

export interface VendorOptions {
	/** How long a fake task takes (default 300 ms). */
	taskLatencyMs?: number;
	/** Use the real vendor for each key given. */
	realKeys?: { sellerPic?: string; piApi?: string };
	/** Let the fake PiAPI fetch images from non-loopback hosts (DEMO_IMAGE_BASE_URL). */
	allowExternalImageHosts?: boolean;
	/**
	 * The fakes' reply shapes: as documented, or mixed with every shape the vendors' public clients
	 * show (default: E2E_VENDOR_SHAPES, else documented).
	 */
	shapes?: VendorShapes;
	/** Fixed ports for the fakes (default: any free port). */
	ports?: { sellerPic?: number; piApi?: number; chatModel?: number };
}

export async function startVendors(options: VendorOptions = {}): Promise<Vendors> {
	const latency = { taskLatencyMs: options.taskLatencyMs ?? 300 };
	const shapes = shapesConfig(
		options.shapes ?? (process.env.E2E_VENDOR_SHAPES === 'mixed' ? 'mixed' : 'documented'),
	);
	const sellerPicKey = options.realKeys?.sellerPic;
	const piApiKey = options.realKeys?.piApi;
	const sellerPicFake = sellerPicKey
		? undefined
		: await startSellerPicFake({ port: options.ports?.sellerPic, ...latency, ...shapes.sellerPic });
	const piApiFake = piApiKey
		? undefined
		: await startPiApiFake({
				port: options.ports?.piApi,
				allowExternalImageHosts: options.allowExternalImageHosts ?? false,
				...latency,
				...shapes.piApi,
			});
	const chatModel = await startOpenAiChatFake({ port: options.ports?.chatModel });

	const sellerPicData: Record<string, string> = sellerPicFake
		? { apiKey: sellerPicFake.config.apiKey, baseUrl: sellerPicFake.baseUrl }
		: { apiKey: sellerPicKey!, baseUrl: 'https://api.sellerpic.ai' };
	const piApiData: Record<string, string> = piApiFake
		? {
				apiKey: piApiFake.config.apiKey,
				baseUrl: piApiFake.baseUrl,
				uploadBaseUrl: piApiFake.uploadBaseUrl,
			}
		: {
				apiKey: piApiKey!,
				baseUrl: 'https://api.piapi.ai',
				uploadBaseUrl: 'https://upload.theapi.app',
			};

	return {
		sellerPic: { mode: sellerPicFake ? 'fake' : 'real', fake: sellerPicFake },
		piApi: { mode: piApiFake ? 'fake' : 'real', fake: piApiFake },
		chatModel,
		credentials: [
			{ ...CREDENTIALS.sellerPic, type: 'sellerPicApi', data: sellerPicData },
			{ ...CREDENTIALS.piApi, type: 'piApiApi', data: piApiData },
			{
				...CREDENTIALS.openAi,
				type: 'openAiApi',
				data: { apiKey: chatModel.config.apiKey, url: chatModel.apiUrl },
			},
		],
		close: async () => {
			await Promise.all([sellerPicFake?.close(), piApiFake?.close(), chatModel.close()]);
		},
	};
}
