import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

/**
 * The rules for every URL that comes out of a provider reply (output links, Pixxel's signed ZIP
 * URL, Tensor.Art's upload URL) and for each redirect hop of them: http(s) only, and no address
 * inside n8n's own networks or a special-purpose range, except the host of the base URL itself
 * (a local proxy, a test simulator). The connection goes to the address that was checked.
 */

/** Where an address points: n8n's own machine, its private networks, its link, a special-purpose range, or the internet. */
export type AddressKind = 'loopback' | 'private' | 'link-local' | 'special' | 'public';

const KIND_WORDS: Record<Exclude<AddressKind, 'public'>, string> = {
	loopback: 'a loopback address (this machine)',
	private: 'a private-network address',
	'link-local': 'a link-local address (such as a cloud metadata service)',
	special: 'an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)',
};

/** An address a host name resolved to; `blocked` when n8n's own network rules refuse it. */
export interface ResolvedAddress {
	address: string;
	blocked?: boolean;
}

/** Resolves a host name to its addresses; n8n's egress filter where n8n offers one. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export interface LinkPolicy {
	/** The host of the base URL (as `normalizedHost` writes it): the one host inside n8n's networks that links may point to (a local proxy, a simulator). */
	baseHost?: string;
	/** The addresses of the base URL's host: a link whose name resolves to one of them points to that host too. */
	baseAddresses: string[];
	/** Where the user sets the API's address, named in advice. */
	addressField: string;
	resolve?: ResolveHost;
}

/** Why a link is not fetched, and what the user can change. */
export interface LinkRefusal {
	reason: string;
	advice: string;
}

/** A link that may be fetched, with the address its name was checked at: the connection goes there, never to a second lookup's answer. */
export interface CheckedLink {
	url: URL;
	address?: string;
}

export const MAX_REDIRECTS = 5;

/** An address without the brackets of a URL, lower case, without trailing dots: a host as the checks compare it. */
export function normalizedHost(host: string): string {
	return host.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.+$/, '');
}

/** The four bytes of a dotted-decimal IPv4 address (the form URLs and resolvers give), or undefined. */
function v4Bytes(text: string): number[] | undefined {
	const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)?.slice(1).map(Number);
	return parts?.every((part) => part <= 255) ? parts : undefined;
}

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail and a zone allowed), or undefined. */
function v6Groups(text: string): number[] | undefined {
	let address = text.split('%')[0];
	const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
	if (tail) {
		const bytes = v4Bytes(tail[1]);
		if (!bytes) return undefined;
		address = `${address.slice(0, tail.index)}${((bytes[0] << 8) | bytes[1]).toString(16)}:${((bytes[2] << 8) | bytes[3]).toString(16)}`;
	}
	const halves = address.split('::');
	const parts = (half: string) => (half === '' ? [] : half.split(':'));
	if (halves.length > 2) return undefined;
	const [head, rest] = [parts(halves[0]), halves.length === 2 ? parts(halves[1]) : undefined];
	const missing = 8 - head.length - (rest?.length ?? 0);
	if (rest !== undefined && missing < 1) return undefined;
	const groups = rest === undefined ? head : [...head, ...Array<string>(missing).fill('0'), ...rest];
	return groups.length === 8 && groups.every((group) => /^[0-9a-f]{1,4}$/i.test(group)) ? groups.map((group) => parseInt(group, 16)) : undefined;
}

function v4Kind([a, b, c]: number[]): AddressKind {
	if (a === 127 || a === 0) return 'loopback';
	if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
	if (a === 169 && b === 254) return 'link-local';
	// Carrier-grade NAT (a cloud metadata service sits at 100.100.100.200), IETF protocol and documentation ranges, benchmarking, multicast and reserved.
	const special =
		(a === 100 && b >= 64 && b <= 127) || (a === 192 && b === 0 && (c === 0 || c === 2)) || (a === 198 && (b === 18 || b === 19)) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113) || a >= 224;
	return special ? 'special' : 'public';
}

function v6Kind(groups: number[]): AddressKind {
	const zeros = (count: number) => groups.slice(0, count).every((group) => group === 0);
	const [first, second] = groups;
	if (zeros(7) && groups[7] <= 1) return 'loopback';
	// IPv4-mapped (::ffff:a.b.c.d) is that IPv4 address; IPv4-compatible (::a.b.c.d) is deprecated and refused.
	if (zeros(5) && groups[5] === 0xffff) return v4Kind([groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255]);
	if (zeros(6)) return 'special';
	// 6to4 carries an IPv4 address, judged as that address.
	if (first === 0x2002) return v4Kind([second >> 8, second & 255, groups[2] >> 8, groups[2] & 255]) === 'public' ? 'public' : 'special';
	if ((first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfec0) return 'private';
	if ((first & 0xffc0) === 0xfe80) return 'link-local';
	// NAT64 (64:ff9b::/96, 64:ff9b:1::/48) reaches any IPv4 address; then discard, IETF protocol (Teredo …), documentation and multicast.
	const special = (first === 0x64 && second === 0xff9b) || (first === 0x100 && zeros(4)) || (first === 0x2001 && (second < 0x200 || second === 0xdb8)) || first >= 0xff00;
	return special ? 'special' : 'public';
}

/** The kind of an IP address (v4, v6, v4-mapped v6), or undefined for a host name. */
export function addressKind(host: string): AddressKind | undefined {
	const address = normalizedHost(host);
	const v4 = v4Bytes(address);
	if (v4) return v4Kind(v4);
	if (!address.includes(':')) return undefined;
	const v6 = v6Groups(address);
	return v6 ? v6Kind(v6) : 'special';
}

/** The kind of a URL's host, by its literal address or name alone (no lookup). */
export function hostKind(hostname: string): AddressKind {
	const name = normalizedHost(hostname);
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

/** Whether `url` is http:// to a public (or special-purpose) host, where a key would cross networks not the user's in clear. */
export function cleartextToPublicHost(url: URL): boolean {
	// A name without a dot, or under a local-only suffix, is a machine of the local network (a Docker service, a LAN host).
	const localName = addressKind(url.hostname) === undefined && /^[^.]+$|\.(local|internal|lan|home\.arpa)$/i.test(url.hostname);
	return url.protocol === 'http:' && ['public', 'special'].includes(hostKind(url.hostname)) && !localName;
}

/** A link's host for messages: never its path or query, which may carry a signature. */
export function linkHost(link: string): string {
	try {
		return new URL(link).host || 'an address without a host';
	} catch {
		return 'an address that is not a URL';
	}
}

/**
 * Checks one link (or redirect hop) under the policy: its refusal, or the link with the address
 * its name was checked at. A name is resolved once, where n8n resolves names for nodes, and every
 * address it has is judged; only the base URL's own host may be inside n8n's networks.
 */
export async function checkLink(link: string, policy: LinkPolicy): Promise<{ refusal: LinkRefusal } | CheckedLink> {
	let url: URL;
	try {
		url = new URL(link);
	} catch {
		return { refusal: { reason: 'the link is not a valid URL', advice: 'The provider answered with a link this node cannot read; report it to the provider.' } };
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return {
			refusal: {
				reason: `the link is a ${url.protocol} link; only http and https links are fetched`,
				advice: `The provider (or a proxy in between) answered with a link of another kind; check ${policy.addressField}.`,
			},
		};
	}
	const host = normalizedHost(url.hostname);
	if (host === policy.baseHost) return { url };
	if (addressKind(host) !== undefined || !policy.resolve) {
		const refusal = kindRefusal(url.hostname, hostKind(host), host, policy);
		return refusal ? { refusal } : { url };
	}
	let addresses: ResolvedAddress[];
	try {
		addresses = await policy.resolve(host);
	} catch {
		// A name that cannot be looked up fails when it is fetched, with n8n's network error; a local one (localhost) is refused by its name.
		const refusal = kindRefusal(url.hostname, hostKind(host), host, policy);
		return refusal ? { refusal } : { url };
	}
	for (const { address, blocked } of addresses) {
		const shown = `${url.hostname} (${address})`;
		const refusal = kindRefusal(shown, addressKind(address) ?? 'special', normalizedHost(address), policy);
		if (refusal) return { refusal };
		if (blocked && !policy.baseAddresses.includes(normalizedHost(address))) {
			return { refusal: { reason: `the link points to ${shown}, an address n8n's network rules block`, advice: "Ask the n8n administrator about the instance's SSRF settings if this host must be reached." } };
		}
	}
	return { url, address: addresses[0]?.address };
}

function kindRefusal(shown: string, kind: AddressKind, address: string, policy: LinkPolicy): LinkRefusal | undefined {
	if (kind === 'public' || policy.baseAddresses.includes(address)) return undefined;
	return {
		reason: `the link points to ${shown}, ${KIND_WORDS[kind]}`,
		advice: `Links to addresses inside n8n's networks or special-purpose ranges are not fetched, except to the host of ${policy.addressField} itself (a proxy there). If the provider really serves files there, serve them through that proxy; otherwise the reply did not come from the provider: check ${policy.addressField}.`,
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
