import { describe, expect, it } from 'vitest';
import { loadDialect, parseMti, responseMti, type FieldDefinition } from '../../src/iso8583/index.js';
import { dialectWith, hex, toHex } from './helpers.js';

const n = (length: number): FieldDefinition => ({ name: `n${length}`, type: 'n', length, encoding: 'ascii' });

describe('bitmaps', () => {
  const tertiary = dialectWith({ '3': n(2), '70': n(3), '130': n(1) }, { bitmap: { encoding: 'binary', tertiary: true } });

  it('sends the tertiary bitmap only for fields 129-192, flagged by bit 65', () => {
    const frame = toHex(hex(`
      30323030
      A000000000000000   // bit 1 (secondary) + DE3
      8400000000000000   // bit 65 (tertiary) + DE70
      4000000000000000   // DE130
      3132 313233 39`.replace(/\/\/.*$/gm, '')));
    expect(toHex(tertiary.pack({ '0': '0200', '3': '12', '70': '123', '130': '9' }))).toBe(frame);
    expect(tertiary.unpack(hex(frame))).toEqual({ '0': '0200', '3': '12', '70': '123', '130': '9' });
  });

  it('sets bit 65 even when no field 66-128 is present', () => {
    const frame = '30323030' + 'A000000000000000' + '8000000000000000' + '4000000000000000' + '3132' + '39';
    expect(toHex(tertiary.pack({ '0': '0200', '3': '12', '130': '9' }))).toBe(frame);
    expect(tertiary.unpack(hex(frame))).toEqual({ '0': '0200', '3': '12', '130': '9' });
  });

  it('omits the secondary bitmap when no field above 64 is present', () => {
    expect(toHex(tertiary.pack({ '0': '0200', '3': '12' }))).toBe('30323030' + '2000000000000000' + '3132');
  });

  it('rejects bitmaps given as fields', () => {
    expect(() => tertiary.pack({ '0': '0200', '1': 'FF' })).toThrowError(expect.objectContaining({ code: 'BITMAP_FIELD_GIVEN', path: '1' }));
    expect(() => tertiary.pack({ '0': '0200', '65': 'FF' })).toThrowError(expect.objectContaining({ code: 'BITMAP_FIELD_GIVEN', path: '65' }));
  });

  it('rejects an empty secondary or tertiary bitmap (not canonical, would not re-encode)', () => {
    expect(() => tertiary.unpack(hex('30323030' + 'A000000000000000' + '0000000000000000' + '3132'))).toThrowError(
      expect.objectContaining({ code: 'NON_CANONICAL_BITMAP', offset: 12 }),
    );
    expect(() => tertiary.unpack(hex('30323030' + 'A000000000000000' + '8000000000000000' + '0000000000000000' + '3132'))).toThrowError(
      expect.objectContaining({ code: 'NON_CANONICAL_BITMAP', offset: 20 }),
    );
  });

  it('reads ASCII-hex bitmaps in upper case only', () => {
    const d = loadDialect('iso87-ascii');
    const frame = Buffer.from('0800' + '0220000000000000' + '1127105300' + '000001', 'latin1');
    expect(d.unpack(frame)).toEqual({ '0': '0800', '7': '1127105300', '11': '000001' });
    const lower = Buffer.from('0800' + '022000000000000a' + '1127105300' + '000001', 'latin1');
    expect(() => d.unpack(lower)).toThrowError(expect.objectContaining({ code: 'INVALID_HEX', path: '1' }));
  });
});

describe('MTI', () => {
  it('checks the version digit against the dialect', () => {
    expect(() => loadDialect('iso87-ascii').pack({ '0': '1200' })).toThrowError(expect.objectContaining({ code: 'INVALID_MTI', path: '0' }));
    expect(toHex(loadDialect('iso93-ascii').pack({ '0': '1200', '3': '000000' }))).toBe(
      Buffer.from('1200' + '2000000000000000' + '000000', 'latin1').toString('hex').toUpperCase(),
    );
    const d2003 = dialectWith({ '3': n(2) }, { version: '2003' });
    expect(d2003.unpack(d2003.pack({ '0': '2100', '3': '12' }))).toEqual({ '0': '2100', '3': '12' });
    expect(() => d2003.unpack(hex('30313030' + '2000000000000000' + '3132'))).toThrowError(expect.objectContaining({ code: 'INVALID_MTI' }));
  });

  it('parses parts and derives responses', () => {
    expect(parseMti('0420')).toEqual({ version: '1987', messageClass: 4, messageFunction: 2, origin: 0 });
    expect(parseMti('1100').version).toBe('1993');
    expect(responseMti('0200')).toBe('0210');
    expect(responseMti('0420')).toBe('0430');
    expect(responseMti('1804')).toBe('1814');
    expect(() => responseMti('0210')).toThrowError(expect.objectContaining({ code: 'INVALID_MTI' }));
  });

  it('exposes reversal settings per dialect', () => {
    const d = loadDialect('iso93-ascii');
    expect(d.reversalMti).toBe('1420');
    expect(d.reversalIsAdvice).toBe(true);
    expect(d.acceptedReversalCodes).toEqual(['400']);
    expect(loadDialect('iso87-ascii').acceptedReversalCodes).toEqual(['00']);
  });
});

describe('composite fields', () => {
  const card = loadDialect('demo-card');
  const base = { '0': '0100', '3': '000000' };

  it('keeps unknown TLV tags and re-encodes them in their original order', () => {
    // 9F02 before 82 on the wire: a JS object would list "82" first, the codec still restores the order.
    const tlv = '9F0206000000001000' + '82021980' + 'DF7F0101' + '9F8101020A0B';
    const lll = String(tlv.length / 2).padStart(3, '0');
    const frame = hex('30313030' + '2000000000000200' + Buffer.from('000000' + lll, 'latin1').toString('hex') + tlv);
    const fields = card.unpack(new Uint8Array(frame)); // a plain Uint8Array works as well as a Buffer
    expect(fields['55']).toEqual({ '9F02': '000000001000', '82': '1980', 'DF7F': '01', '9F8101': '0A0B' });
    expect(toHex(card.pack(fields))).toBe(toHex(frame));
    const text = card.describe(fields);
    expect(text.indexOf('55.9F02')).toBeLessThan(text.indexOf('55.82'));
  });

  it('encodes multi-byte BER lengths in their shortest form', () => {
    const long = 'AB'.repeat(200);
    const packed = Buffer.from(card.pack({ ...base, '55': { '9F10': long } }));
    const tlvStart = packed.length - (2 + 2 + 200);
    expect(packed.subarray(tlvStart, tlvStart + 5).toString('hex').toUpperCase()).toBe('9F1081C8AB');
    expect(card.unpack(packed)['55']).toEqual({ '9F10': long });
  });

  it('rejects malformed TLV: duplicate tags, long-form lengths that fit short form, overruns', () => {
    const frameWith = (tlv: string): Buffer => {
      const len = String(tlv.length / 2).padStart(3, '0');
      return hex('30313030' + '2000000000000200' + Buffer.from('000000' + len, 'latin1').toString('hex') + tlv);
    };
    const at = 4 + 8 + 6 + 3;
    expect(() => card.unpack(frameWith('82021980' + '82021980'))).toThrowError(expect.objectContaining({ code: 'DUPLICATE_TAG', path: '55.82', offset: at + 4 }));
    expect(() => card.unpack(frameWith('8281021980'))).toThrowError(expect.objectContaining({ code: 'INVALID_TLV', path: '55.82' }));
    expect(() => card.unpack(frameWith('9F02FF00'))).toThrowError(expect.objectContaining({ code: 'INVALID_TLV', path: '55.9F02' }));
    expect(() => card.unpack(frameWith('9F020600000000'))).toThrowError(expect.objectContaining({ code: 'TRUNCATED', path: '55.9F02', offset: at }));
    expect(() => card.unpack(frameWith('9F'))).toThrowError(expect.objectContaining({ code: 'TRUNCATED', path: '55', offset: at }));
    expect(() => card.pack({ ...base, '55': { '9F': '00' } })).toThrowError(expect.objectContaining({ code: 'INVALID_TLV', path: '55.9F' }));
    expect(() => card.pack({ ...base, '55': { '1F': '00' } })).toThrowError(expect.objectContaining({ code: 'INVALID_TLV' }));
  });

  it('packs DE127 private-bitmap subfields and reads them back', () => {
    const fields = { ...base, '127': { '2': 'SWITCHKEY', '6': '00FF', '22': '<x/>' } };
    const packed = Buffer.from(card.pack(fields));
    const body = packed.subarray(4 + 16 + 6);
    // LLLLLL, then the 8-byte private bitmap (subfields 2, 6, 22), then LL 2, LLL 6, LLLLL 22.
    expect(body.subarray(0, 6).toString('latin1')).toBe(String(body.length - 6).padStart(6, '0'));
    expect(body.subarray(6, 14).toString('hex').toUpperCase()).toBe('4400040000000000');
    expect(card.unpack(packed)).toEqual(fields);
    expect(() => card.pack({ ...base, '127': { '7': 'x' } })).toThrowError(expect.objectContaining({ code: 'UNKNOWN_FIELD', path: '127.7' }));
    expect(() => card.pack({ ...base, '127': 'flat' })).toThrowError(expect.objectContaining({ code: 'INVALID_VALUE_TYPE', path: '127' }));
  });

  it('accepts a flat string for a positional field declared flat, still checking each subfield', () => {
    const d = dialectWith({
      '90': {
        name: 'Original data elements',
        length: 20,
        composite: {
          kind: 'positional',
          flat: true,
          subfields: { '1': n(4), '2': n(6), '3': n(10) },
        },
      },
    });
    const frame = hex('30343030' + '8000000000000000' + '0000004000000000' + Buffer.from('02000000031127105300', 'latin1').toString('hex'));
    expect(toHex(d.pack({ '0': '0400', '90': '02000000031127105300' }))).toBe(toHex(frame));
    expect(d.unpack(frame)).toEqual({ '0': '0400', '90': '02000000031127105300' });
    expect(() => d.pack({ '0': '0400', '90': '0200000003112710530X' })).toThrowError(expect.objectContaining({ code: 'INVALID_CHARACTER', path: '90.3' }));
    expect(() => d.pack({ '0': '0400', '90': '0200' })).toThrowError(expect.objectContaining({ code: 'LENGTH_MISMATCH', path: '90' }));
    expect(() => d.pack({ '0': '0400', '90': { '1': '0200' } })).toThrowError(expect.objectContaining({ code: 'INVALID_VALUE_TYPE', path: '90' }));
  });

  it('requires every positional subfield and checks the fixed total', () => {
    const de90 = { '1': '0200', '2': '000003', '3': '1127105300', '4': '00000000001', '5': '00000000000' };
    expect(card.unpack(card.pack({ ...base, '90': de90 }))).toEqual({ ...base, '90': de90 });
    const { '5': _dropped, ...missing } = de90;
    expect(() => card.pack({ ...base, '90': missing })).toThrowError(expect.objectContaining({ code: 'MISSING_SUBFIELD', path: '90.5' }));
    expect(() => card.pack({ ...base, '90': { ...de90, '2': '3' } })).toThrowError(expect.objectContaining({ code: 'LENGTH_MISMATCH', path: '90.2' }));
  });
});
