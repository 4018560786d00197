import { createHash } from 'node:crypto';
import type { HistoryRecord, Json } from './types.js';

/**
 * The timeline of each payment is a hash chain: every history row stores the hash of the row
 * before it (of the same payment) and its own hash over that link and its content. Changing,
 * removing or reordering a row breaks every hash after it, which `railyard audit verify` reports.
 */
export const GENESIS = '0'.repeat(64);

function canonical(v: Json | undefined): string {
  if (v === null || v === undefined || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
}

export function historyHash(prevHash: string, h: HistoryRecord): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonical({ paymentId: h.paymentId, aggregateId: h.aggregateId, at: h.at, kind: h.kind, fromState: h.fromState, toState: h.toState, data: h.data }))
    .digest('hex');
}

export interface BrokenLink {
  paymentId: string;
  seq: number;
  reason: 'hash_mismatch' | 'link_mismatch' | 'missing_hash';
}

/** The first broken link of one payment's chain (rows in `seq` order), or null when it holds. */
export function verifyChain(rows: readonly HistoryRecord[]): BrokenLink | null {
  let prev = GENESIS;
  for (const r of rows) {
    const seq = r.seq ?? -1;
    if (!r.hash || !r.prevHash) return { paymentId: r.paymentId, seq, reason: 'missing_hash' };
    if (r.prevHash !== prev) return { paymentId: r.paymentId, seq, reason: 'link_mismatch' };
    if (historyHash(r.prevHash, r) !== r.hash) return { paymentId: r.paymentId, seq, reason: 'hash_mismatch' };
    prev = r.hash;
  }
  return null;
}
