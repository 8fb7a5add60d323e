import sharp from 'sharp';

import { inspectImage } from '../../nodes/shared/image/inspect';
import { checkImage } from '../../nodes/shared/image/limits';
import { SELLERPIC_LIMITS } from '../../nodes/vendors/sellerpic/profile';

const { prompt: SELLERPIC_PROMPT_LIMITS, type: SELLERPIC_TYPE_LIMITS } = SELLERPIC_LIMITS;
import { animatedWebp, apng } from '../support/images';

const canvas = (width: number, height: number) =>
	sharp({ create: { width, height, channels: 4, background: '#88aacc80' } });

describe('inspectImage: format, size and animation from the bytes alone', () => {
	it.each([
		[
			'PNG',
			() => canvas(321, 123).png().toBuffer(),
			{ format: 'png', width: 321, height: 123, animated: false },
		],
		[
			'JPEG',
			() => canvas(640, 480).jpeg().toBuffer(),
			{ format: 'jpeg', width: 640, height: 480, animated: false },
		],
		[
			'progressive JPEG',
			() => canvas(77, 55).jpeg({ progressive: true }).toBuffer(),
			{ format: 'jpeg', width: 77, height: 55, animated: false },
		],
		[
			'lossy WebP (VP8)',
			() => canvas(300, 200).removeAlpha().webp({ lossless: false }).toBuffer(),
			{ format: 'webp', width: 300, height: 200 },
		],
		[
			'lossless WebP (VP8L)',
			() => canvas(301, 203).webp({ lossless: true }).toBuffer(),
			{ format: 'webp', width: 301, height: 203 },
		],
		[
			'GIF',
			() => canvas(8, 9).gif().toBuffer(),
			{ format: 'gif', width: 8, height: 9, animated: false },
		],
		['APNG', apng, { format: 'png', width: 32, height: 32, animated: true }],
		[
			'animated WebP (VP8X)',
			animatedWebp,
			{ format: 'webp', width: 24, height: 24, animated: true },
		],
	])('%s', async (_name, make, expected) => {
		expect(inspectImage(await make())).toMatchObject(expected);
	});

	it('knows nothing else', () => {
		expect(inspectImage(Buffer.from('<html>not found</html>'))).toBeUndefined();
		expect(inspectImage(Buffer.alloc(0))).toBeUndefined();
	});
});

describe('checkImage: the vendor limits', () => {
	it('takes an image at the limit and refuses one a pixel over', async () => {
		expect(checkImage(await canvas(2000, 10).png().toBuffer(), SELLERPIC_TYPE_LIMITS).width).toBe(
			2000,
		);
		expect(() => checkImage(Buffer.alloc(0), SELLERPIC_PROMPT_LIMITS)).toThrow(
			'The image file is empty',
		);
	});

	it.each([
		[
			SELLERPIC_TYPE_LIMITS,
			2001,
			'The image is 2001×10 px; SellerPic accepts at most 2000 px on the longest side here',
		],
		[
			SELLERPIC_PROMPT_LIMITS,
			4097,
			'The image is 4097×10 px; SellerPic accepts at most 4096 px on the longest side here',
		],
	])('refuses too many pixels', async (limits, width, message) => {
		const image = await canvas(width, 10).png().toBuffer();
		expect(() => checkImage(image, limits)).toThrow(message);
	});
});
