/*
 * `npm run n8n`: a real n8n editor on 127.0.0.1 (N8N_PORT, default 5678) with this package,
 * the examples and credentials for the fake vendors (running in this process) loaded. Keeps its
 * data in .n8n-e2e/editor/ between runs; the examples and credentials are re-imported each start.
 */
import { join } from 'node:path';

import { EXAMPLE_IDS } from '../tools/local-n8n/n8n/examples';
import { startLocalStack } from '../tools/local-n8n/local-stack';
import { startN8n } from '../tools/local-n8n/n8n/n8n-server';
import { ensureGraphicsMagick } from '../tools/local-n8n/system/system-packages';

const say = (line = ''): void => console.log(line);

async function main(): Promise<void> {
	const port = Number(process.env.N8N_PORT || 5678);
	if (!Number.isInteger(port) || port < 1 || port > 65535)
		throw new Error(`N8N_PORT must be a port number, got "${process.env.N8N_PORT}"`);
	const email = process.env.N8N_EDITOR_EMAIL || 'owner@example.com';
	const password = process.env.N8N_EDITOR_PASSWORD || 'Segment-demo-1';

	// For examples 8 and 9 (n8n's Edit Image node).
	await ensureGraphicsMagick(say);
	const stack = await startLocalStack({
		name: 'editor',
		fresh: false,
		progress: (line) => say(line),
	});
	let stopping = false;
	try {
		await stack.n8n.publishWorkflow(EXAMPLE_IDS.webhook);
		say(`Starting n8n on 127.0.0.1:${port} ...`);
		const server = await startN8n(stack.n8n, {
			port,
			// A local owner account, so the editor opens without the sign-up form.
			env: {
				N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
				N8N_INSTANCE_OWNER_EMAIL: email,
				N8N_INSTANCE_OWNER_PASSWORD_HASH: bcryptHash(stack.n8n.install.dir, password),
				N8N_INSTANCE_OWNER_FIRST_NAME: 'Local',
				N8N_INSTANCE_OWNER_LAST_NAME: 'Owner',
			},
		});
		const { sellerPic, piApi, chatModel } = stack.vendors;
		say();
		say(`n8n ${stack.n8n.install.version} with n8n-nodes-segmentation is running:`);
		say(`  Editor:       ${server.url}`);
		say(
			`  Log in as:    ${email} / ${password}   (local only; N8N_EDITOR_EMAIL / N8N_EDITOR_PASSWORD change it)`,
		);
		say(
			`  Examples:     ${stack.examples.map((example) => example.name).join('\n                ')}`,
		);
		say(
			`  Credentials:  "SellerPic account" → fake SellerPic ${sellerPic.fake?.baseUrl}, "PiAPI account" → fake PiAPI ${piApi.fake?.baseUrl}`,
		);
		say(
			`                "OpenAI account" → a fake chat model ${chatModel.apiUrl} that calls the agent's tool (example 7)`,
		);
		say(`  Sample shop:  ${stack.shop.baseUrl}/catalog/products.json (photos under /images/)`);
		say(
			`  Webhook:      curl -X POST ${server.url}/webhook/segment-product-image -H 'content-type: application/json' \\`,
		);
		say(`                  -d '{"imageUrl": "${stack.shop.baseUrl}/images/sku-1003.jpg"}'`);
		say(`  n8n log:      ${server.logFile}`);
		say(
			'The examples are re-imported at every start with short poll intervals for the fake vendors',
		);
		say(
			'(the files in examples/ keep the vendor defaults); save your own changes under another name.',
		);
		say('Press Ctrl+C to stop.');

		const stop = async (): Promise<void> => {
			if (stopping) return;
			stopping = true;
			say('\nStopping n8n ...');
			await server.stop();
		};
		process.once('SIGINT', () => void stop());
		process.once('SIGTERM', () => void stop());
		const code = await server.exited;
		if (!stopping) say(`n8n exited on its own (code ${code}); see ${server.logFile}`);
	} finally {
		await stack.close();
	}
}

/** n8n takes the owner's password as a bcrypt hash; bcryptjs comes with n8n. */
function bcryptHash(n8nDir: string, password: string): string {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const bcrypt = require(join(n8nDir, 'node_modules', 'bcryptjs')) as {
		hashSync(data: string, rounds: number): string;
	};
	return bcrypt.hashSync(password, 10);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	},
);
