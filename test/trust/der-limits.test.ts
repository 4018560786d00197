import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertDerWithinLimits } from '../../src/trust/der-limits.js';
import { TrustedCertificate } from '../../src/trust/certificate.js';
import { TrustError } from '../../src/trust/errors.js';
import { SignatureVerifier } from '../../src/trust/verify.js';
import { createTestPki, opensslSign, type TestPki } from './pki.js';

let pki: TestPki;
beforeAll(() => {
  pki = createTestPki();
});
afterAll(() => pki?.cleanup());

const nested = (n: number): Buffer => {
  const b = Buffer.alloc(n * 2);
  for (let i = 0; i < b.length; i += 2) (b[i] = 0x30), (b[i + 1] = 0x80);
  return b;
};

describe('DER depth and size limits', () => {
  it('accepts real CMS (definite lengths from OpenSSL) and BER indefinite nesting within the depth', () => {
    expect(() => assertDerWithinLimits(opensslSign(pki, pki.rsa, Buffer.from('x')))).not.toThrow();
    const ber = Buffer.concat([nested(3), Buffer.from([0x04, 0x01, 0x41]), Buffer.alloc(6)]);
    expect(() => assertDerWithinLimits(ber)).not.toThrow();
  });

  it('refuses deep nesting, truncation, trailing bytes and oversize with a typed error', () => {
    const refuse = (b: Uint8Array, why: RegExp, limits?: { maxDepth: number; maxBytes: number }) => {
      let err: unknown;
      try {
        assertDerWithinLimits(b, limits);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TrustError);
      expect((err as TrustError).code).toBe('malformed');
      expect((err as TrustError).message).toMatch(why);
    };
    refuse(nested(20_000), /nested deeper than 32/);
    refuse(Buffer.from([0x30, 0x05, 0x04, 0x01]), /truncated/);
    refuse(Buffer.from([0x04, 0x01, 0x41, 0x00]), /trailing bytes/);
    refuse(Buffer.from([0x04, 0x80, 0x00, 0x00]), /indefinite length on a primitive/);
    refuse(Buffer.from([0x30, 0x03, 0x04, 0x05, 0x41, 0x41, 0x41, 0x41, 0x41]), /runs past its parent/);
    refuse(Buffer.alloc(100, 0x04), /larger than 10 bytes/, { maxDepth: 4, maxBytes: 10 });
  });

  it('the verifier refuses 20,000 x 30 80 as malformed in milliseconds on both readers', async () => {
    const v = new SignatureVerifier(TrustedCertificate.fromPem(pki.read(pki.ca)));
    for (const reader of ['fast', 'pkijs'] as const) {
      const started = performance.now();
      await expect(v.verify(nested(20_000), Buffer.from('x'), { reader })).rejects.toMatchObject({ name: 'TrustError', code: 'malformed' });
      expect(performance.now() - started).toBeLessThan(500);
    }
  });
});
