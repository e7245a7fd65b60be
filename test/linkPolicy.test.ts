/**
 * The address rules of the link policy on their own, for the spellings no engine test can reach
 * without a lookup on the network (local host names of a base URL) or that the URL parser
 * rewrites (IPv4-mapped IPv6). The engine tests in links.test.ts cover how the node applies them.
 * Host names are resolved by a lookup this test supplies: nothing is looked up on the network.
 */
import type { LinkPolicy, ResolvedAddress } from '../nodes/shared/linkPolicy';
import { addressKind, baseUrlProblem, checkLink } from '../nodes/shared/linkPolicy';

test.each([
	['127.0.0.1', 'loopback'],
	['0.0.0.0', 'loopback'],
	['[::1]', 'loopback'],
	['10.20.30.40', 'private'],
	['172.31.255.1', 'private'],
	['172.32.0.1', 'public'],
	['192.168.0.10', 'private'],
	['169.254.169.254', 'link-local'],
	['[fc00::1]', 'private'],
	['[fdff::1]', 'private'],
	['[fe80::1]', 'link-local'],
	['[febf::1]', 'link-local'],
	['[fec0::1]', 'private'],
	['[::ffff:7f00:1]', 'loopback'],
	['[::ffff:a00:1]', 'private'],
	['8.8.8.8', 'public'],
	['[2001:db8::1]', 'special'],
	['[2606:4700::1111]', 'public'],
])('%s is a %s address', (host, kind) => {
	expect(addressKind(new URL(`http://${host}/`).hostname)).toBe(kind);
});

test('a host name is no address', () => {
	expect(addressKind('cdn.example.com')).toBeUndefined();
});

test.each(['http://localhost:8080', 'http://127.0.0.1:8080', 'http://10.0.0.5', 'http://[fd00::5]:80', 'http://tams-proxy:8080', 'http://gateway.internal', 'http://nas.local', 'http://proxy.lan', 'https://tams.example.com'])(
	'%s is a usable base URL',
	(baseUrl) => {
		expect(baseUrlProblem(baseUrl)).toBeUndefined();
	},
);

test.each(['http://tams.example.com', 'http://8.8.8.8', 'http://[2606:4700::1111]', 'http://[2001:db8::1]', 'http://100.64.0.1'])('%s is refused as a base URL', (baseUrl) => {
	expect(baseUrlProblem(baseUrl)).toMatch(/^its base URL is http:\/\/ to .+, a public host, so the key would travel unencrypted/);
});

/** What the supplied lookup answers; any other name is unknown. */
const NAMES: Record<string, string[]> = {
	'cdn.example.net': ['93.184.215.14'],
	'rebound.example.net': ['127.0.0.1'],
	'metadata.example.net': ['100.100.100.200'],
	'mixed.example.net': ['93.184.215.14', '10.0.0.8'],
	'nat64.example.net': ['64:ff9b::a9fe:a9fe'],
};
const lookups: string[] = [];
const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
	lookups.push(hostname);
	const addresses = NAMES[hostname];
	if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
	return addresses.map((address) => ({ address }));
};
/** A base URL on a public host: nothing inside n8n's networks is its own. */
const publicBase: LinkPolicy = { baseHost: 'api.example.com', baseAddresses: [], addressField: 'the base URL in the credential', resolve };

const refusalOf = async (link: string, policy = publicBase) => {
	const checked = await checkLink(link, policy);
	return 'refusal' in checked ? checked.refusal.reason : undefined;
};

describe('every spelling of an address inside n8n\'s networks or a special range is refused', () => {
	test.each([
		// loopback, however it is written
		['http://127.0.0.1/', 'the link points to 127.0.0.1, a loopback address (this machine)'],
		['http://2130706433/', 'the link points to 127.0.0.1, a loopback address (this machine)'],
		['http://0177.0.0.1/', 'the link points to 127.0.0.1, a loopback address (this machine)'],
		['http://0x7f.0.0.1/', 'the link points to 127.0.0.1, a loopback address (this machine)'],
		['http://0x7f000001/', 'the link points to 127.0.0.1, a loopback address (this machine)'],
		['http://127.1/', 'the link points to 127.0.0.1, a loopback address (this machine)'],
		['http://127.0.0.1./', 'the link points to 127.0.0.1, a loopback address (this machine)'],
		['http://[::ffff:127.0.0.1]/', 'the link points to [::ffff:7f00:1], a loopback address (this machine)'],
		['http://[0:0:0:0:0:ffff:7f00:1]/', 'the link points to [::ffff:7f00:1], a loopback address (this machine)'],
		['http://0.0.0.0/', 'the link points to 0.0.0.0, a loopback address (this machine)'],
		['http://0/', 'the link points to 0.0.0.0, a loopback address (this machine)'],
		['http://[::]/', 'the link points to [::], a loopback address (this machine)'],
		['http://[::1]/', 'the link points to [::1], a loopback address (this machine)'],
		['http://localhost/', 'the link points to localhost, a loopback address (this machine)'],
		['http://localhost./', 'the link points to localhost., a loopback address (this machine)'],
		['http://LocalHost../', 'the link points to localhost.., a loopback address (this machine)'],
		['http://files.localhost/', 'the link points to files.localhost, a loopback address (this machine)'],
		// private and link-local
		['http://10.0.0.1/', 'the link points to 10.0.0.1, a private-network address'],
		['http://012.0.0.1/', 'the link points to 10.0.0.1, a private-network address'],
		['http://[fd00::1]/', 'the link points to [fd00::1], a private-network address'],
		['http://[fec0::1]/', 'the link points to [fec0::1], a private-network address'],
		['http://169.254.169.254/', 'the link points to 169.254.169.254, a link-local address (such as a cloud metadata service)'],
		['http://2852039166/', 'the link points to 169.254.169.254, a link-local address (such as a cloud metadata service)'],
		['http://[::ffff:169.254.169.254]/', 'the link points to [::ffff:a9fe:a9fe], a link-local address (such as a cloud metadata service)'],
		['http://[fe80::1]/', 'the link points to [fe80::1], a link-local address (such as a cloud metadata service)'],
		// special-purpose ranges
		['http://100.64.0.1/', 'the link points to 100.64.0.1, an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)'],
		['http://100.100.100.200/', 'the link points to 100.100.100.200, an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)'],
		['http://100.127.255.254/', 'the link points to 100.127.255.254, an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)'],
		['http://[64:ff9b::a9fe:a9fe]/', 'the link points to [64:ff9b::a9fe:a9fe], an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)'],
		['http://[64:ff9b::127.0.0.1]/', 'the link points to [64:ff9b::7f00:1], an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)'],
		['http://[::127.0.0.1]/', 'the link points to [::7f00:1], an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)'],
		['http://[2002:7f00:1::]/', 'the link points to [2002:7f00:1::], an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)'],
		['http://198.18.0.1/', 'the link points to 198.18.0.1, an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)'],
		['http://198.19.255.1/', 'the link points to 198.19.255.1, an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)'],
		['http://192.0.0.170/', 'the link points to 192.0.0.170, an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)'],
		['http://224.0.0.1/', 'the link points to 224.0.0.1, an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)'],
		['http://240.0.0.1/', 'the link points to 240.0.0.1, an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)'],
		['http://255.255.255.255/', 'the link points to 255.255.255.255, an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)'],
		['http://[ff02::1]/', 'the link points to [ff02::1], an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)'],
		// names, by every address the lookup gives
		['https://rebound.example.net/x.png', 'the link points to rebound.example.net (127.0.0.1), a loopback address (this machine)'],
		['https://rebound.example.net./x.png', 'the link points to rebound.example.net. (127.0.0.1), a loopback address (this machine)'],
		['https://metadata.example.net/', 'the link points to metadata.example.net (100.100.100.200), an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)'],
		['https://mixed.example.net/', 'the link points to mixed.example.net (10.0.0.8), a private-network address'],
		['https://nat64.example.net/', 'the link points to nat64.example.net (64:ff9b::a9fe:a9fe), an address of a special-purpose range (carrier-grade NAT, NAT64, benchmarking, multicast, reserved)'],
	])('%s', async (link, reason) => {
		expect(await refusalOf(link)).toBe(reason);
	});
});

test.each(['http://8.8.8.8/', 'http://[2606:4700::1111]/', 'http://100.128.0.1/', 'http://198.20.0.1/', 'http://172.32.0.1/', 'https://api.example.com/files/1'])('%s is fetched', async (link) => {
	expect(await refusalOf(link)).toBeUndefined();
});

test('a name is looked up once, and the connection is to the address that was checked', async () => {
	lookups.length = 0;
	expect(await checkLink('https://cdn.example.net/out.png', publicBase)).toEqual({ url: new URL('https://cdn.example.net/out.png'), address: '93.184.215.14' });
	expect(lookups).toEqual(['cdn.example.net']);
});

describe('a base URL inside n8n\'s networks unlocks its own host only', () => {
	const proxyBase: LinkPolicy = { baseHost: '10.0.0.5', baseAddresses: ['10.0.0.5'], addressField: 'the base URL in the credential', resolve };
	test.each([
		['http://10.0.0.5:8080/out.png', undefined],
		['http://10.0.0.6/out.png', 'the link points to 10.0.0.6, a private-network address'],
		['http://192.168.1.1/', 'the link points to 192.168.1.1, a private-network address'],
		['http://127.0.0.1/', 'the link points to 127.0.0.1, a loopback address (this machine)'],
		['http://169.254.169.254/', 'the link points to 169.254.169.254, a link-local address (such as a cloud metadata service)'],
	])('%s', async (link, reason) => {
		expect(await refusalOf(link, proxyBase)).toBe(reason);
	});

	test('a name that resolves to the base URL\'s own address is that host too', async () => {
		const loopbackBase: LinkPolicy = { baseHost: '127.0.0.1', baseAddresses: ['127.0.0.1'], addressField: 'the URL field', resolve };
		expect(await refusalOf('https://rebound.example.net/x.png', loopbackBase)).toBeUndefined();
		expect(await refusalOf('http://localhost/', loopbackBase)).toBe('the link points to localhost, a loopback address (this machine)');
	});
});
