import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/** What a user sees where a provider's reply quoted a secret. */
export const HIDDEN_SECRET = '[hidden]';

/** Shorter values are no real keys, and cutting them out would garble ordinary words. */
const MIN_SECRET_LENGTH = 8;

/**
 * The texts to cut out of replies: each secret field's value as it is, URL-encoded and
 * base64-encoded (a reply may echo a query string or a Basic header), the key of a header value
 * after its scheme word ("Key abc…", "Bearer abc…") and, for a PEM key, each line of its base64
 * body. Longest first, so a whole key is replaced before any part of it.
 */
export function secretValues(credentials: ICredentialDataDecryptedObject, fields: string[]): string[] {
	const values = fields.flatMap((field) => {
		const value = credentials[field];
		if (typeof value !== 'string') return [];
		const text = value.trim();
		const pemLines = text.split(/\s+|\\n/).filter((part) => /^[A-Za-z0-9+/=]+$/.test(part));
		const afterScheme = /^[A-Za-z]+ +(\S+)$/.exec(text)?.[1];
		return [text, encodeURIComponent(text), ...base64Forms(text), ...(afterScheme ? [afterScheme] : []), ...pemLines];
	});
	return [...new Set(values)].filter((value) => value.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/**
 * The base64 text of `value` wherever it starts in an encoded whole (such as "Bearer <key>"):
 * at each of the three byte offsets, the characters that stand for the value's bytes alone,
 * in standard and URL-safe alphabets.
 */
function base64Forms(value: string): string[] {
	const bytes = Buffer.from(value, 'utf8');
	return [0, 1, 2].flatMap((offset) => {
		const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
		const inner = encoded.slice(Math.ceil(offset / 3) * 4, Math.floor((offset + bytes.length) / 3) * 4);
		return [inner, inner.replace(/\+/g, '-').replace(/\//g, '_')];
	});
}

/** `value` with every secret replaced, in each string of it (objects and lists are copied, not changed). */
export function withoutSecrets<T>(value: T, secrets: string[]): T {
	if (secrets.length === 0) return value;
	if (typeof value === 'string') {
		return secrets.reduce((text, secret) => (text.includes(secret) ? text.split(secret).join(HIDDEN_SECRET) : text), value as string) as T;
	}
	if (Array.isArray(value)) return value.map((entry) => withoutSecrets(entry, secrets)) as T;
	if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
		return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, withoutSecrets(entry, secrets)])) as T;
	}
	return value;
}
