/**
 * The contract between an ISO 20022 connector and the bank's HTTP API. The transport moves bytes
 * and says what it knows about delivery; what the bytes mean is the connector's business.
 */

export type Headers = Record<string, string>;

/**
 * Runs just before the request leaves, over the exact body bytes: returns the headers to send
 * (e.g. a detached CMS signature). A hook that throws stops the request before anything is sent.
 */
export type SignRequest = (body: Uint8Array, headers: Headers) => Promise<Headers>;

export interface TransportRequest {
  /** Path (and query) under the transport's base URL, e.g. `/payments`. */
  path: string;
  method?: 'POST' | 'GET' | 'PUT';
  body?: string | Uint8Array;
  /** Defaults to `application/xml; charset=utf-8` when a body is given. */
  contentType?: string;
  headers?: Headers;
  /** Overall deadline for this request; the transport default applies when absent. */
  timeoutMs?: number;
  /** The caller giving up (shutdown): treated like a timeout. */
  signal?: AbortSignal;
}

/**
 * - `reply`: the bank answered with this HTTP status (any status: reading it is the connector's job).
 * - `not_sent`: proof the bank never received the request (connection refused, DNS, TLS handshake,
 *   signing failed). Safe to send again.
 * - `unknown`: the request may have reached the bank (timeout, reset, aborted after connecting).
 *   Never resend it blindly: ask the bank (pacs.028 or its status resource).
 */
export type TransportResult =
  | { kind: 'reply'; status: number; headers: Headers; body: string; ms: number }
  | { kind: 'not_sent'; reason: string; code?: string }
  | { kind: 'unknown'; reason: string; code?: string };

export interface BankTransport {
  send(req: TransportRequest): Promise<TransportResult>;
  close(): Promise<void>;
}
