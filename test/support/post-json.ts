import { request } from 'undici';

/** POSTs a JSON body (a shop's webhook call, a vendor's callback) and reads the JSON answer. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
	const response = await request(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body),
	});
	return {
		status: response.statusCode,
		json: (await response.body.json()) as Record<string, unknown>,
	};
}
