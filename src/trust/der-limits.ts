import { TrustError } from './errors.js';

/**
 * Depth and size limits for DER/BER that comes from outside (signature headers, bank pushes),
 * checked by one iterative pass before any recursive parser (ours, asn1js/pkijs) sees the bytes.
 * 20,000 nested `30 80` (indefinite-length SEQUENCEs) otherwise overflow the stack of a recursive
 * reader: a 500 and a stack trace instead of a refusal. Real CMS nests about 10 deep.
 */
export interface DerLimits {
  maxDepth: number;
  maxBytes: number;
}

/** Size is bounded by each caller first (64 KiB for a header); this bound only stops the absurd (enveloped batch files are large). */
export const DEFAULT_DER_LIMITS: DerLimits = { maxDepth: 32, maxBytes: 512 * 1024 * 1024 };

/** Throws `TrustError('malformed')` unless `der` is one well-formed TLV within the limits. */
export function assertDerWithinLimits(der: Uint8Array, limits: DerLimits = DEFAULT_DER_LIMITS, what = 'the signature'): void {
  const fail = (why: string): never => {
    throw new TrustError('malformed', `${what} is not acceptable DER: ${why}`);
  };
  if (der.length > limits.maxBytes) fail(`larger than ${limits.maxBytes} bytes`);
  if (der.length < 2) fail('truncated');
  // each open constructed value: its end offset, or -1 while it runs to end-of-contents octets
  const open: number[] = [];
  let p = 0;
  let started = false;
  for (;;) {
    while (open.length > 0 && open[open.length - 1] === p) open.pop();
    if (started && open.length === 0) break;
    const top = open[open.length - 1];
    if (top === -1 && der[p] === 0 && der[p + 1] === 0) {
      if (p + 2 > der.length) fail('truncated');
      p += 2;
      open.pop();
      continue;
    }
    if (started && top !== undefined && top !== -1 && p > top) fail('an element runs past its parent');
    started = true;
    if (p >= der.length) fail('truncated');
    const tag = der[p++] as number;
    if ((tag & 0x1f) === 0x1f) {
      // high tag number: base-128 octets, at most 4
      let n = 0;
      while (p < der.length && ((der[p] as number) & 0x80) !== 0) {
        if (++n > 4) fail('tag number too long');
        p++;
      }
      p++;
    }
    if (p >= der.length) fail('truncated');
    const first = der[p++] as number;
    let len = -1;
    if (first < 0x80) len = first;
    else if (first > 0x80) {
      const n = first & 0x7f;
      if (n > 4) fail('length too long');
      if (p + n > der.length) fail('truncated');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + (der[p + i] as number);
      p += n;
    }
    const constructed = (tag & 0x20) !== 0;
    if (len === -1 && !constructed) fail('indefinite length on a primitive value');
    if (len !== -1 && p + len > der.length) fail('truncated');
    const parent = open[open.length - 1];
    if (len !== -1 && parent !== undefined && parent !== -1 && p + len > parent) fail('an element runs past its parent');
    if (constructed) {
      open.push(len === -1 ? -1 : p + len);
      if (open.length > limits.maxDepth) fail(`nested deeper than ${limits.maxDepth}`);
    } else {
      p += len;
    }
  }
  if (p !== der.length) fail('trailing bytes after the structure');
}
