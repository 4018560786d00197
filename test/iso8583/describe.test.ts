import { describe, expect, it } from 'vitest';
import { loadDialect, maskPan } from '../../src/iso8583/index.js';

const PAN = '4000001234567899';
const TRACK2 = '4000001234567899D28121010000012300000';
const TRACK3 = '011234567899D28121010000';
const PIN_BLOCK = '0123456789ABCDEF';
const CVV2 = '737';

describe('describe()', () => {
  const d = loadDialect('demo-card');
  const fields = {
    '0': '0200',
    '2': PAN,
    '4': '000000001000',
    '35': TRACK2,
    '36': TRACK3,
    '52': PIN_BLOCK,
    '55': { '5A': PAN, '57': TRACK2, '9F02': '000000001000', 'DF01': 'AA' },
    '127': { '2': 'SWITCH', '3': CVV2 },
  };
  const text = d.describe(fields);

  it('masks the PAN to first 6 and last 4, in DE2 and in EMV tag 5A', () => {
    expect(text).toContain('400000******7899');
    expect(text).not.toContain(PAN);
    expect(text.match(/400000\*{6}7899/g)).toHaveLength(2);
  });

  it('wipes track 2, track 3, the PIN block, the EMV track 2 equivalent and the CVV2 subfield', () => {
    for (const secret of [TRACK2, TRACK3, PIN_BLOCK, '1234567899D2812', CVV2]) expect(text).not.toContain(secret);
    expect(text).toMatch(/^ {2}35 .*Track 2 data: \[wiped\]$/m);
    expect(text).toMatch(/^ {2}36 .*Track 3 data: \[wiped\]$/m);
    expect(text).toMatch(/^ {2}52 .*: \[wiped\]$/m);
    expect(text).toMatch(/55\.57 .*: \[wiped\]$/m);
    expect(text).toMatch(/127\.3 .*CVV2.*: \[wiped\]$/m);
  });

  it('shows ordinary values, names and the MTI meaning', () => {
    expect(text).toMatch(/^MTI 0200 \(ISO 8583:1987, financial request\)/);
    expect(text).toContain('Amount, transaction: 000000001000');
    expect(text).toContain('55.9F02    Amount, authorised: 000000001000');
    expect(text).toContain('55.DF01    unnamed tag: AA');
    expect(text).toContain('127.2      Switch key: SWITCH');
  });

  it('does not print fields the dialect does not define', () => {
    const out = loadDialect('iso87-ascii').describe({ '0': '0200', '999': PAN });
    expect(out).toContain('999');
    expect(out).not.toContain(PAN);
  });

  it('maskPan hides short numbers entirely', () => {
    expect(maskPan('4000000000000002')).toBe('400000******0002');
    expect(maskPan('1234567890')).toBe('**********');
    expect(maskPan('4000000000000000002')).toBe('400000*********0002');
  });
});
