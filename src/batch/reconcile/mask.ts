/**
 * Reports leave Railyard (files, tickets, e-mail, API answers), so nothing in them may carry a full
 * IBAN or card number, whatever field a payer or bank typed it into, in whatever case, with or
 * without spaces, glued to other text ("REF:de89370400440532013000x"). Only values that pass their
 * checksums (and, for IBANs, their country's length) are masked, so ordinary references survive;
 * a reference that happens to be a valid number is masked too, which is the price of the rule.
 * Every report view (JSON, CSV, webhook) masks through this one module.
 */

import { ibanValid, luhnValid, maskIban } from '../../domain/payment-method.js';
import { IBAN_LENGTH } from './iban-lengths.js';

export { maskIban };

const ALNUM = /[A-Za-z0-9]/;
/** Separators people put inside an IBAN when they type or print it. */
const SEPARATORS = new Set([' ', '-', '.', '\u00a0']);
const START = /[A-Za-z]{2}\d{2}/y;

/** The IBAN starting at `i`, when there is one: its compact form and where it ends in `text`. */
function ibanAt(text: string, i: number): { compact: string; end: number } | null {
  START.lastIndex = i;
  if (!START.test(text)) return null;
  const country = text.slice(i, i + 2).toUpperCase();
  const want = IBAN_LENGTH[country];
  const chars: string[] = [];
  const ends: number[] = [];
  let j = i;
  while (j < text.length && chars.length < 34) {
    const c = text[j] as string;
    if (ALNUM.test(c)) {
      chars.push(c.toUpperCase());
      ends.push(j + 1);
      j++;
    } else if (SEPARATORS.has(c) && ALNUM.test(text[j + 1] ?? '')) j++;
    else break;
  }
  // a known country has one length; for another, only the whole run is tried (fewer false alarms)
  const lengths = want !== undefined ? [want] : [chars.length];
  for (const n of lengths) {
    if (n < 15 || n > chars.length) continue;
    const compact = chars.slice(0, n).join('');
    if (ibanValid(compact)) return { compact, end: ends[n - 1] as number };
  }
  return null;
}

function maskIbans(text: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i + 4 <= text.length; ) {
    const hit = ibanAt(text, i);
    if (!hit) {
      i++;
      continue;
    }
    out += text.slice(last, i) + maskIban(hit.compact);
    last = i = hit.end;
  }
  return out + text.slice(last);
}

/** 13-19 digits, single spaces or hyphens between, not part of a longer digit run. */
const PAN_LIKE = /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g;

const maskPan = (digits: string): string => '*'.repeat(digits.length - 4) + digits.slice(-4);

/** Every valid IBAN and Luhn-valid card-number-length digit run in `text`, masked. */
export function maskSensitive(text: string): string {
  return maskIbans(text).replace(PAN_LIKE, (m) => {
    const digits = m.replace(/[ -]/g, '');
    return luhnValid(digits) ? maskPan(digits) : m;
  });
}

/** A JSON-like value with every string in it masked: what any report view sends out. */
export function maskDeep<T>(value: T): T {
  if (typeof value === 'string') return maskSensitive(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => maskDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = maskDeep(v);
    return out as T;
  }
  return value;
}
