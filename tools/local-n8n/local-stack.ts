/*
 * Everything a local real-n8n run needs, in one call: a pinned n8n (installed on first use),
 * this package packed and installed into a user folder, the sample shop, the vendors (fakes, or
 * real ones by API key), and the credentials and examples imported.
 */
import { join } from 'node:path';

import { loadExamples, prepareExample, type Vendor } from './n8n/examples';
import { ensureN8n } from './n8n/n8n-install';
import { N8nInstance, type WorkflowJson } from './n8n/n8n-instance';
import { selectedN8nVersion, type N8nVersion } from './n8n/n8n-versions';
import { buildAndPack, installPackage } from './n8n/package-install';
import { E2E_HOME } from './paths';
import { ensureSamplePhotos, INITIAL_CATALOG } from './services/sample-photos';
import { startShop, type ShopServer } from './services/shop-server';
import { startVendors, type VendorOptions, type Vendors } from './services/vendors';

export interface StackOptions {
	/** Folder name under .n8n-e2e/ for the n8n user folder (the n8n version is added to it). */
	name: string;
	/** Default: N8N_E2E_VERSION, else the newest in the matrix. */
	version?: N8nVersion;
	/** Start from an empty user folder (default true). */
	fresh?: boolean;
	vendors?: VendorOptions;
	/** Image URLs of the product feed point here instead of the local shop (public copies of the samples). */
	imageBaseUrl?: string;
	shopPort?: number;
	progress?: (line: string) => void;
	/** A tarball packed earlier (the suite's global setup); default: build and pack now. */
	tarball?: string;
}

export interface LocalStack {
	n8n: N8nInstance;
	shop: ShopServer;
	vendors: Vendors;
	/** The examples as imported (shop URL and, for fake vendors, short poll intervals filled in). */
	examples: WorkflowJson[];
	close(): Promise<void>;
}

export async function startLocalStack(options: StackOptions): Promise<LocalStack> {
	const progress = options.progress ?? (() => {});
	const install = await ensureN8n(options.version ?? selectedN8nVersion(), progress);
	const tarball = options.tarball ?? (await buildAndPack(options.name, progress));
	const n8n = N8nInstance.create(
		install,
		join(E2E_HOME, `${options.name}-n8n-${install.version}`),
		{ fresh: options.fresh ?? true },
	);
	await installPackage(n8n.userFolder, tarball);

	const shop = await startShop(await ensureSamplePhotos(), INITIAL_CATALOG, options.shopPort);
	if (options.imageBaseUrl) shop.imageBaseUrl = options.imageBaseUrl;
	const vendors = await startVendors({
		allowExternalImageHosts: Boolean(options.imageBaseUrl),
		...options.vendors,
	});
	const close = async (): Promise<void> => {
		await Promise.all([shop.close(), vendors.close()]);
	};
	try {
		const fastVendors: Vendor[] = [];
		if (vendors.sellerPic.mode === 'fake') fastVendors.push('sellerpic');
		if (vendors.piApi.mode === 'fake') fastVendors.push('piapi');
		const examples = loadExamples().map((example) =>
			prepareExample(example, { shopBaseUrl: shop.baseUrl, fastVendors }),
		);
		progress('Importing credentials and examples into n8n ...');
		await n8n.importCredentials(vendors.credentials);
		await n8n.importWorkflows(examples);
		return { n8n, shop, vendors, examples, close };
	} catch (error) {
		await close();
		throw error;
	}
}
