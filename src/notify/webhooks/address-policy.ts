import { isIPv4, isIPv6 } from 'node:net';

/**
 * Which IP addresses a webhook may be sent to. Pure (no DNS, no sockets): the destination check
 * (destination.ts) resolves the host and asks this about every address it got back.
 *
 * The rule is "publicly routable unicast only". IPv6 is an allow-list (global unicast 2000::/3),
 * with the special blocks inside it refused, so a range nobody thought of is refused by default.
 * Forms that carry an IPv4 address inside IPv6 (mapped, compatible, NAT64, 6to4) are judged by the
 * IPv4 address they carry, because that is where the packets end up.
 */

/** Why an address is refused; never shown to API callers (one answer for all, see destination.ts). */
export type RefusedClass =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link_local'
  | 'unique_local'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'documentation'
  | 'benchmarking'
  | 'metadata'
  | 'ipv4_embedded'
  | 'not_global'
  | 'invalid';

interface V4Range {
  base: number;
  bits: number;
  why: RefusedClass;
}

const v4 = (cidr: string, why: RefusedClass): V4Range => {
  const [ip = '', bits = '32'] = cidr.split('/');
  const base = ipv4ToInt(ip);
  if (base === null) throw new Error(`bad range ${cidr}`);
  return { base, bits: Number(bits), why };
};

/** IANA IPv4 special-purpose registry, plus the cloud metadata addresses that sit in public space. */
const V4_REFUSED: readonly V4Range[] = [
  v4('0.0.0.0/8', 'unspecified'), // "this network": 0.0.0.0 reaches the local host on Linux
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'shared'), // CGNAT; Alibaba's metadata 100.100.100.200 is in here
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link_local'), // AWS, GCP, Azure, OpenStack metadata 169.254.169.254
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'), // IETF protocol assignments; Oracle metadata 192.0.0.192
  v4('192.0.2.0/24', 'documentation'),
  v4('192.31.196.0/24', 'reserved'), // AS112
  v4('192.52.193.0/24', 'reserved'), // AMT
  v4('192.88.99.0/24', 'reserved'), // 6to4 relay anycast
  v4('192.168.0.0/16', 'private'),
  v4('192.175.48.0/24', 'reserved'), // AS112 direct delegation
  v4('198.18.0.0/15', 'benchmarking'),
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'), // includes 255.255.255.255 (checked first, below)
  v4('168.63.129.16/32', 'metadata'), // Azure wire server, public space but host-local
];

export function ipv4ToInt(ip: string): number | null {
  if (!isIPv4(ip)) return null;
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function refusedV4(n: number): RefusedClass | null {
  if (n === 0xffffffff) return 'broadcast';
  for (const r of V4_REFUSED) {
    const size = 2 ** (32 - r.bits);
    if (n >= r.base && n < r.base + size) return r.why;
  }
  return null;
}

/** The 8 16-bit groups of an IPv6 address (a trailing dotted IPv4 part is folded in), or null. */
export function ipv6Groups(ip: string): number[] | null {
  // a zone id (fe80::1%eth0) names an interface of this host: never a webhook destination
  if (!isIPv6(ip) || ip.includes('%')) return null;
  let s = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted?.[1]) {
    const n = ipv4ToInt(dotted[1]);
    if (n === null) return null;
    s = `${s.slice(0, -dotted[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = s.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return null;
  const groups = [...left, ...new Array<number>(Math.max(missing, 0)).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

const v4Of = (hi: number, lo: number): number => hi * 65536 + lo;

function refusedV6(g: number[]): RefusedClass | null {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const zeroTo = (n: number): boolean => g.slice(0, n).every((x) => x === 0);
  if (zeroTo(8)) return 'unspecified';
  if (zeroTo(7) && g7 === 1) return 'loopback';
  // ::ffff:a.b.c.d (mapped) and ::ffff:0:a.b.c.d (SIIT translated): the IPv4 address decides
  if (zeroTo(5) && g5 === 0xffff) return refusedV4(v4Of(g6, g7)) ? 'ipv4_embedded' : null;
  if (zeroTo(4) && g4 === 0xffff && g5 === 0) return refusedV4(v4Of(g6, g7)) ? 'ipv4_embedded' : null;
  // ::a.b.c.d (IPv4-compatible, deprecated since 2006): no legitimate receiver uses it
  if (zeroTo(6)) return 'ipv4_embedded';
  // NAT64 well-known prefix 64:ff9b::/96: a gateway translates to the IPv4 address inside
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return refusedV4(v4Of(g6, g7)) ? 'ipv4_embedded' : null;
  // 64:ff9b:1::/48 is the local-use NAT64 prefix: translation inside someone's own network
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return 'ipv4_embedded';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if ((g0 & 0xffc0) === 0xfe80) return 'link_local';
  if ((g0 & 0xffc0) === 0xfec0) return 'link_local'; // site-local, deprecated but still routed by some
  if ((g0 & 0xfe00) === 0xfc00) return g0 === 0xfd00 && g1 === 0x0ec2 ? 'metadata' : 'unique_local'; // AWS fd00:ec2::254
  // Everything below must be global unicast 2000::/3; the rest of the space is not for hosts.
  if ((g0 & 0xe000) !== 0x2000) return 'not_global';
  if (g0 === 0x2001 && g1 === 0x0db8) return 'documentation';
  if (g0 === 0x3fff && g1 < 0x1000) return 'documentation'; // 3fff::/20
  if (g0 === 0x2001 && g1 === 0x0002 && g2 === 0) return 'benchmarking';
  // 2001::/23 IETF protocol assignments: Teredo (2001::/32, carries an obfuscated IPv4), ORCHID, AS112…
  if (g0 === 0x2001 && g1 < 0x0200) return 'reserved';
  // 6to4 2002:V4ADDR::/48: packets go to the IPv4 address in groups 1-2
  if (g0 === 0x2002) return refusedV4(v4Of(g1, g2)) ? 'ipv4_embedded' : null;
  return null;
}

/**
 * Null when `ip` (an IP literal, no brackets) may receive webhooks; otherwise why not. Anything
 * that is not a well-formed IP literal is refused.
 */
export function refusedAddress(ip: string): RefusedClass | null {
  const n = ipv4ToInt(ip);
  if (n !== null) return refusedV4(n);
  const g = ipv6Groups(ip);
  if (g) return refusedV6(g);
  return 'invalid';
}

/** `[::1]` -> `::1`; a URL's hostname keeps IPv6 literals in brackets. */
export const unbracket = (host: string): string => (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);

/** A canonical text of an IP literal, so allow-list entries match however the address was written. */
export function canonicalIp(ip: string): string | null {
  const n = ipv4ToInt(ip);
  if (n !== null) return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  const g = ipv6Groups(ip);
  return g ? g.map((x) => x.toString(16)).join(':') : null;
}
