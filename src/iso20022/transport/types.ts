/**
 * The contract between an ISO 20022 connector and the bank's HTTP API. The transport moves bytes
 * and says what it knows about delivery; what the bytes mean is the connector's business.
 */

export type Headers = Record<string, string>;

/**
 * Runs just before the request leaves, over the exact body bytes: returns the headers to send
 * (e.g. a detached CMS signature), or headers and a replacement body (e.g. an enveloped CMS
 * SignedData carrying the body inside, for banks that take one blob). A hook that throws stops
 * the request before anything is sent.
 */
export type SignRequest = (body: Uint8Array, headers: Headers) => Promise<Headers | SignedRequest>;

/** What an enveloping hook sends instead: these exact headers (content-type included) and bytes. */
export interface SignedRequest {
  headers: Headers;
  body: Uint8Array;
}

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
 *   `body` is the reply read as UTF-8; `raw` its exact bytes (always set by the HTTP transport),
 *   which a binary reply such as a CMS blob needs: UTF-8 decoding would mangle it.
 * - `not_sent`: proof the bank never received the request (connection refused, DNS, TLS handshake,
 *   signing failed). Safe to send again.
 * - `unknown`: the request may have reached the bank (timeout, reset, aborted after connecting).
 *   Never resend it blindly: ask the bank (pacs.028 or its status resource).
 */
export type TransportResult =
  | { kind: 'reply'; status: number; headers: Headers; body: string; ms: number; raw?: Uint8Array }
  | { kind: 'not_sent'; reason: string; code?: string }
  | { kind: 'unknown'; reason: string; code?: string };

export interface BankTransport {
  send(req: TransportRequest): Promise<TransportResult>;
  close(): Promise<void>;
}
