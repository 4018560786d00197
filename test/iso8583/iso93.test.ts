import { describe, expect, it } from 'vitest';
import { loadDialect } from '../../src/iso8583/index.js';

const d = loadDialect('iso93-ascii');
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex').toUpperCase();
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

describe('iso93-ascii follows the ISO 8583:1993 field table', () => {
  it('DE15 "Date, settlement" is n 6 (YYMMDD) in 1993, not the 1987 n 4 (MMDD)', () => {
    const f = { '0': '1200', '3': '000000', '12': '261127101530', '15': '261127' };
    const bytes = d.pack(f);
    // bitmap: DE3, DE12 and DE15 set -> 2012000000000000
    expect(hexOf(bytes)).toBe(ascii('1200' + '2012000000000000' + '000000' + '261127101530' + '261127'));
    expect(d.unpack(bytes)).toEqual(f);
    expect(() => d.pack({ ...f, '15': '1127' })).toThrowError(expect.objectContaining({ path: '15' }));
  });

  it('names the fields whose meaning changed in 1993', () => {
    const name = (n: string): string | undefined => d.definition.fields[n]?.name;
    expect(name('5')).toBe('Amount, reconciliation');
    expect(name('9')).toBe('Conversion rate, reconciliation');
    expect(name('13')).toBe('Date, effective (YYMM)');
    expect(name('20')).toBe('Country code, primary account number');
    expect(name('50')).toBe('Currency code, reconciliation');
    expect(name('61')).toBe('Reserved national');
    // network management moved to DE24 (function code) in 1993; DE70 is a country code
    expect(name('70')).toBe('Country code, authorizing agent institution');
    expect(d.definition.fields['70']).toMatchObject({ type: 'n', length: 3 });
  });

  it('keeps the 1993 sizes that differ from 1987: DE12 n 12, DE22 an 12, DE39 n 3, DE56 n ..35 LL', () => {
    expect(d.definition.fields['12']).toMatchObject({ type: 'n', length: 12 });
    expect(d.definition.fields['22']).toMatchObject({ type: 'an', length: 12 });
    expect(d.definition.fields['39']).toMatchObject({ type: 'n', length: 3 });
    expect(d.definition.fields['56']).toMatchObject({ type: 'n', length: 35, prefix: { type: 'LL' } });
  });
});
