/**
 * Message type indicator: four digits, version / class / function / origin. The version digit must
 * match the dialect (0 = 1987, 1 = 1993, 2 = 2003).
 */
import { Enc } from './compile.js';
import { Iso8583Error } from './errors.js';
import type { Reader, Writer } from './wire.js';

const isMti = (s: string): boolean => s.length === 4 && /^[0-9]{4}$/.test(s);

export const writeMti = (w: Writer, enc: Enc, versionDigit: number, mti: string): void => {
  if (!isMti(mti)) throw new Iso8583Error('INVALID_MTI', '0', w.pos, 'MTI must be 4 digits');
  if (mti.charCodeAt(0) - 0x30 !== versionDigit) {
    throw new Iso8583Error('INVALID_MTI', '0', w.pos, `MTI version digit must be ${versionDigit} for this dialect`);
  }
  w.ensure(4);
  const b = w.buf;
  const p = w.pos;
  if (enc === Enc.Bcd) {
    b[p] = ((mti.charCodeAt(0) - 0x30) << 4) | (mti.charCodeAt(1) - 0x30);
    b[p + 1] = ((mti.charCodeAt(2) - 0x30) << 4) | (mti.charCodeAt(3) - 0x30);
    w.pos = p + 2;
    return;
  }
  const zero = enc === Enc.Ascii ? 0x30 : 0xf0;
  for (let i = 0; i < 4; i++) b[p + i] = zero + mti.charCodeAt(i) - 0x30;
  w.pos = p + 4;
};

const MTI_STRINGS: string[] = [];
for (let i = 0; i < 10000; i++) MTI_STRINGS.push(String(i).padStart(4, '0'));

export const readMti = (r: Reader, enc: Enc, versionDigit: number): string => {
  const p = r.pos;
  const b = r.buf;
  const width = enc === Enc.Bcd ? 2 : 4;
  if (p + width > r.end) throw new Iso8583Error('TRUNCATED', '0', p, `MTI needs ${width} bytes`);
  let n = 0;
  if (enc === Enc.Bcd) {
    for (let i = 0; i < 2; i++) {
      const byte = b[p + i] ?? 0;
      if (byte >> 4 > 9 || (byte & 0xf) > 9) throw new Iso8583Error('INVALID_MTI', '0', p + i, 'MTI is not BCD');
      n = n * 100 + (byte >> 4) * 10 + (byte & 0xf);
    }
  } else {
    const zero = enc === Enc.Ascii ? 0x30 : 0xf0;
    for (let i = 0; i < 4; i++) {
      const d = (b[p + i] ?? 0) - zero;
      if (d < 0 || d > 9) throw new Iso8583Error('INVALID_MTI', '0', p + i, 'MTI is not 4 digits');
      n = n * 10 + d;
    }
  }
  if (Math.floor(n / 1000) !== versionDigit) {
    throw new Iso8583Error('INVALID_MTI', '0', p, `MTI version digit must be ${versionDigit} for this dialect`);
  }
  r.pos = p + width;
  return MTI_STRINGS[n] ?? String(n).padStart(4, '0');
};

export interface MtiParts {
  readonly version: '1987' | '1993' | '2003' | 'other';
  /** 1 authorization, 2 financial, 3 file actions, 4 reversal/chargeback, 5 reconciliation, 6 administrative, 8 network management. */
  readonly messageClass: number;
  /** 0 request, 1 request response, 2 advice, 3 advice response, 4 notification. */
  readonly messageFunction: number;
  /** 0 acquirer, 1 acquirer repeat, 2 issuer, 3 issuer repeat, 4 other, 5 other repeat. */
  readonly origin: number;
}

export const parseMti = (mti: string): MtiParts => {
  if (!isMti(mti)) throw new Iso8583Error('INVALID_MTI', '0', 0, 'MTI must be 4 digits');
  const d = (i: number): number => mti.charCodeAt(i) - 0x30;
  const v = d(0);
  return {
    version: v === 0 ? '1987' : v === 1 ? '1993' : v === 2 ? '2003' : 'other',
    messageClass: d(1),
    messageFunction: d(2),
    origin: d(3),
  };
};

/** The response MTI of a request or advice (0200 -> 0210, 0420 -> 0430). */
export const responseMti = (mti: string): string => {
  const p = parseMti(mti);
  if (p.messageFunction % 2 !== 0) throw new Iso8583Error('INVALID_MTI', '0', 0, 'MTI is already a response');
  return `${mti.slice(0, 2)}${p.messageFunction + 1}${mti[3] ?? '0'}`;
};
