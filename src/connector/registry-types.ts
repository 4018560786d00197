import type { Connector } from './types.js';

/** The connectors a running Railyard has built, by id. */
export class ConnectorSet {
  private readonly byId = new Map<string, Connector>();

  constructor(connectors: Connector[] = []) {
    for (const c of connectors) this.add(c);
  }

  add(c: Connector): void {
    if (this.byId.has(c.id)) throw new Error(`connector "${c.id}" is registered twice`);
    this.byId.set(c.id, c);
  }

  get(id: string): Connector | undefined {
    return this.byId.get(id);
  }

  all(): Connector[] {
    return [...this.byId.values()];
  }

  /** Longest call timeout: the outbox lease must outlast every call. */
  maxCallTimeoutMs(): number {
    return Math.max(1_000, ...this.all().map((c) => c.capabilities.callTimeoutMs));
  }
}
