/**
 * Several links to one host with failover: a request goes out on the first ready link in the
 * configured order (primary first), so a lost primary moves traffic to the next link while it
 * reconnects. A match key is refused while it is in flight on any of the links, since the host
 * sees them as one acquirer.
 */
import type { FieldMap } from '../fields.js';
import { LinkNotSentError } from './errors.js';
import { IsoLink, type LinkOptions, type LinkReply, type LinkState, type UnmatchedReply } from './link.js';
import { matchKey } from './matcher.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface HostClientOptions extends Omit<LinkOptions, 'host' | 'port'> {
  endpoints: readonly Endpoint[];
}

export class IsoHostClient {
  readonly links: readonly IsoLink[];
  private readonly keys = new Set<string>();

  constructor(private readonly o: HostClientOptions) {
    if (o.endpoints.length === 0) throw new Error('an ISO 8583 host needs at least one endpoint');
    this.links = o.endpoints.map((e) => new IsoLink({ ...o, host: e.host, port: e.port }));
  }

  start(): void {
    for (const l of this.links) l.start();
  }

  /** Resolves when any link is ready. */
  async ready(timeoutMs: number): Promise<void> {
    await Promise.any(this.links.map((l) => l.ready(timeoutMs))).catch(() => {
      throw new LinkNotSentError('not_ready', `no link ready after ${timeoutMs} ms`);
    });
  }

  get states(): LinkState[] {
    return this.links.map((l) => l.state);
  }

  get isReady(): boolean {
    return this.links.some((l) => l.state === 'ready');
  }

  async request(fields: Readonly<FieldMap>, opts: { timeoutMs?: number } = {}): Promise<LinkReply> {
    const link = this.links.find((l) => l.state === 'ready');
    if (!link) throw new LinkNotSentError('not_ready', 'no link to the host is ready');
    const key = matchKey(fields, this.o.match);
    if (this.keys.has(key)) throw new LinkNotSentError('duplicate_key', `a request with match key ${key} is already in flight`);
    this.keys.add(key);
    try {
      return await link.request(fields, opts);
    } finally {
      this.keys.delete(key);
    }
  }

  /** Drops every connection; each link reconnects on its own backoff. */
  drop(): void {
    for (const l of this.links) l.drop();
  }

  async close(): Promise<void> {
    await Promise.all(this.links.map((l) => l.close()));
  }
}

export type { UnmatchedReply };
