/*
 * The sample product photos of the examples, the suite and the demo: made by the project's
 * own generator (a plain background with a product-like shape), written once to .n8n-e2e/samples/.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { makeProductPhoto } from '../../../test/fake/images';
import { E2E_HOME } from '../paths';

export interface SampleProduct {
	productId: string;
	title: string;
	/** File name under /images/ of the sample shop; absent = the shop has no photo (a broken link). */
	file: string;
	width: number;
	height: number;
	seed: number;
	/** false: listed in the catalog, but the photo is missing (shows per-item errors). */
	hasPhoto: boolean;
}

const product = (
	n: number,
	title: string,
	width: number,
	height: number,
	hasPhoto = true,
): SampleProduct => ({
	productId: `sku-${n}`,
	title,
	file: `sku-${n}.jpg`,
	width,
	height,
	seed: n,
	hasPhoto,
});

export const SAMPLE_PRODUCTS: SampleProduct[] = [
	product(1001, 'Ceramic vase', 600, 800),
	product(1002, 'Leather handbag', 800, 600),
	product(1003, 'Table lamp', 640, 640),
	product(1004, 'Desk chair (photo missing on the shop server)', 640, 480, false),
	product(1005, 'Running shoe', 720, 540),
];

/** What the catalog feed lists at first; the suite adds sku-1005 later as a "new product". */
export const INITIAL_CATALOG = ['sku-1001', 'sku-1002', 'sku-1003', 'sku-1004'];

/**
 * A long generated catalog (sku-2001, sku-2002, …) for the scenario of scheduled runs in batches:
 * small photos of their own (each product's bytes differ), and one product whose photo is missing.
 */
export const BULK_FIRST = 2001;
export const BULK_MISSING_PHOTO = 'sku-2015';
const BULK_ID = /^sku-(2\d{3})$/;

function bulkProduct(n: number): SampleProduct {
	const id = `sku-${n}`;
	return product(
		n,
		`Catalog product ${n}`,
		96 + (n % 7) * 8,
		96 + (n % 5) * 8,
		id !== BULK_MISSING_PHOTO,
	);
}

/** The ids of the first `count` products of the generated catalog, in feed order. */
export function bulkCatalog(count: number): string[] {
	return Array.from({ length: count }, (_, index) => `sku-${BULK_FIRST + index}`);
}

export function sampleProduct(productId: string): SampleProduct {
	const found = SAMPLE_PRODUCTS.find((p) => p.productId === productId);
	if (found) return found;
	const bulk = BULK_ID.exec(productId);
	if (bulk) return bulkProduct(Number(bulk[1]));
	throw new Error(`No sample product ${productId}`);
}

export const SAMPLES_DIR = join(E2E_HOME, 'samples');

/** Writes the sample photos (JPEG) unless the same set is already there; returns the folder. */
export async function ensureSamplePhotos(dir = SAMPLES_DIR): Promise<string> {
	const stamp = join(dir, 'samples.json');
	const wanted = JSON.stringify(SAMPLE_PRODUCTS, null, 2);
	const complete = SAMPLE_PRODUCTS.every((p) => !p.hasPhoto || existsSync(join(dir, p.file)));
	if (complete && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return dir;
	mkdirSync(dir, { recursive: true });
	for (const p of SAMPLE_PRODUCTS.filter((s) => s.hasPhoto)) {
		writeFileSync(
			join(dir, p.file),
			await makeProductPhoto({ width: p.width, height: p.height, seed: p.seed, format: 'jpeg' }),
		);
	}
	writeFileSync(stamp, wanted);
	return dir;
}

/** Writes the photos of the generated catalog's first `count` products (JPEG) unless there already. */
export async function ensureBulkPhotos(count: number, dir = SAMPLES_DIR): Promise<string> {
	mkdirSync(dir, { recursive: true });
	for (const p of bulkCatalog(count).map(sampleProduct)) {
		if (!p.hasPhoto || existsSync(join(dir, p.file))) continue;
		writeFileSync(
			join(dir, p.file),
			await makeProductPhoto({ width: p.width, height: p.height, seed: p.seed, format: 'jpeg' }),
		);
	}
	return dir;
}
