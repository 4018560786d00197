import { createHash } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { Store } from '../store/types.js';

export interface StoredResponse {
  status: number;
  body: string;
  contentType: string;
}

export type IdempotencyVerdict =
  /** `recovered`: the key was held by a request that died; its work may already be committed. */
  | { kind: 'proceed'; recovered?: boolean }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

/** An in-flight key older than this belongs to a request that died; a retry may take it over. */
const ABANDONED_MS = 60_000;

/** Same method, path and JSON body (whatever its key order or spacing) give the same hash. */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n`).update(canonicalJson(body)).digest('hex');
}

function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

/**
 * Idempotency keys per merchant: the first request with a key runs, a replay gets the stored
 * response, another body under the same key is refused, and a retry while the first still runs
 * is told to wait. The claim is a row insert, so parallel requests race safely in the store.
 */
export class Idempotency {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async begin(merchantId: string, key: string, hash: string): Promise<IdempotencyVerdict> {
    return this.store.transaction(async (tx) => {
      const now = this.clock.now();
      const inserted = await tx.insertIdempotency({ merchantId, key, requestHash: hash, state: 'in_flight', responseStatus: null, responseBody: null, createdAt: now });
      if (inserted) return { kind: 'proceed' };
      const existing = await tx.getIdempotency(merchantId, key);
      if (!existing) return { kind: 'in_flight' };
      if (existing.requestHash !== hash) return { kind: 'mismatch' };
      if (existing.state === 'done' && existing.responseStatus !== null && existing.responseBody !== null) {
        const [contentType, body] = splitStored(existing.responseBody);
        return { kind: 'replay', response: { status: existing.responseStatus, body, contentType } };
      }
      if (now - existing.createdAt > ABANDONED_MS) {
        await tx.deleteIdempotency(merchantId, key);
        await tx.insertIdempotency({ merchantId, key, requestHash: hash, state: 'in_flight', responseStatus: null, responseBody: null, createdAt: now });
        return { kind: 'proceed', recovered: true };
      }
      return { kind: 'in_flight' };
    });
  }

  async complete(merchantId: string, key: string, r: StoredResponse): Promise<void> {
    await this.store.transaction((tx) => tx.completeIdempotency(merchantId, key, r.status, `${r.contentType}\n${r.body}`));
  }

  /** A request that failed on our side releases its key so the client can retry. */
  async release(merchantId: string, key: string): Promise<void> {
    await this.store.transaction((tx) => tx.deleteIdempotency(merchantId, key));
  }
}

function splitStored(stored: string): [string, string] {
  const nl = stored.indexOf('\n');
  return nl < 0 ? ['application/json', stored] : [stored.slice(0, nl), stored.slice(nl + 1)];
}

/** Thrown to send a stored refusal again, byte for byte; the app's error handler answers with it. */
export class ReplayedResponse extends Error {
  override readonly name = 'ReplayedResponse';
  constructor(readonly response: StoredResponse) {
    super('idempotent replay');
  }
}
