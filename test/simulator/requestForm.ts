import type { SimRequest } from './server';

/** A file part of a multipart body, as a simulator needs it: its name, type and bytes. */
export interface FormFile {
	filename: string;
	type: string;
	bytes: Buffer;
}

export type FormValue = string | FormFile;

/**
 * The fields of a create request sent as multipart/form-data (as the vendors' SDKs send them)
 * or, where the API takes it too, as a JSON object. Undefined when the body is neither.
 */
export async function readForm(request: SimRequest, { json }: { json: boolean }): Promise<Record<string, FormValue> | undefined> {
	const contentType = String(request.headers['content-type'] ?? '');
	if (contentType.startsWith('multipart/form-data')) {
		try {
			const form = await new Request('http://simulator/', { method: 'POST', headers: { 'content-type': contentType }, body: request.rawBody }).formData();
			const fields: Record<string, FormValue> = {};
			for (const [name, value] of form.entries()) {
				fields[name] = typeof value === 'string' ? value : { filename: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) };
			}
			return fields;
		} catch {
			return undefined;
		}
	}
	if (!json || !contentType.startsWith('application/json')) return undefined;
	try {
		const body = JSON.parse(request.rawBody.toString('utf8')) as unknown;
		if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
		return Object.fromEntries(Object.entries(body).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]));
	} catch {
		return undefined;
	}
}
