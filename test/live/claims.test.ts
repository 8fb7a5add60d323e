/*
 * The live check's claims are as wide as what the nodes take (nodes/vendors/<vendor>/client.ts):
 * replies the nodes read without fault hold, even those no fake sends.
 */
import { outputHolds } from './piapi';
import { resultHolds } from './sellerpic';

describe('PiAPI output-fields', () => {
	const url = 'https://img.example/mask.png';

	it.each([
		['image_url null beside image_urls', { image_url: null, image_urls: [url] }],
		['image_urls as one URL', { image_urls: url }],
		['temporary_image_urls as one URL', { temporary_image_urls: url }],
		['image_url beside image_urls: null', { image_url: url, image_urls: null }],
	])('holds on %s (the nodes read it)', (_name, output) => {
		expect(outputHolds(output)).toBe(true);
	});

	it.each([
		['no output', undefined],
		['no URL at all', { image_url: null, image_urls: [] }],
		['image_url as a list (the nodes do not read it)', { image_url: [url] }],
		['image_urls as an object', { image_url: url, image_urls: { first: url } }],
	])('differs on %s', (_name, output) => {
		expect(outputHolds(output)).toBe(false);
	});
});

describe('SellerPic result-fields', () => {
	const result = { id: '1850000000000000001', status: 'SUCCESS', errorCode: 0, errorMsg: '' };

	it.each([
		['fileUrl null', null],
		['fileUrl empty', ''],
		['fileUrl absent', undefined],
	])('holds with %s (the nodes then ask for a download URL)', (_name, fileUrl) => {
		expect(resultHolds({ ...result, fileUrl })).toBe(true);
	});

	it('differs on a fileUrl that is no URL text, or a result without an id', () => {
		expect(resultHolds({ ...result, fileUrl: 42 })).toBe(false);
		expect(resultHolds({ ...result, id: undefined, fileUrl: '' })).toBe(false);
	});
});
