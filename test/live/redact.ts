/** What the live check keeps or prints never holds a secret: API keys and webhook secrets, by value and by field name. */
export const REDACTED = '[redacted]';

const SECRET_NAMES = 'secret|api[-_]?key|x-api-key|authorization|password|access[-_]?token|email';
const SECRET_FIELD = new RegExp(`^(${SECRET_NAMES})$`, 'i');
/** `"secret": "…"` inside JSON text (a reply body kept as it came). */
const SECRET_IN_JSON = new RegExp(`("(?:${SECRET_NAMES})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)+"`, 'gi');

export class Redactor {
	private readonly secrets = new Set<string>();

	/** Registers a secret; it is then replaced wherever it appears (as text, URL-encoded, JSON-escaped, base64). */
	add(secret: string | undefined): void {
		if (!secret || secret.length < 4) return;
		for (const form of [
			secret,
			encodeURIComponent(secret),
			JSON.stringify(secret).slice(1, -1),
			Buffer.from(secret).toString('base64'),
		])
			this.secrets.add(form);
	}

	/** The text with every registered secret, and the value of every secret-named JSON field, replaced. */
	text(value: string): string {
		let out = value;
		// Longest first, so a secret that contains another is replaced whole.
		for (const secret of [...this.secrets].sort((a, b) => b.length - a.length))
			out = out.split(secret).join(REDACTED);
		return out.replace(SECRET_IN_JSON, `$1"${REDACTED}"`);
	}

	/** A deep copy with every string redacted, and every non-empty field named like a secret replaced. */
	value<T>(input: T): T {
		const copy = JSON.stringify(input, (key, value: unknown) => {
			if (SECRET_FIELD.test(key) && value !== '' && value !== null && value !== undefined)
				return REDACTED;
			return typeof value === 'string' ? this.text(value) : value;
		});
		return (copy === undefined ? undefined : JSON.parse(copy)) as T;
	}
}
