import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

/**
 * The rules for every URL that comes out of a provider reply (output links, Pixxel's signed ZIP
 * URL, Tensor.Art's upload URL) and for each redirect hop of them: http(s) only, and no address
 * inside n8n's own networks unless the credential's base URL is on that same kind of address
 * (a local proxy, a test simulator). Links are never sent with the credential.
 */

/** Where an address points: n8n's own machine, its private networks, its link, or the internet. */
export type AddressKind = 'loopback' | 'private' | 'link-local' | 'public';

const KIND_WORDS: Record<Exclude<AddressKind, 'public'>, string> = {
	loopback: 'a loopback address (this machine)',
	private: 'a private-network address',
	'link-local': 'a link-local address (such as a cloud metadata service)',
};

/** An address a host name resolved to; `blocked` when n8n's own network rules refuse it. */
export interface ResolvedAddress {
	address: string;
	blocked?: boolean;
}

/** Resolves a host name to its addresses; n8n's egress filter where n8n offers one. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export interface LinkPolicy {
	/** The kind of address the credential's base URL is on: only links on public addresses or on this kind are followed. */
	baseKind: AddressKind;
	resolve?: ResolveHost;
}

/** Why a link is not fetched, and what the user can change. */
export interface LinkRefusal {
	reason: string;
	advice: string;
}

export const MAX_REDIRECTS = 5;

/** The kind of an IP address (v4, v6, v4-mapped v6), or undefined for a host name. */
export function addressKind(host: string): AddressKind | undefined {
	const address = host.replace(/^\[|\]$/g, '').toLowerCase();
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
	if (mapped) return addressKind(mapped[1]);
	const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
	if (v4) {
		const [a, b] = [Number(v4[1]), Number(v4[2])];
		if (a === 127 || a === 0) return 'loopback';
		if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
		if (a === 169 && b === 254) return 'link-local';
		return 'public';
	}
	if (!address.includes(':')) return undefined;
	if (address === '::1' || address === '::') return 'loopback';
	const first = parseInt(address.split(':')[0] || '0', 16);
	if ((first & 0xfe00) === 0xfc00) return 'private';
	if ((first & 0xffc0) === 0xfe80) return 'link-local';
	// The hex spelling of a v4-mapped address (::ffff:7f00:1) is judged by its v4 part.
	const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(address);
	if (hexMapped) {
		const [high, low] = [parseInt(hexMapped[1], 16), parseInt(hexMapped[2], 16)];
		return addressKind(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
	}
	return 'public';
}

/** The kind of a URL's host, by its literal address or name alone (no lookup). */
export function hostKind(hostname: string): AddressKind {
	const name = hostname.toLowerCase().replace(/\.$/, '');
	if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback';
	return addressKind(name) ?? 'public';
}

/** Why a credential's base URL must not be used, if it must not: the key would cross the internet in clear. */
export function baseUrlProblem(baseUrl: string): string | undefined {
	let url: URL;
	try {
		url = new URL(baseUrl);
	} catch {
		return undefined;
	}
	if (cleartextToPublicHost(url)) {
		return `its base URL is http:// to ${url.hostname}, a public host, so the key would travel unencrypted. Use https://, or http:// only for a proxy on this machine or a private network`;
	}
	return undefined;
}

/** Whether `url` is http:// to a public host, where a key would cross the internet in clear. */
export function cleartextToPublicHost(url: URL): boolean {
	// A name without a dot, or under a local-only suffix, is a machine of the local network (a Docker service, a LAN host).
	const localName = addressKind(url.hostname) === undefined && /^[^.]+$|\.(local|internal|lan|home\.arpa)$/i.test(url.hostname);
	return url.protocol === 'http:' && hostKind(url.hostname) === 'public' && !localName;
}

/** A link's host for messages: never its path or query, which may carry a signature. */
export function linkHost(link: string): string {
	try {
		return new URL(link).host || 'an address without a host';
	} catch {
		return 'an address that is not a URL';
	}
}

/** Why one link (or redirect hop) must not be fetched under the policy, or undefined when it may be. */
export async function linkRefusal(link: string, policy: LinkPolicy): Promise<LinkRefusal | undefined> {
	let url: URL;
	try {
		url = new URL(link);
	} catch {
		return { reason: 'the link is not a valid URL', advice: 'The provider answered with a link this node cannot read; report it to the provider.' };
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return {
			reason: `the link is a ${url.protocol} link; only http and https links are fetched`,
			advice: 'The provider (or a proxy in between) answered with a link of another kind; check the base URL in the credential.',
		};
	}
	const literal = hostKind(url.hostname);
	const refused = kindRefusal(url.hostname, literal, policy);
	if (refused || literal !== 'public' || addressKind(url.hostname) !== undefined || !policy.resolve) return refused;
	// A name may point inside the network too: its addresses are judged as well, where n8n resolves names for nodes.
	let addresses: ResolvedAddress[] = [];
	try {
		addresses = await policy.resolve(url.hostname);
	} catch {
		// A name that cannot be looked up fails when it is fetched, with n8n's network error.
	}
	for (const { address, blocked } of addresses) {
		const host = `${url.hostname} (${address})`;
		const kind = addressKind(address) ?? 'public';
		const refusal = kindRefusal(host, kind, policy);
		if (refusal) return refusal;
		if (blocked && kind === 'public') {
			return { reason: `the link points to ${host}, an address n8n's network rules block`, advice: "Ask the n8n administrator about the instance's SSRF settings if this host must be reached." };
		}
	}
	return undefined;
}

function kindRefusal(host: string, kind: AddressKind, { baseKind }: LinkPolicy): LinkRefusal | undefined {
	if (kind === 'public' || kind === baseKind) return undefined;
	return {
		reason: `the link points to ${host}, ${KIND_WORDS[kind]}`,
		advice: `Links to addresses inside n8n's networks are not fetched unless the credential's base URL is on such an address too (a proxy there). If the provider really serves files there, point the base URL at a proxy on that network; otherwise the reply did not come from the provider: check the base URL in the credential.`,
	};
}

/**
 * The host resolver n8n offers nodes (n8n 2.x: its egress filter, enforced here whatever the
 * instance's SSRF setting). An address n8n itself blocks comes back marked, so this policy
 * judges it (a proxy's own kind of address stays allowed) or refuses it as n8n would. n8n 1.x offers none: there only literal addresses are judged.
 */
export function n8nResolver(fn: IExecuteFunctions | IWebhookFunctions): ResolveHost | undefined {
	const getFilter = (fn.helpers as Partial<IExecuteFunctions['helpers']>).getSecureEgressFilter;
	if (typeof getFilter !== 'function') return undefined;
	const lookup = getFilter.call(fn.helpers, 'enforced').createSecureLookup();
	return async (hostname) =>
		await new Promise<ResolvedAddress[]>((resolve, reject) => {
			lookup(hostname, { all: true }, (error, addresses) => {
				const blocked = (error as { ip?: unknown } | null)?.ip;
				if (typeof blocked === 'string') resolve([{ address: blocked, blocked: true }]);
				else if (error) reject(error);
				else resolve((Array.isArray(addresses) ? addresses : [{ address: addresses }]).map(({ address }) => ({ address })));
			});
		});
}
