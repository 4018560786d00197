import { applySigning } from './sign.js';
import type { BankTransport, SignRequest, TransportRequest, TransportResult } from './types.js';

export type MockHandler = (req: TransportRequest & { bodyText: string }) => TransportResult | Promise<TransportResult>;

export interface MockTransportOptions {
  /** The HTTP transport's signing hook, applied the same way: what is recorded is what would be sent. */
  sign?: SignRequest;
}

const DEFAULT_CONTENT_TYPE = 'application/xml; charset=utf-8';

/**
 * The in-memory twin of the HTTP transport for unit tests of connectors: every request is
 * recorded, and answered by the next queued result or else by the handler.
 */
export class MockTransport implements BankTransport {
  readonly requests: Array<TransportRequest & { bodyText: string }> = [];
  private readonly queue: TransportResult[] = [];
  private closed = false;

  constructor(
    private handler: MockHandler = () => ({ kind: 'reply', status: 200, headers: {}, body: '', ms: 0 }),
    private readonly opts: MockTransportOptions = {},
  ) {}

  /** The next request gets this result, ahead of the handler. */
  enqueue(...results: TransportResult[]): this {
    this.queue.push(...results);
    return this;
  }

  onRequest(handler: MockHandler): this {
    this.handler = handler;
    return this;
  }

  async send(input: TransportRequest): Promise<TransportResult> {
    if (this.closed) return { kind: 'not_sent', reason: 'transport closed' };
    let req = input;
    if (this.opts.sign && input.body !== undefined) {
      // As the HTTP transport does: the hook sees the content-type, and may replace headers and body.
      const bytes = typeof input.body === 'string' ? new TextEncoder().encode(input.body) : input.body;
      const signed = await applySigning(this.opts.sign, bytes, { ...input.headers, 'content-type': input.contentType ?? DEFAULT_CONTENT_TYPE });
      if (!signed.ok) return { kind: 'not_sent', reason: signed.reason };
      const { 'content-type': contentType, ...headers } = signed.headers;
      req = { ...input, body: signed.body, headers, ...(contentType !== undefined ? { contentType } : {}) };
    }
    const bodyText = req.body === undefined ? '' : typeof req.body === 'string' ? req.body : new TextDecoder().decode(req.body);
    const recorded = { ...req, bodyText };
    this.requests.push(recorded);
    return this.queue.shift() ?? this.handler(recorded);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A reply result, for tests; a binary body (a CMS blob) is kept as `raw` as the HTTP transport does. */
export const replyWith = (body: string | Uint8Array, status = 200, headers: Record<string, string> = {}): TransportResult => ({
  kind: 'reply',
  status,
  headers: { 'content-type': 'application/xml', ...headers },
  ...(typeof body === 'string' ? { body } : { body: Buffer.from(body).toString('utf8'), raw: body }),
  ms: 0,
});
