/**
 * The address rules of the link policy on their own, for the spellings no engine test can reach
 * without a lookup on the network (local host names of a base URL) or that the URL parser
 * rewrites (IPv4-mapped IPv6). The engine tests in links.test.ts cover how the node applies them.
 */
import { addressKind, baseUrlProblem } from '../nodes/shared/linkPolicy';

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
	['[fec0::1]', 'public'],
	['[::ffff:7f00:1]', 'loopback'],
	['[::ffff:a00:1]', 'private'],
	['8.8.8.8', 'public'],
	['[2001:db8::1]', 'public'],
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

test.each(['http://tams.example.com', 'http://8.8.8.8', 'http://[2001:db8::1]'])('%s is refused as a base URL', (baseUrl) => {
	expect(baseUrlProblem(baseUrl)).toMatch(/^its base URL is http:\/\/ to .+, a public host, so the key would travel unencrypted/);
});
