import { Agent, request, type Dispatcher } from 'undici';
import { errorCode, sentBeforeFailure } from './classify.js';
import { applySigning } from './sign.js';
import type { BankTransport, Headers, SignRequest, TransportRequest, TransportResult } from './types.js';

export interface TlsOptions {
  /** PEM client key and certificate for mutual TLS. */
  key?: string | Buffer;
  cert?: string | Buffer;
  /** PEM CA bundle the bank's server certificate must chain to (replaces the system store). */
  ca?: string | Buffer | Array<string | Buffer>;
  servername?: string;
}

export interface HttpTransportOptions {
  /** e.g. `https://api.bank.example/iso20022`; request paths are appended to it. */
  baseUrl: string;
  tls?: TlsOptions;
  sign?: SignRequest;
  /** Overall deadline per request (default 10 s). */
  timeoutMs?: number;
  /** Deadline for the TCP + TLS connection alone (default 5 s): failing it proves nothing was sent. */
  connectTimeoutMs?: number;
  /** Sent with every request (API keys, tenant ids). */
  headers?: Headers;
  /** Replies larger than this are cut off and reported as `unknown` (default 20 MB). */
  maxReplyBytes?: number;
}

const DEFAULT_CONTENT_TYPE = 'application/xml; charset=utf-8';

/**
 * The bank API client: undici over keep-alive connections, optional mutual TLS, a signing hook
 * over the exact body bytes, a deadline per request. It never retries anything: a POST that may
 * have reached the bank comes back `unknown` and the engine decides (inquiry), never the socket.
 */
export function createHttpTransport(opts: HttpTransportOptions): BankTransport {
  const base = new URL(opts.baseUrl);
  const prefix = base.pathname.replace(/\/$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxReplyBytes = opts.maxReplyBytes ?? 20 * 1024 * 1024;
  const dispatcher: Dispatcher = new Agent({
    connect: {
      timeout: opts.connectTimeoutMs ?? 5_000,
      ...(opts.tls?.key !== undefined ? { key: opts.tls.key } : {}),
      ...(opts.tls?.cert !== undefined ? { cert: opts.tls.cert } : {}),
      ...(opts.tls?.ca !== undefined ? { ca: opts.tls.ca } : {}),
      ...(opts.tls?.servername !== undefined ? { servername: opts.tls.servername } : {}),
    },
    // undici retries nothing by itself for non-idempotent requests; no RetryAgent is layered on.
    pipelining: 1,
  });

  async function send(req: TransportRequest): Promise<TransportResult> {
    const started = Date.now();
    let bytes = typeof req.body === 'string' ? new TextEncoder().encode(req.body) : req.body;
    let headers: Headers = { ...opts.headers, ...req.headers };
    if (bytes !== undefined) headers['content-type'] = req.contentType ?? DEFAULT_CONTENT_TYPE;
    if (opts.sign && bytes !== undefined) {
      const signed = await applySigning(opts.sign, bytes, headers);
      if (!signed.ok) return { kind: 'not_sent', reason: signed.reason };
      ({ headers, body: bytes } = signed);
    }
    const deadline = AbortSignal.timeout(req.timeoutMs ?? timeoutMs);
    const signal = req.signal ? AbortSignal.any([deadline, req.signal]) : deadline;
    try {
      const res = await request(new URL(prefix + req.path, base), {
        method: req.method ?? 'POST',
        headers,
        ...(bytes !== undefined ? { body: bytes } : {}),
        dispatcher,
        signal,
      });
      const raw = await readCapped(res.body, maxReplyBytes);
      if (raw === null) return { kind: 'unknown', reason: `reply larger than ${maxReplyBytes} bytes` };
      return { kind: 'reply', status: res.statusCode, headers: flatten(res.headers), body: raw.toString('utf8'), raw, ms: Date.now() - started };
    } catch (err) {
      const code = errorCode(err);
      if (deadline.aborted) return { kind: 'unknown', reason: `no reply within ${req.timeoutMs ?? timeoutMs} ms`, code: 'timeout' };
      if (req.signal?.aborted) return { kind: 'unknown', reason: 'aborted by the caller', code: 'aborted' };
      if (!sentBeforeFailure(code)) return { kind: 'not_sent', reason: errorMessage(err), ...(code ? { code } : {}) };
      return { kind: 'unknown', reason: errorMessage(err), ...(code ? { code } : {}) };
    }
  }

  return { send, close: () => dispatcher.close() };
}

async function readCapped(body: AsyncIterable<Uint8Array> & { destroy(): unknown }, max: number): Promise<Buffer | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > max) {
      body.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function flatten(h: Record<string, string | string[] | undefined>): Headers {
  const out: Headers = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
