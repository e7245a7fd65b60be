/**
 * The harness's watch for leaked secrets: what a user can see of a run (output items with any
 * raw responses, and errors: message, description, context and the reply they carry) is searched
 * for the values of the password fields (API keys, private keys) of the credentials it was given.
 * Kept apart from the nodes' own scrubbing, so that a test never trusts the code it checks.
 */
import type { ICredentialDataDecryptedObject, ICredentialType, IRun } from 'n8n-workflow';

/** Shorter values are test placeholders ("wrong") that would match ordinary words. */
const MIN_SECRET_LENGTH = 8;

export interface Secret {
	/** `credentialType.field`, named in a report instead of the value. */
	field: string;
	value: string;
}

/** The secrets among `credentials`: each password field's value, and a PEM key's base64 body. */
export function secretsOf(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	credentialTypes: Map<string, ICredentialType>,
): Secret[] {
	const secrets: Secret[] = [];
	for (const [type, data] of Object.entries(credentials)) {
		for (const property of credentialTypes.get(type)?.properties ?? []) {
			const value = data[property.name];
			if (!property.typeOptions?.password || typeof value !== 'string') continue;
			for (const part of secretParts(value)) secrets.push({ field: `${type}.${property.name}`, value: part });
		}
	}
	return secrets;
}

/** A PEM key may leak without its armor or its line breaks: its body is searched for whole and line by line. */
function secretParts(value: string): string[] {
	const text = value.trim();
	const body = /-----BEGIN [A-Z ]+-----([\s\S]*?)-----END [A-Z ]+-----/.exec(text.replace(/\\n/g, '\n'))?.[1] ?? '';
	// A header value ("Key abc…") may leak without its scheme word.
	const parts = [text, body.replace(/\s+/g, ''), ...body.split(/\s+/), ...(body ? [] : text.split(/\s+/))];
	return [...new Set(parts)].filter((part) => part.length >= MIN_SECRET_LENGTH);
}

/** Where in `visible` a secret appears, as readable paths; the secret itself is never repeated. */
export function findSecretLeaks(visible: unknown, secrets: Secret[]): string[] {
	if (secrets.length === 0) return [];
	// A secret inside JSON text (a reply kept as a string) has its line breaks escaped.
	const forms = secrets.flatMap((secret) => [secret, { ...secret, value: JSON.stringify(secret.value).slice(1, -1) }]);
	const leaks = new Set<string>();
	const seen = new WeakSet<object>();
	// A list of what is left to visit rather than recursion: a reply may be nested thousands of levels deep.
	const pending: Array<[unknown, string]> = [[visible, '']];
	for (let next = pending.pop(); next; next = pending.pop()) {
		const [value, path] = next;
		if (typeof value === 'string') {
			for (const { field, value: secret } of forms) if (value.includes(secret)) leaks.add(`${path} holds ${field}`);
		} else if (typeof value === 'object' && value !== null && !seen.has(value)) {
			seen.add(value);
			for (const [key, child] of Object.entries(value)) pending.push([child, `${path}.${key}`]);
		}
	}
	return [...leaks];
}

/** What n8n keeps of an error: its texts, its context, and the reply (`errorResponse`) or error (`cause`) it was made from. */
export function visibleError(error: unknown): unknown {
	if (error === undefined || error === null) return undefined;
	const { message, description, messages, context, errorResponse, cause } = error as Record<string, unknown>;
	return { message, description, messages, context, errorResponse, cause: cause instanceof Error ? cause.message : cause };
}

/** Every node's output items (binary data without its bytes) and errors, and the run's error. */
export function visibleRun(run: IRun): unknown {
	const nodes: Record<string, unknown> = {};
	for (const [name, tasks] of Object.entries(run.data.resultData.runData)) {
		nodes[name] = tasks.map((task) => ({
			items: (task.data?.main ?? []).map((items) =>
				(items ?? []).map(({ json, binary }) => ({
					json,
					binary: Object.fromEntries(Object.entries(binary ?? {}).map(([key, { data: _bytes, ...meta }]) => [key, meta])),
				})),
			),
			error: visibleError(task.error),
		}));
	}
	return { nodes, error: visibleError(run.data.resultData.error) };
}

/** Fails the test that made `visible` when it shows a secret of `credentials`. */
export function assertNoSecretLeaks(
	what: string,
	visible: unknown,
	credentials: Record<string, ICredentialDataDecryptedObject>,
	credentialTypes: Map<string, ICredentialType>,
): void {
	const leaks = findSecretLeaks(visible, secretsOf(credentials, credentialTypes));
	if (leaks.length > 0) throw new Error(`A secret leaked into ${what}: ${leaks.join('; ')}`);
}
