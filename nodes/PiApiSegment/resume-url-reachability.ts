import { InputError } from '../shared/errors';

const IPV4_LOOPBACK = /^127(?:\.\d{1,3}){3}$/;
/** ::ffff:127.x.y.z as URL writes it (::ffff:7fxx:yyzz). */
const IPV4_MAPPED_LOOPBACK = /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/;

/** A host name that means "this machine" (URL hostnames, IPv6 in brackets). */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
	return (
		host === 'localhost' ||
		host.endsWith('.localhost') ||
		IPV4_LOOPBACK.test(host) ||
		host === '::1' ||
		IPV4_MAPPED_LOOPBACK.test(host)
	);
}

/**
 * Refuses a resume URL that PiAPI could never call: one on a loopback address (n8n builds it so
 * on a process without WEBHOOK_URL, such as a queue-mode worker) while PiAPI itself is not on
 * this machine. Caught before a task exists, instead of the execution waiting until Max Wait.
 */
export function assertPiApiCanCallBack(resumeUrl: string, piApiBaseUrl: string): void {
	// A base URL that is no URL is left to fail at the first request, with the message for it.
	if (!URL.canParse(piApiBaseUrl)) return;
	const resume = new URL(resumeUrl);
	if (!isLoopbackHost(resume.hostname) || isLoopbackHost(new URL(piApiBaseUrl).hostname)) return;
	throw new InputError(
		`PiAPI could not call this execution back: n8n gave its resume URL on ${resume.origin}, an address of this machine`,
		'Set WEBHOOK_URL to the address where PiAPI reaches n8n (for example https://n8n.example.com/) on every n8n process: main, workers and webhook processors. Or use Wait Mode "Poll".',
	);
}
