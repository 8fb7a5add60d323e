/*
 * A tiny sample shop on loopback that the examples' placeholder `https://shop.example/` is
 * pointed at: `/images/<file>` serves the sample photos, `/catalog/products.json` the product
 * feed of the catalog example (image URLs on this server, or on DEMO_IMAGE_BASE_URL).
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';

import { sampleProduct } from './sample-photos';

export interface CatalogEntry {
	productId: string;
	title: string;
	imageUrl: string;
}

export class ShopServer {
	baseUrl = '';
	/** Product ids the feed lists, in order. */
	catalog: string[];
	/** Where the feed's image URLs point; default `<baseUrl>/images`. */
	imageBaseUrl?: string;
	private readonly server = http.createServer((req, res) => void this.handle(req, res));

	constructor(
		private readonly photosDir: string,
		catalog: string[],
	) {
		this.catalog = [...catalog];
	}

	async listen(port = 0): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, '127.0.0.1', () => resolve());
		});
		this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	feed(): CatalogEntry[] {
		const images = (this.imageBaseUrl ?? `${this.baseUrl}/images`).replace(/\/+$/, '');
		return this.catalog.map((id) => {
			const p = sampleProduct(id);
			return { productId: p.productId, title: p.title, imageUrl: `${images}/${p.file}` };
		});
	}

	async close(): Promise<void> {
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		this.server.closeAllConnections();
		await closed;
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const path = new URL(req.url ?? '/', 'http://shop').pathname;
		if (req.method === 'GET' && path === '/catalog/products.json')
			return send(res, 200, 'application/json', JSON.stringify(this.feed()));
		const image = /^\/images\/([\w.-]+\.(?:jpg|png|webp))$/.exec(path);
		if (req.method === 'GET' && image) {
			try {
				const bytes = await readFile(join(this.photosDir, basename(image[1])));
				return send(
					res,
					200,
					image[1].endsWith('.jpg') ? 'image/jpeg' : `image/${image[1].split('.').pop()}`,
					bytes,
				);
			} catch {
				// Falls through to 404: a product whose photo is missing.
			}
		}
		send(res, 404, 'text/plain', 'Not Found');
	}
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
	res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
	res.end(body);
}

export async function startShop(
	photosDir: string,
	catalog: string[],
	port = 0,
): Promise<ShopServer> {
	const shop = new ShopServer(photosDir, catalog);
	await shop.listen(port);
	return shop;
}
