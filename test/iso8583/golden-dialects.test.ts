/**
 * Known frames of the shipped iso93-ascii and iso87-ebcdic dialects, written out field by field
 * from the dialect tables by an encoder independent of the codec (Python's ascii and cp037 codecs;
 * hand-checked bitmaps), checked in both directions.
 */
import { describe, expect, it } from 'vitest';
import { loadDialect, type FieldMap } from '../../src/iso8583/index.js';
import { hex, toHex } from './helpers.js';

const frame = (annotated: string): string => annotated.replace(/\/\/.*$/gm, '').replace(/\s+/g, '').toUpperCase();

const both = (dialect: ReturnType<typeof loadDialect>, fields: FieldMap, annotated: string): void => {
  expect(toHex(dialect.pack(fields))).toBe(frame(annotated));
  expect(dialect.unpack(hex(frame(annotated)))).toEqual(fields);
};

describe('iso93-ascii known bytes', () => {
  const d = loadDialect('iso93-ascii');
  const card = { '2': '4000000000000002', '3': '000000', '4': '000000001999' };

  it('1100 authorisation request and its 1110 (function code 100, action code 000)', () => {
    both(d, { '0': '1100', ...card, '7': '1206101530', '11': '000123', '12': '261206101530', '14': '2812', '22': 'A10101A10001', '24': '100', '41': 'TERM0001', '42': 'MERCHANT0000001', '49': '978' }, `
      31313030                                         // MTI 1100
      37323334303530303030433038303030                 // bitmap 7234050000C08000: 2 3 4 7 | 11 12 14 | 22 24 | 41 42 | 49
      313634303030303030303030303030303032             // DE2 LL 16 4000000000000002
      303030303030                                     // DE3 000000
      303030303030303031393939                         // DE4 000000001999
      31323036313031353330                             // DE7 1206101530
      303030313233                                     // DE11 000123
      323631323036313031353330                         // DE12 261206101530 (n 12 in 1993)
      32383132                                         // DE14 2812
      413130313031413130303031                         // DE22 an 12 A10101A10001
      313030                                           // DE24 function code 100
      5445524D30303031                                 // DE41 TERM0001
      4D45524348414E5430303030303031                   // DE42 MERCHANT0000001
      393738                                           // DE49 978
    `);
    both(d, { '0': '1110', ...card, '7': '1206101531', '11': '000123', '24': '100', '38': 'A1B2C3', '39': '000', '41': 'TERM0001', '49': '978' }, `
      31313130                                         // MTI 1110
      37323230303130303036383038303030                 // bitmap 7220010006808000
      313634303030303030303030303030303032             // DE2
      303030303030                                     // DE3
      303030303030303031393939                         // DE4
      31323036313031353331                             // DE7 1206101531
      303030313233                                     // DE11 000123
      313030                                           // DE24 100
      413142324333                                     // DE38 A1B2C3
      303030                                           // DE39 action code 000 (n 3 in 1993)
      5445524D30303031                                 // DE41
      393738                                           // DE49
    `);
  });

  it('1420 reversal advice naming the original in DE56, and its 1430 (action code 400)', () => {
    both(d, { '0': '1420', ...card, '7': '1206101600', '11': '000124', '24': '400', '25': '4021', '41': 'TERM0001', '49': '978', '56': '1100000123261206101530' }, `
      31343230                                         // MTI 1420
      37323230303138303030383038313030                 // bitmap 7220018000808100: adds DE25 and DE56
      313634303030303030303030303030303032             // DE2
      303030303030                                     // DE3
      303030303030303031393939                         // DE4
      31323036313031363030                             // DE7 1206101600
      303030313234                                     // DE11 000124
      343030                                           // DE24 400 full reversal
      34303231                                         // DE25 4021 timeout
      5445524D30303031                                 // DE41
      393738                                           // DE49
      323231313030303030313233323631323036313031353330 // DE56 LL 22: MTI 1100, STAN 000123, DE12 261206101530
    `);
    both(d, { '0': '1430', ...card, '7': '1206101601', '11': '000124', '24': '400', '39': '400', '41': 'TERM0001', '49': '978' }, `
      31343330                                         // MTI 1430
      37323230303130303032383038303030                 // bitmap 7220010002808000
      313634303030303030303030303030303032             // DE2
      303030303030                                     // DE3
      303030303030303031393939                         // DE4
      31323036313031363031                             // DE7 1206101601
      303030313234                                     // DE11 000124
      343030                                           // DE24 400
      343030                                           // DE39 400 reversal accepted
      5445524D30303031                                 // DE41
      393738                                           // DE49
    `);
  });

  it('1804 echo (function code 831) and its 1814 (action code 800), with a secondary bitmap for DE93/94', () => {
    both(d, { '0': '1804', '7': '1206101700', '11': '000125', '24': '831', '93': '12345678901', '94': '10987654321' }, `
      31383034                                         // MTI 1804
      3832323030313030303030303030303030303030303030433030303030303030 // bitmap 8220010000000000 0000000C00000000
      31323036313031373030                             // DE7 1206101700
      303030313235                                     // DE11 000125
      383331                                           // DE24 831 echo test
      31313132333435363738393031                       // DE93 LL 11 12345678901
      31313130393837363534333231                       // DE94 LL 11 10987654321
    `);
    both(d, { '0': '1814', '7': '1206101700', '11': '000125', '24': '831', '39': '800', '93': '12345678901', '94': '10987654321' }, `
      31383134                                         // MTI 1814
      3832323030313030303230303030303030303030303030433030303030303030 // bitmap 8220010002000000 0000000C00000000
      31323036313031373030                             // DE7
      303030313235                                     // DE11
      383331                                           // DE24 831
      383030                                           // DE39 800 network request accepted
      31313132333435363738393031                       // DE93
      31313130393837363534333231                       // DE94
    `);
  });
});

describe('iso87-ebcdic known bytes', () => {
  const fields: FieldMap = {
    '0': '0200',
    '2': '4000000000000002',
    '3': '000000',
    '4': '000000001999',
    '7': '1206101530',
    '11': '000123',
    '14': '2812',
    '22': '051',
    '25': '00',
    '41': 'TERM0001',
    '42': 'MERCHANT0000001',
    '43': 'Railyard Shop, Berlin   DE'.padEnd(40, ' '),
    '49': '978',
  };
  const annotated0200 = `
      F0F2F0F0                                         // MTI 0200 in EBCDIC
      7224048000E08000                                 // binary bitmap: 2 3 4 7 | 11 14 | 22 25 | 41 42 43 | 49
      F1F6F4F0F0F0F0F0F0F0F0F0F0F0F0F0F0F2             // DE2 LL "16" 4000000000000002
      F0F0F0F0F0F0                                     // DE3
      F0F0F0F0F0F0F0F0F1F9F9F9                         // DE4 000000001999
      F1F2F0F6F1F0F1F5F3F0                             // DE7
      F0F0F0F1F2F3                                     // DE11
      F2F8F1F2                                         // DE14
      F0F5F1                                           // DE22
      F0F0                                             // DE25
      E3C5D9D4F0F0F0F1                                 // DE41 TERM0001
      D4C5D9C3C8C1D5E3F0F0F0F0F0F0F1                   // DE42 MERCHANT0000001
      D9818993A881998440E28896976B40C28599938995404040C4C54040404040404040404040404040 // DE43 "Railyard Shop, Berlin   DE" padded
      F9F7F8                                           // DE49
  `;

  it('0200 financial request in cp037 (the shipped default)', () => {
    both(loadDialect('iso87-ebcdic'), fields, annotated0200);
  });

  it('0810 echo reply with a secondary bitmap for DE70', () => {
    both(loadDialect('iso87-ebcdic'), { '0': '0810', '7': '1206101530', '11': '000001', '39': '00', '70': '301' }, `
      F0F8F1F0                                         // MTI 0810
      82200000020000000400000000000000                 // binary primary + secondary bitmap: 1 7 11 39 | 70
      F1F2F0F6F1F0F1F5F3F0                             // DE7
      F0F0F0F0F0F1                                     // DE11
      F0F0                                             // DE39 00
      F3F0F1                                           // DE70 301 echo
    `);
  });

  it('cp1047 by option: the same table, [ ] ^ as z/OS Latin-1 writes them', () => {
    const text = '[ACME] SHOP^'.padEnd(40, ' ');
    const de43 = (page: 'cp037' | 'cp1047'): string => toHex(loadDialect('iso87-ebcdic', { ebcdicCodePage: page }).pack({ ...fields, '43': text })).slice(-43 * 2, -3 * 2);
    expect(de43('cp037').slice(0, 24)).toBe('BAC1C3D4C5BB40E2C8D6D7B0');
    expect(de43('cp1047').slice(0, 24)).toBe('ADC1C3D4C5BD40E2C8D6D75F');
    expect(loadDialect('iso87-ebcdic', { ebcdicCodePage: 'cp1047' }).unpack(loadDialect('iso87-ebcdic', { ebcdicCodePage: 'cp1047' }).pack({ ...fields, '43': text }))).toEqual({ ...fields, '43': text });
    // the cached dialects stay apart
    expect(loadDialect('iso87-ebcdic').definition.ebcdicCodePage).toBe('cp037');
  });

  it('a byte outside the code page is refused with the field named, never guessed', () => {
    const bad = hex(frame(annotated0200));
    // first byte of DE41 (E3, "T") replaced by 0xFF, which cp037's printable table does not map
    const at = bad.indexOf(0xe3, 60);
    bad[at] = 0xff;
    expect(() => loadDialect('iso87-ebcdic').unpack(bad)).toThrow(/41/);
  });
});
