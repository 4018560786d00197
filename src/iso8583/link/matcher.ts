/**
 * Request/response matching. A reply is paired with its request by a key built from the request
 * MTI's class and chosen fields (default DE11 STAN + DE41 terminal, as jPOS does). Pure: the table
 * holds whatever the link stores per request, and knows nothing of sockets or timers.
 */
import type { FieldMap, FieldValue } from '../fields.js';

export interface MatchKeyRules {
  /** Fields of the default key; default ['11', '41']. */
  fields?: readonly string[];
  /**
   * Other fields for some requests, by request MTI (`"0800"`) or MTI class prefix (`"08"`); the
   * longest matching entry wins. A reply is looked up under its request's MTI (0110 -> 0100).
   */
  overrides?: Readonly<Record<string, readonly string[]>>;
}

export const DEFAULT_MATCH_FIELDS: readonly string[] = ['11', '41'];

/** A request whose key is already in flight: it was not sent. */
export class DuplicateInFlightError extends Error {
  override readonly name = 'DuplicateInFlightError';
  constructor(readonly key: string) {
    super(`a request with match key ${key} is already in flight`);
  }
}

const isDigits = (s: string): boolean => /^[0-9]{4}$/.test(s);

/** The request MTI a message answers (0110 -> 0100, 0430 -> 0420); a request maps to itself. */
export function requestMtiOf(mti: string): string {
  if (!isDigits(mti)) return mti;
  const fn = mti.charCodeAt(2) - 0x30;
  return fn % 2 === 1 ? `${mti.slice(0, 2)}${fn - 1}${mti[3] ?? '0'}` : mti;
}

/** True for replies (x1x0, x3x0): messages that answer something we sent. */
export function isResponseMti(mti: string): boolean {
  return isDigits(mti) && (mti.charCodeAt(2) - 0x30) % 2 === 1;
}

const text = (v: FieldValue | undefined): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

export function keyFields(rules: MatchKeyRules, requestMti: string): readonly string[] {
  const o = rules.overrides;
  if (o) {
    let best: readonly string[] | undefined;
    let bestLen = 0;
    for (const [prefix, fields] of Object.entries(o)) {
      if (requestMti.startsWith(prefix) && prefix.length > bestLen) {
        best = fields;
        bestLen = prefix.length;
      }
    }
    if (best) return best;
  }
  return rules.fields ?? DEFAULT_MATCH_FIELDS;
}

/**
 * The key of a request or of its reply: MTI version+class (`01`, `04`, `08`), then the key fields'
 * values. The MTI function and origin stay out, so 0100/0110 and 0401 (repeat)/0410 meet.
 */
export function matchKey(fields: Readonly<FieldMap>, rules: MatchKeyRules = {}): string {
  const mti = text(fields['0']);
  const req = requestMtiOf(mti);
  const parts = [req.slice(0, 2)];
  for (const f of keyFields(rules, req)) parts.push(`${f}=${text(fields[f])}`);
  return parts.join('|');
}

/** Requests in flight by key. Refuses a second request under a key already waiting. */
export class InFlightTable<T> {
  private readonly map = new Map<string, T>();

  get size(): number {
    return this.map.size;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  get(key: string): T | undefined {
    return this.map.get(key);
  }

  add(key: string, entry: T): void {
    if (this.map.has(key)) throw new DuplicateInFlightError(key);
    this.map.set(key, entry);
  }

  /** Removes and returns the request waiting under `key`. */
  take(key: string): T | undefined {
    const e = this.map.get(key);
    if (e !== undefined) this.map.delete(key);
    return e;
  }

  /** Empties the table, returning what was in it (link loss: they all fail at once). */
  drain(): T[] {
    const all = [...this.map.values()];
    this.map.clear();
    return all;
  }
}

/** Keys answered recently, so a second answer to the same request is told apart from a late one. */
export class RecentKeys {
  private readonly set = new Set<string>();
  constructor(private readonly capacity = 4096) {}

  add(key: string): void {
    this.set.delete(key);
    this.set.add(key);
    if (this.set.size > this.capacity) {
      const oldest = this.set.values().next();
      if (!oldest.done) this.set.delete(oldest.value);
    }
  }

  has(key: string): boolean {
    return this.set.has(key);
  }
}
