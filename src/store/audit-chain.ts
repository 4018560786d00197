import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditHead, HistoryRecord, Json } from './types.js';

/**
 * The timeline of each payment is a keyed chain. Every history row carries its position in the
 * payment's chain (`chainIndex`), the hash of the row before it and its own hash: an HMAC-SHA256,
 * under the audit key named by the row's `keyId`, over the position, that link and the content.
 * Without the key nobody can recompute a hash, so an edited, inserted or re-hashed row is found;
 * the position makes a removed or moved row visible even when its neighbours are intact. The
 * chain's head (length, last hash, and an HMAC over both) is kept on the payment's own row and
 * moved in the same transaction as the append, so cutting the tail of a history leaves a head that
 * points past the end. A signed checkpoint of all heads (src/trust/audit-checkpoint.ts) catches the
 * one thing left: someone who deletes rows AND restores an older head saved earlier.
 *
 * Rows written before migration 11 are "legacy": plain SHA-256 links (migration 3) or none at all.
 * They are verified with their old rule up to the boundary recorded on the payment row
 * (`legacyCount`), and the first keyed row links to the last legacy hash, which seals them from then on.
 */
export const GENESIS = '0'.repeat(64);

/** The audit keys: the active one signs new rows; any of them verifies rows that name it. */
export class AuditKeyring {
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(
    readonly activeId: string,
    keys: ReadonlyArray<{ id: string; key: Uint8Array }>,
  ) {
    const map = new Map<string, Buffer>();
    for (const k of keys) {
      if (k.key.length < 32) throw new Error(`audit key "${k.id}": needs at least 32 bytes`);
      map.set(k.id, Buffer.from(k.key));
    }
    if (!map.has(activeId)) throw new Error(`audit key "${activeId}" (active) is not among the audit keys`);
    this.keys = map;
  }

  has(id: string): boolean {
    return this.keys.has(id);
  }

  ids(): string[] {
    return [...this.keys.keys()];
  }

  /** Hex HMAC-SHA256 under key `id`, or null when that key is unknown. */
  mac(id: string, message: string): string | null {
    const key = this.keys.get(id);
    return key ? createHmac('sha256', key).update(message).digest('hex') : null;
  }
}

/**
 * The key a store uses when none is given (unit tests, library use without configuration). It is
 * public, so rows under it prove nothing: a configured keyring never contains it, and
 * `railyard audit verify` reports such rows as `unknown_key`. Railyard's server always passes its own.
 */
export const UNKEYED_AUDIT_KEYRING = new AuditKeyring('unkeyed', [{ id: 'unkeyed', key: Buffer.alloc(32) }]);

function canonical(v: Json | undefined): string {
  if (v === null || v === undefined || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
}

const content = (h: HistoryRecord): Json => ({
  paymentId: h.paymentId,
  aggregateId: h.aggregateId,
  at: h.at,
  kind: h.kind,
  fromState: h.fromState,
  toState: h.toState,
  data: h.data,
});

/** Migration-3 rows: plain SHA-256 over the link and the content. Kept only to verify them. */
export function legacyHash(prevHash: string, h: HistoryRecord): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonical(content(h))).digest('hex');
}

/** The keyed hash of a row at `index` (1-based) of its payment's chain; null for an unknown key. */
export function rowHash(keys: AuditKeyring, keyId: string, index: number, prevHash: string, h: HistoryRecord): string | null {
  // a label per use so a row hash can never be replayed as a head MAC or the other way round
  return keys.mac(keyId, `railyard-history-row/1\n${index}\n${prevHash}\n${canonical(content(h))}`);
}

/** The MAC over a chain head; null for an unknown key. */
export function headMac(keys: AuditKeyring, keyId: string, paymentId: string, count: number, hash: string): string | null {
  return keys.mac(keyId, `railyard-history-head/1\n${paymentId}\n${count}\n${hash}`);
}

function same(a: string | null | undefined, b: string | null | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export type TamperKind =
  /** the row's content (or its own hash) was changed: its keyed hash no longer matches */
  | 'edited'
  /** a row whose hash was recomputed after an earlier change: its stored hash is not a keyed hash */
  | 'rehashed'
  /** rows are missing before this one (its position jumps) */
  | 'deleted'
  /** a row that does not belong to the chain (no valid keyed hash, and the chain continues around it) */
  | 'inserted'
  /** a genuine row out of its place (its position or link goes backwards) */
  | 'reordered'
  /** the chain ends before the head kept on the payment row (or the checkpoint) says it does */
  | 'truncated'
  /** the head on the payment row was changed: its MAC does not match */
  | 'head_forged'
  /** rows up to the checkpoint's head differ from what the checkpoint recorded */
  | 'rewritten'
  /** a payment named in the checkpoint is gone */
  | 'payment_deleted'
  /** a row or head names an audit key this keyring does not hold (or the public unkeyed key) */
  | 'unknown_key'
  /** a legacy (pre-keyed) row breaks its SHA-256 chain, or has no hash at all */
  | 'legacy_broken';

export interface AuditFinding {
  paymentId: string;
  /** The history row's `seq`, or null when the finding is about the chain's end or head. */
  seq: number | null;
  kind: TamperKind;
  detail: string;
}

/** Where a chain ends, as `railyard audit verify` compares it with a checkpoint. */
export interface ChainEnd {
  count: number;
  /** hash of each position, 1-based (index 0 unused), as found in the store */
  hashes: ReadonlyArray<string | null>;
}

/**
 * Verifies one payment's history (rows in `seq` order) against its head. Returns every finding
 * (empty when the chain holds) and the chain's positions for a checkpoint comparison.
 */
export function verifyChain(rows: readonly HistoryRecord[], head: AuditHead, keys: AuditKeyring): { findings: AuditFinding[]; end: ChainEnd } {
  const findings: AuditFinding[] = [];
  const found = (seq: number | null, kind: TamperKind, detail: string): void => void findings.push({ paymentId: head.paymentId, seq, kind, detail });
  const legacy = rows.filter((r) => !r.keyId);
  const keyed = rows.filter((r) => r.keyId);
  const hashes: (string | null)[] = [null];

  // Legacy segment: the old rule, row by row; it must come first and be as long as recorded.
  let prev = GENESIS;
  rows.forEach((r, i) => {
    if (r.keyId) return;
    const seq = r.seq ?? null;
    if (keyed.length > 0 && rows.slice(0, i).some((x) => x.keyId)) {
      found(seq, 'inserted', 'an unkeyed row after the keyed chain began');
      return;
    }
    hashes.push(r.hash ?? null);
    if (!r.hash || !r.prevHash) {
      found(seq, 'legacy_broken', 'a row written before the chain existed (no hash): unverifiable');
    } else if (r.prevHash !== prev || legacyHash(r.prevHash, r) !== r.hash) {
      found(seq, 'legacy_broken', 'a legacy row breaks its SHA-256 chain (edited, moved or removed)');
    }
    prev = r.hash ?? prev;
  });
  const legacyRows = hashes.length - 1;
  if (legacyRows < head.legacyCount) found(null, 'deleted', `${head.legacyCount - legacyRows} of the ${head.legacyCount} legacy rows are missing`);
  else if (legacyRows > head.legacyCount) found(null, 'inserted', `${legacyRows - head.legacyCount} unkeyed rows more than the ${head.legacyCount} recorded at the keyed boundary`);

  // Keyed segment.
  let expected = head.legacyCount + 1;
  let broken = false; // the previous row failed: a following row with a consistent but unkeyed link was re-hashed
  let unknownLink = false; // after an edited row its original hash is unknown: trust the next valid row's own link
  for (let i = 0; i < keyed.length; i++) {
    const r = keyed[i] as HistoryRecord;
    const seq = r.seq ?? null;
    const keyId = r.keyId as string;
    const index = r.chainIndex ?? -1;
    if (!keys.has(keyId)) {
      found(seq, 'unknown_key', `row signed with audit key "${keyId}", which is not configured`);
      broken = true;
      unknownLink = true;
      hashes[index] = r.hash ?? null;
      expected = index + 1;
      prev = r.hash ?? prev;
      continue;
    }
    const valid = r.prevHash != null && same(rowHash(keys, keyId, index, r.prevHash, r), r.hash);
    if (valid) {
      // positions skipped here but present further on were moved, not removed
      const later = new Set(keyed.slice(i + 1).map((x) => x.chainIndex));
      const skipped = Array.from({ length: Math.max(0, index - expected) }, (_, k) => expected + k);
      if (index > expected && skipped.every((k) => later.has(k))) found(seq, 'reordered', `position ${index} comes before position ${expected}`);
      else if (index > expected) found(seq, 'deleted', `${skipped.filter((k) => !later.has(k)).length} row(s) missing before position ${index}`);
      else if (index === expected && index === head.legacyCount + 1 && head.legacyCount > 0 && r.prevHash !== prev) {
        found(seq, 'rehashed', `the legacy rows before position ${index} were changed and re-hashed: this first keyed row sealed another last legacy hash`);
      }
      else if (index < expected) found(seq, 'reordered', `position ${index} comes after position ${expected - 1}`);
      else if (!unknownLink && r.prevHash !== prev) found(seq, 'reordered', `position ${index} does not link to the row before it`);
      hashes[index] = r.hash ?? null;
      expected = Math.max(expected, index + 1);
      prev = r.hash as string;
      broken = false;
      unknownLink = false;
      continue;
    }
    // Invalid keyed hash: a forged row between genuine ones, a changed row, or one re-hashed after a change.
    const next = keyed[i + 1];
    const nextValid = next?.keyId && next.prevHash != null && keys.has(next.keyId) && same(rowHash(keys, next.keyId, next.chainIndex ?? -1, next.prevHash, next), next.hash);
    if (nextValid && next.chainIndex === expected && next.prevHash === prev) {
      found(seq, 'inserted', `a row with no valid keyed hash, between positions ${expected - 1} and ${expected}`);
      continue; // the genuine chain goes on around it
    }
    if (broken && r.prevHash === keyed[i - 1]?.hash) {
      found(seq, 'rehashed', `position ${index}: its hash was recomputed without the audit key (after the change above)`);
    } else if (r.prevHash != null && index === expected && !unknownLink && r.prevHash === prev && next?.prevHash != null && same(rowHash(keys, keyId, index, prev, r), next.prevHash)) {
      found(seq, 'rehashed', `position ${index}: content intact, its stored hash was replaced`);
    } else {
      found(seq, 'edited', `position ${index}: content or chain fields changed (the keyed hash does not match)`);
    }
    broken = true;
    unknownLink = true;
    hashes[index] = r.hash ?? null;
    if (index >= expected) expected = index + 1;
    prev = r.hash ?? prev;
  }

  // The head on the payment row: its MAC, and where it says the chain ends.
  const count = hashes.length - 1;
  if (head.count !== null) {
    const keyId = head.keyId ?? '';
    if (!keys.has(keyId)) found(null, 'unknown_key', `the chain head is signed with audit key "${keyId}", which is not configured`);
    else if (!same(headMac(keys, keyId, head.paymentId, head.count, head.hash ?? ''), head.mac)) found(null, 'head_forged', 'the head kept on the payment row was changed (its MAC does not match)');
    if (head.count > count) found(null, 'truncated', `the head says ${head.count} rows, the chain ends at ${count}: ${head.count - count} row(s) cut from the end`);
    else if (head.count < count) found(null, 'inserted', `the chain has ${count} rows, past the head's ${head.count}`);
    else if (count > 0 && !same(hashes[count] ?? null, head.hash)) found(null, 'rewritten', `the last row's hash is not the head's hash`);
  } else if (keyed.length > 0) {
    found(null, 'head_forged', 'keyed rows exist but the payment row has no chain head');
  }
  return { findings, end: { count, hashes } };
}
