import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { Agent } from 'undici';
import { canonicalIp, refusedAddress, unbracket, type RefusedClass } from './address-policy.js';

/**
 * Where a webhook may go (SSRF defence). A URL is checked when an endpoint is registered and again
 * before every delivery (DNS may have changed in between): its host is resolved once, every
 * address it resolves to must be publicly routable (address-policy.ts), and the delivery then
 * connects to exactly the address that was checked, never resolving the name a second time.
 *
 * Private destinations are reachable only through an explicit allow-list (`webhooks.allow_private`),
 * which the sandbox fills with its own receiver; production has none unless an operator writes one.
 */

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Injectable so tests never ask a real DNS server; the default is the OS resolver (getaddrinfo). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** An allow-list entry: a host (IP literal or name) and optionally one port. */
export interface AllowEntry {
  host: string;
  port?: number;
}

/** `127.0.0.1:8080`, `[::1]:8080`, `localhost:4000`, `10.0.0.5` (any port); null when malformed. */
export function parseAllowEntry(text: string): AllowEntry | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]/]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (!m?.[1]) return null;
  const raw = unbracket(m[1]);
  if (m[1].startsWith('[') && isIP(raw) !== 6) return null;
  const host = isIP(raw) ? canonicalIp(raw) : raw.toLowerCase();
  if (!host) return null;
  if (m[2] === undefined) return { host };
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host, port } : null;
}

/** What a delivery connects to: the URL as registered and the one address that was checked. */
export interface Destination {
  url: URL;
  address: string;
  family: 4 | 6;
}

/**
 * A destination that may not be used. `reason` is for tests and operators' debugging only: the API
 * and the delivery records show one answer whatever it is, so nobody can map the inside of the
 * network (which names resolve, which ranges exist) by registering URLs and reading the refusals.
 */
export class DestinationRefused extends Error {
  override readonly name = 'DestinationRefused';
  constructor(readonly reason: RefusedClass | 'unresolvable' | 'bad_url') {
    super('url must be an http(s) URL of a publicly reachable host');
  }
}

export interface DestinationPolicyOptions {
  resolver?: Resolver;
  /** `webhooks.allow_private` entries (see parseAllowEntry). */
  allowPrivate?: readonly string[];
  /** Real milliseconds a lookup may take before the URL counts as unresolvable (default 5 s). */
  resolveTimeoutMs?: number;
}

export class DestinationPolicy {
  private readonly resolver: Resolver;
  private readonly allow: AllowEntry[];
  private readonly resolveTimeoutMs: number;

  constructor(o: DestinationPolicyOptions = {}) {
    this.resolver = o.resolver ?? systemResolver;
    this.allow = (o.allowPrivate ?? []).map((e) => {
      const parsed = parseAllowEntry(e);
      if (!parsed) throw new Error(`webhooks.allow_private: "${e}" is not host:port`);
      return parsed;
    });
    this.resolveTimeoutMs = o.resolveTimeoutMs ?? 5_000;
  }

  /** The address to connect to for `raw`, or DestinationRefused. Never opens a socket. */
  async check(raw: string): Promise<Destination> {
    if (!URL.canParse(raw)) throw new DestinationRefused('bad_url');
    const url = new URL(raw);
    // userinfo would be sent to the receiver and shows in logs of every hop: not a place for secrets
    if (!/^https?:$/.test(url.protocol) || url.username !== '' || url.password !== '') throw new DestinationRefused('bad_url');
    // WHATWG URL parsing already turned 0x7f.1, 2130706433 and friends into dotted IPv4
    const host = unbracket(url.hostname).toLowerCase().replace(/\.$/, '');
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    const literal = isIP(host);
    const addresses: ResolvedAddress[] = literal ? [{ address: host, family: literal === 6 ? 6 : 4 }] : await this.resolve(host);
    if (addresses.length === 0) throw new DestinationRefused('unresolvable');
    const namedAllowed = !literal && this.allowed(host, port);
    // Every answer must pass, not only the first: a name answering one public and one private
    // address would otherwise reach inside whenever the OS picks the other one.
    for (const a of addresses) {
      if (namedAllowed || this.allowed(canonicalIp(a.address) ?? '', port)) continue;
      const why = refusedAddress(a.address);
      if (why) throw new DestinationRefused(why);
    }
    const first = addresses[0] as ResolvedAddress;
    return { url, address: first.address, family: first.family };
  }

  private allowed(host: string, port: number): boolean {
    return host !== '' && this.allow.some((e) => e.host === host && (e.port === undefined || e.port === port));
  }

  private async resolve(host: string): Promise<ResolvedAddress[]> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.resolver(host),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new DestinationRefused('unresolvable')), this.resolveTimeoutMs);
        }),
      ]);
    } catch {
      throw new DestinationRefused('unresolvable');
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Largest response header block read from a receiver. */
export const MAX_RESPONSE_HEADER_BYTES = 16 * 1024;

/**
 * A one-use undici dispatcher that can only connect to `d.address`: its lookup answers that address
 * whatever name it is asked for, so the socket goes where the check looked (no second resolution,
 * no DNS rebinding between check and connect). TLS still verifies the certificate against the
 * URL's host name (SNI and hostname check use the name, not the address).
 */
export function pinnedDispatcher(d: Destination, timeoutMs: number): Agent {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: d.address, family: d.family }]);
    else callback(null, d.address, d.family);
  };
  return new Agent({
    connect: { lookup: pinned, timeout: timeoutMs },
    connections: 1,
    pipelining: 1,
    keepAliveTimeout: 1,
    maxHeaderSize: MAX_RESPONSE_HEADER_BYTES,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}
