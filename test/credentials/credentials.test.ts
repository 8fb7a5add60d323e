import { startPiApiFake, startSellerPicFake, type PiApiFake, type SellerPicFake } from '../fake';
import { testCredential } from '../harness/credential-test';

let sellerPic: SellerPicFake;
let piApi: PiApiFake;

beforeAll(async () => {
	sellerPic = await startSellerPicFake({ apiKey: 'sp-right-key' });
	piApi = await startPiApiFake({ apiKey: 'pi-right-key' });
});
afterAll(async () => {
	await sellerPic.close();
	await piApi.close();
});

describe('SellerPic API credential', () => {
	it('passes its test with a valid key, through GET /v1/api/usage with a Bearer header', async () => {
		const result = await testCredential('sellerPicApi', {
			apiKey: 'sp-right-key',
			baseUrl: sellerPic.baseUrl,
		});
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(sellerPic.requests.map((request) => [request.method, request.path])).toContainEqual([
			'GET',
			'/v1/api/usage',
		]);
		expect(sellerPic.requests.at(-1)?.hadApiKey).toBe(true);
	});

	it('fails its test with a wrong key (HTTP 401), with the message n8n 2.20 shows for a 401', async () => {
		const result = await testCredential('sellerPicApi', {
			apiKey: 'sp-wrong-key',
			baseUrl: sellerPic.baseUrl,
		});
		expect(result).toEqual({
			status: 'Error',
			message: 'Authorization failed - please check your credentials',
		});
	});

	it('fails its test when SellerPic refuses the key with HTTP 200 and success:false', async () => {
		sellerPic.injectFault({
			endpoint: 'usage',
			kind: 'envelopeError',
			code: 10401,
			msg: 'invalid api key',
		});
		const result = await testCredential('sellerPicApi', {
			apiKey: 'sp-right-key',
			baseUrl: sellerPic.baseUrl,
		});
		expect(result).toEqual({
			status: 'Error',
			message: 'SellerPic rejected the API key. Copy the key again from your SellerPic account.',
		});
	});

	it('accepts a base URL with a trailing slash', async () => {
		const result = await testCredential('sellerPicApi', {
			apiKey: 'sp-right-key',
			baseUrl: `${sellerPic.baseUrl}/`,
		});
		expect(result.status).toBe('OK');
	});
});

describe('PiAPI credential', () => {
	it('passes its test with a valid key, through GET /account/info with x-api-key', async () => {
		const result = await testCredential('piApiApi', {
			apiKey: 'pi-right-key',
			baseUrl: piApi.baseUrl,
		});
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(piApi.requests.map((request) => [request.method, request.path])).toContainEqual([
			'GET',
			'/account/info',
		]);
		expect(piApi.counters.creates).toBe(0);
	});

	it('fails its test with a wrong key (HTTP 401)', async () => {
		const result = await testCredential('piApiApi', {
			apiKey: 'pi-wrong-key',
			baseUrl: piApi.baseUrl,
		});
		expect(result).toEqual({
			status: 'Error',
			message: 'Authorization failed - please check your credentials',
		});
	});
});
