/* Which resume URLs PiAPI could never call back (a worker without WEBHOOK_URL builds them). */
import {
	assertPiApiCanCallBack,
	isLoopbackHost,
} from '../../nodes/PiApiSegment/resume-url-reachability';

const hostOf = (url: string) => new URL(url).hostname;

describe('isLoopbackHost', () => {
	const loopback = [
		'http://localhost:5678',
		'http://LOCALHOST',
		'http://n8n.localhost',
		'http://127.0.0.1:5678',
		'http://127.8.9.10',
	];
	const loopbackV6 = ['http://[::1]:5678', 'http://[0:0:0:0:0:0:0:1]', 'http://[::ffff:127.0.0.1]'];
	const elsewhere = [
		'https://n8n.example.com',
		'http://10.0.0.5:5678',
		'http://128.0.0.1',
		'http://localhost.example.com',
		'http://[::2]',
		'http://[::ffff:10.0.0.1]',
	];

	it.each([...loopback, ...loopbackV6])('%s is this machine', (url) =>
		expect(isLoopbackHost(hostOf(url))).toBe(true),
	);

	it.each(elsewhere)('%s is not', (url) => expect(isLoopbackHost(hostOf(url))).toBe(false));
});

describe('assertPiApiCanCallBack', () => {
	const resume = 'http://127.0.0.1:5678/webhook-waiting/42?signature=abc';

	it('refuses a loopback resume URL when PiAPI is elsewhere, naming WEBHOOK_URL and every process', () => {
		expect(() => assertPiApiCanCallBack(resume, 'https://api.piapi.ai')).toThrow(
			expect.objectContaining({
				message:
					'PiAPI could not call this execution back: n8n gave its resume URL on http://127.0.0.1:5678, an address of this machine',
				hint: expect.stringMatching(
					/^Set WEBHOOK_URL .* on every n8n process: main, workers and webhook processors\./,
				),
			}),
		);
	});

	it('never shows the resume URL token', () => {
		expect(() => assertPiApiCanCallBack(resume, 'https://api.piapi.ai')).toThrow(
			expect.not.objectContaining({ message: expect.stringContaining('signature') }),
		);
	});

	it('passes a public resume URL, and a loopback one when PiAPI is on this machine too (a local test server)', () => {
		expect(() =>
			assertPiApiCanCallBack('https://n8n.example.com/webhook-waiting/42', 'https://api.piapi.ai'),
		).not.toThrow();
		expect(() => assertPiApiCanCallBack(resume, 'http://127.0.0.1:9000')).not.toThrow();
		expect(() =>
			assertPiApiCanCallBack('http://localhost:5678/webhook-waiting/42', 'http://localhost:9000'),
		).not.toThrow();
	});

	it('leaves a base URL that is no URL to the first request, which says what is wrong with it', () => {
		expect(() => assertPiApiCanCallBack(resume, 'api.piapi.ai')).not.toThrow();
	});
});
