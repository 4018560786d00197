import type { BankTransport, TransportRequest, TransportResult } from './types.js';

export type MockHandler = (req: TransportRequest & { bodyText: string }) => TransportResult | Promise<TransportResult>;

/**
 * The in-memory twin of the HTTP transport for unit tests of connectors: every request is
 * recorded, and answered by the next queued result or else by the handler.
 */
export class MockTransport implements BankTransport {
  readonly requests: Array<TransportRequest & { bodyText: string }> = [];
  private readonly queue: TransportResult[] = [];
  private closed = false;

  constructor(private handler: MockHandler = () => ({ kind: 'reply', status: 200, headers: {}, body: '', ms: 0 })) {}

  /** The next request gets this result, ahead of the handler. */
  enqueue(...results: TransportResult[]): this {
    this.queue.push(...results);
    return this;
  }

  onRequest(handler: MockHandler): this {
    this.handler = handler;
    return this;
  }

  async send(req: TransportRequest): Promise<TransportResult> {
    if (this.closed) return { kind: 'not_sent', reason: 'transport closed' };
    const bodyText = req.body === undefined ? '' : typeof req.body === 'string' ? req.body : new TextDecoder().decode(req.body);
    const recorded = { ...req, bodyText };
    this.requests.push(recorded);
    return this.queue.shift() ?? this.handler(recorded);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A reply result, for tests. */
export const replyWith = (body: string, status = 200, headers: Record<string, string> = {}): TransportResult => ({
  kind: 'reply',
  status,
  headers: { 'content-type': 'application/xml', ...headers },
  body,
  ms: 0,
});
