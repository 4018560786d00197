import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { desBlock, desSchedule, retailMacDes } from '../../src/iso8583/des.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

/** OpenSSL's single DES: des-ede3 with K||K||K (plain DES is in OpenSSL 3's legacy provider only). */
const opensslDes = (key: Uint8Array, block: Uint8Array, decrypt = false): Buffer => {
  const k = Buffer.concat([key, key, key]);
  const c = decrypt ? createDecipheriv('des-ede3', k, null) : createCipheriv('des-ede3', k, null);
  c.setAutoPadding(false);
  return c.update(block);
};

/** The retail MAC the slow way: OpenSSL single DES CBC under K1, then D(K2), E(K1) of the last block. */
const opensslRetail = (key: Uint8Array, data: Uint8Array, padding: 1 | 2): Buffer => {
  const base = padding === 2 ? data.length + 1 : data.length;
  const len = base === 0 ? 8 : Math.ceil(base / 8) * 8;
  const m = Buffer.alloc(len);
  m.set(data);
  if (padding === 2) m[data.length] = 0x80;
  const k1 = key.subarray(0, 8);
  let chain: Buffer = Buffer.alloc(8);
  for (let i = 0; i < len; i += 8) {
    const x = Buffer.alloc(8);
    for (let j = 0; j < 8; j++) x[j] = (m[i + j] ?? 0) ^ (chain[j] ?? 0);
    chain = opensslDes(k1, x);
  }
  return opensslDes(k1, opensslDes(key.subarray(8, 16), chain, true));
};

describe('single DES in JavaScript', () => {
  it('matches the textbook example and the FIPS 81 test vector', () => {
    expect(hex(desBlock(desSchedule(h('133457799BBCDFF1')), h('0123456789ABCDEF')))).toBe('85E813540F0AB405');
    // FIPS 81 appendix B: key 0123456789ABCDEF, "Now is t" -> 3FA40E8A984D4815
    expect(hex(desBlock(desSchedule(h('0123456789ABCDEF')), Buffer.from('Now is t')))).toBe('3FA40E8A984D4815');
  });

  it('agrees with OpenSSL bit for bit on 2,000 random keys and blocks, both ways', () => {
    for (let i = 0; i < 2_000; i++) {
      const key = randomBytes(8);
      const block = randomBytes(8);
      const ks = desSchedule(key);
      const c = desBlock(ks, block);
      expect(hex(c)).toBe(hex(opensslDes(key, block)));
      expect(hex(desBlock(ks, c, true))).toBe(hex(block));
    }
  });

  it('computes the retail MAC as OpenSSL DES would, for every length 0..200 and both paddings', () => {
    const key = randomBytes(16);
    const k1 = desSchedule(key.subarray(0, 8));
    const k2 = desSchedule(key.subarray(8, 16));
    for (let n = 0; n <= 200; n++) {
      const data = randomBytes(n);
      for (const p of [1, 2] as const) expect(hex(retailMacDes(k1, k2, data, p)), `length ${n}, padding ${p}`).toBe(hex(opensslRetail(key, data, p)));
    }
  });

  it('refuses a key that is not 8 bytes', () => {
    expect(() => desSchedule(new Uint8Array(16))).toThrow(RangeError);
  });
});
