import sharp from 'sharp';
import { convertMask, makeLargePhoto, makeMask, makeProductPhoto, sniffImage } from './images';
import { maskValueAt } from './test-client';

describe('fake images', () => {
	it('sniffs formats, sizes and animation, and null for non-images', async () => {
		const png = await makeProductPhoto({ width: 64, height: 48, seed: 1 });
		expect(await sniffImage(png)).toEqual({
			format: 'png',
			width: 64,
			height: 48,
			animated: false,
		});
		const other = await makeProductPhoto({ width: 64, height: 48, seed: 2 });
		const frames = sharp([png, other], { join: { animated: true } });
		expect(await sniffImage(await frames.clone().gif().toBuffer())).toMatchObject({
			format: 'gif',
			animated: true,
		});
		expect(await sniffImage(await frames.clone().webp().toBuffer())).toMatchObject({
			format: 'webp',
			animated: true,
		});
		expect(await sniffImage(Buffer.from('plain text'))).toEqual({ format: null });
	});

	it.each(['png', 'jpeg', 'webp'] as const)(
		'masks a %s photo: white object, black background',
		async (format) => {
			const photo = await makeProductPhoto({ width: 200, height: 160, seed: 9, format });
			const mask = await makeMask(photo);
			expect(await sniffImage(mask)).toMatchObject({ format: 'png', width: 200, height: 160 });
			expect((await sharp(mask).metadata()).channels).toBe(1);
			expect(await maskValueAt(mask, 0.5, 0.5)).toBe(255);
			expect(await maskValueAt(mask, 0.1, 0.5)).toBe(0);
			expect(await maskValueAt(mask, 0.5, 0.95)).toBe(0);
		},
	);

	it('is deterministic per seed', async () => {
		const a = await makeProductPhoto({ width: 50, height: 50, seed: 4 });
		expect(a.equals(await makeProductPhoto({ width: 50, height: 50, seed: 4 }))).toBe(true);
		expect(a.equals(await makeProductPhoto({ width: 50, height: 50, seed: 5 }))).toBe(false);
	});

	it('converts masks to jpg and webp', async () => {
		const mask = await makeMask(await makeProductPhoto({ width: 40, height: 40, seed: 2 }));
		expect((await sniffImage(await convertMask(mask, 'jpg'))).format).toBe('jpeg');
		expect((await sniffImage(await convertMask(mask, 'webp'))).format).toBe('webp');
	});

	it('makes a ~4 MB noisy PNG whose mask still finds the object', async () => {
		const target = 4 * 1024 * 1024;
		const large = await makeLargePhoto(target);
		expect(Math.abs(large.length / target - 1)).toBeLessThan(0.1);
		const mask = await makeMask(large);
		expect(await maskValueAt(mask, 0.5, 0.5)).toBe(255);
		expect(await maskValueAt(mask, 0.05, 0.05)).toBe(0);
	});
});
