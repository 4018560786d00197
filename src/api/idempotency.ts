import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { IdempotencyEffectKind, Store, StoreTx } from '../store/types.js';

export interface StoredResponse {
  status: number;
  body: string;
  contentType: string;
}

export interface IdempotencyEffect {
  kind: IdempotencyEffectKind;
  id: string;
}

export type IdempotencyVerdict =
  /** The caller holds the key as `owner`; `recovered`: it took the key over from a request that died. */
  | { kind: 'proceed'; owner: string; recovered?: boolean }
  | { kind: 'replay'; response: StoredResponse }
  /** An effect was committed under the key but its response was never stored: answer from the effect. */
  | { kind: 'effect'; effect: IdempotencyEffect }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

/**
 * An in-flight key (with no effect) older than this belongs to a request that died; a retry may
 * take it over. Taking over is safe at any age (the first request can no longer bind an effect
 * to the key, so its effect rolls back): the window only keeps a retry from pre-empting a request
 * that is still working, which holds a key with no effect for milliseconds. 10 s, so a gateway's
 * retry after a crash gets its answer within its own retry budget (60 s blocked the key for a
 * minute: seed 104 of the fault simulator).
 */
export const DEFAULT_ABANDONED_MS = 10_000;

/** The key was taken over by a retry before this request could bind its effect: the effect is rolled back. */
export class IdempotencyKeyLost extends Error {
  override readonly name = 'IdempotencyKeyLost';
  constructor() {
    super('the Idempotency-Key was taken over by another request');
  }
}

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

const stored = (r: StoredResponse) => `${r.contentType}\n${r.body}`;

/**
 * Idempotency keys per merchant: the first request with a key runs, a replay gets the stored
 * response, another body under the same key is refused, and a retry while the first still runs
 * is told to wait. The claim is a row insert, so parallel requests race safely in the store.
 *
 * What makes it crash-safe: the request's effect (payment, refund, confirmation, cancellation)
 * binds the key in its own transaction (`bind`), guarded by the holder's token. So a key either
 * has an effect or provably none: a retry after a crash answers from the bound effect, and a key
 * with no effect can be taken over without risk, because the old holder can no longer bind one.
 */
export class Idempotency {
  private readonly abandonedMs: number;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    opts: { abandonedMs?: number } = {},
  ) {
    this.abandonedMs = opts.abandonedMs ?? DEFAULT_ABANDONED_MS;
  }

  async begin(merchantId: string, key: string, hash: string): Promise<IdempotencyVerdict> {
    const owner = randomBytes(16).toString('hex');
    return this.store.transaction(async (tx) => {
      const now = this.clock.now();
      const inserted = await tx.insertIdempotency({
        merchantId,
        key,
        requestHash: hash,
        state: 'in_flight',
        responseStatus: null,
        responseBody: null,
        createdAt: now,
        owner,
        effectKind: null,
        effectId: null,
      });
      if (inserted) return { kind: 'proceed', owner };
      const existing = await tx.getIdempotency(merchantId, key);
      if (!existing) return { kind: 'in_flight' };
      if (existing.requestHash !== hash) return { kind: 'mismatch' };
      if (existing.state === 'done' && existing.responseStatus !== null && existing.responseBody !== null) {
        const [contentType, body] = splitStored(existing.responseBody);
        return { kind: 'replay', response: { status: existing.responseStatus, body, contentType } };
      }
      if (existing.effectKind !== null && existing.effectId !== null) {
        return { kind: 'effect', effect: { kind: existing.effectKind, id: existing.effectId } };
      }
      if (now - existing.createdAt > this.abandonedMs) {
        const taken = await tx.takeOverIdempotency(merchantId, key, existing.owner, owner, now);
        return taken ? { kind: 'proceed', owner, recovered: true } : { kind: 'in_flight' };
      }
      return { kind: 'in_flight' };
    });
  }

  /**
   * Called inside the effect's transaction: binds the key to it (with the response, when the effect
   * itself is the answer, e.g. a wrong one-time code). Throws `IdempotencyKeyLost` so the effect
   * rolls back if the key was taken over meanwhile.
   */
  async bind(tx: StoreTx, merchantId: string, key: string, owner: string, effect: IdempotencyEffect, response?: StoredResponse): Promise<void> {
    const ok = await tx.bindIdempotency(merchantId, key, owner, effect, response ? { status: response.status, body: stored(response) } : undefined);
    if (!ok) throw new IdempotencyKeyLost();
  }

  /** Stores the answer; a no-op if this request no longer holds the key or the answer was stored with the effect. */
  async complete(merchantId: string, key: string, owner: string, r: StoredResponse): Promise<void> {
    await this.store.transaction((tx) => tx.completeIdempotency(merchantId, key, owner, r.status, stored(r)));
  }

  /** A request that failed on our side before any effect releases its key so the client can retry. */
  async release(merchantId: string, key: string, owner: string): Promise<void> {
    await this.store.transaction((tx) => tx.releaseIdempotency(merchantId, key, owner));
  }
}

function splitStored(s: string): [string, string] {
  const nl = s.indexOf('\n');
  return nl < 0 ? ['application/json', s] : [s.slice(0, nl), s.slice(nl + 1)];
}

/** Thrown to send a stored refusal again, byte for byte; the app's error handler answers with it. */
export class ReplayedResponse extends Error {
  override readonly name = 'ReplayedResponse';
  constructor(readonly response: StoredResponse) {
    super('idempotent replay');
  }
}
