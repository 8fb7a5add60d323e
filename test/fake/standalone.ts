/* Runs both fakes until SIGINT/SIGTERM. Env: SELLERPIC_FAKE_PORT, PIAPI_FAKE_PORT (default 0 = any), FAKE_TASK_LATENCY_MS. */
import { startPiApiFake } from './piapi.fake';
import { startSellerPicFake } from './sellerpic.fake';

function envNumber(name: string): number | undefined {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return undefined;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 0)
		throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
	return value;
}

async function main(): Promise<void> {
	const taskLatencyMs = envNumber('FAKE_TASK_LATENCY_MS');
	const latency = taskLatencyMs === undefined ? {} : { taskLatencyMs };
	const sellerPic = await startSellerPicFake({
		port: envNumber('SELLERPIC_FAKE_PORT'),
		...latency,
	});
	const piApi = await startPiApiFake({ port: envNumber('PIAPI_FAKE_PORT'), ...latency });
	console.log(`SellerPic base URL:    ${sellerPic.baseUrl}`);
	console.log(`SellerPic API key:     ${sellerPic.config.apiKey}`);
	console.log(`PiAPI base URL:        ${piApi.baseUrl}`);
	console.log(`PiAPI upload base URL: ${piApi.uploadBaseUrl}`);
	console.log(`PiAPI API key:         ${piApi.config.apiKey}`);
	console.log(`Task latency:          ${sellerPic.config.taskLatencyMs} ms (Ctrl+C to stop)`);
	const stop = (): void => {
		void Promise.all([sellerPic.close(), piApi.close()]).then(() => process.exit(0));
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
