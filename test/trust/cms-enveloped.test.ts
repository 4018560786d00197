import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCertificates, loadCredential, signDetached, signEnveloped, SignatureVerifier, type CmsReader } from '../../src/trust/index.js';
import { createTestPki, openssl, opensslSign, signersOf, trustErrorCode, type Leaf, type TestPki } from './pki.js';

let pki: TestPki;
let caVerifier: SignatureVerifier;
const body = Buffer.from('<?xml version="1.0"?><Document><CstmrCdtTrfInitn>Zahlung an Müller, 19.99 EUR</CstmrCdtTrfInitn></Document>\n');
const readers: CmsReader[] = ['fast', 'pkijs'];

const code = trustErrorCode;

/** `openssl cms -sign -nodetach`: the content travels inside the signature. */
const opensslEnveloped = (leaf: Leaf, data: Buffer, extra: string[] = []) => opensslSign(pki, leaf, data, ['-nodetach', ...extra]);

/** OpenSSL's view of a Railyard `.p7m`: verified against the CA, the content written out. */
const opensslVerify = (der: Uint8Array, name: string, trust = pki.ca): Buffer => {
  writeFileSync(pki.path(`${name}.p7m`), der);
  openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', `${name}.p7m`, '-CAfile', trust, '-purpose', 'any', '-out', `${name}.out`], { cwd: pki.dir });
  return readFileSync(pki.path(`${name}.out`));
};

/** The same structure with one bit of the encapsulated content flipped. */
const tamperContent = (der: Uint8Array): Buffer => {
  const out = Buffer.from(der);
  const at = out.indexOf(Buffer.from('19.99'));
  expect(at).toBeGreaterThan(0);
  out[at] = out[at]! ^ 0x01;
  return out;
};

beforeAll(() => {
  pki = createTestPki();
  caVerifier = new SignatureVerifier(loadCertificates([pki.ca]));
}, 60_000);
afterAll(() => pki?.cleanup());

const signers = (): [string, Leaf, string[]][] => signersOf(pki);

describe('OpenSSL enveloped signatures (-nodetach) verify in Railyard and yield the content', () => {
  it.each([0, 1, 2, 3, 4])('signer #%i, both readers, through the CA and pinned', async (i) => {
    const [, leaf, extra] = signers()[i]!;
    const der = opensslEnveloped(leaf, body, extra);
    const cert = loadCertificates([leaf.cert])[0]!;
    for (const reader of readers) {
      const v = await caVerifier.verifyEnveloped(der, { reader });
      expect(Buffer.from(v.content).equals(body)).toBe(true);
      expect(v.certificate.fingerprint).toBe(cert.fingerprint);
      expect(v.path.map((c) => c.subject)).toEqual([cert.subject, 'CN=Railyard Test CA']);
      expect(v.signingTime).toBeInstanceOf(Date);
      expect(Math.abs(v.signingTime!.getTime() - Date.now())).toBeLessThan(120_000);
    }
    const pinned = await new SignatureVerifier([cert]).verifyEnveloped(der);
    expect(Buffer.from(pinned.content).equals(body)).toBe(true);
  });

  it('without signed attributes (-noattr): the signature covers the content itself', async () => {
    const der = opensslEnveloped(pki.ec256, body, ['-noattr']);
    for (const reader of readers) {
      const v = await caVerifier.verifyEnveloped(der, { reader });
      expect(Buffer.from(v.content).equals(body)).toBe(true);
      expect(v.signingTime).toBeNull();
      expect(await code(caVerifier.verifyEnveloped(tamperContent(der), { reader }))).toBe('invalid');
    }
  });

  it('streamed BER (-stream: indefinite lengths, chunked content) verifies with both readers', async () => {
    const big = Buffer.concat([body, Buffer.alloc(150_000, 0x41)]);
    const ber = openssl(['cms', '-sign', '-binary', '-nodetach', '-stream', '-md', 'sha256', '-outform', 'DER', '-signer', pki.rsa.cert, '-inkey', pki.rsa.key], { input: big });
    expect(ber.subarray(0, 2).equals(Buffer.from([0x30, 0x80]))).toBe(true);
    for (const reader of readers) {
      const v = await caVerifier.verifyEnveloped(ber, { reader });
      expect(Buffer.from(v.content).equals(big)).toBe(true);
    }
  });
});

describe('Railyard enveloped signatures verify with openssl cms -verify, and the content matches', () => {
  const schemes: [string, () => Leaf, 'pkcs1' | 'pss' | undefined, 'SHA-256' | 'SHA-384'][] = [
    ['RSA PKCS#1 v1.5', () => pki.rsa, 'pkcs1', 'SHA-256'],
    ['RSA-PSS', () => pki.pss, 'pss', 'SHA-256'],
    ['ECDSA P-256', () => pki.ec256, undefined, 'SHA-256'],
    ['ECDSA P-384', () => pki.ec384, undefined, 'SHA-384'],
    ['RSA-PSS-only key', () => pki.pssOnly, undefined, 'SHA-256'],
  ];
  it.each(schemes)('%s', async (name, leaf, scheme, hash) => {
    const cred = loadCredential(leaf().cert, leaf().key, { purpose: 'sign' });
    const der = await signEnveloped(body, cred, { hash, ...(scheme ? { scheme } : {}) });
    expect(opensslVerify(der, `env-${name.replace(/\W/g, '')}`).equals(body)).toBe(true);
    for (const reader of readers) {
      const v = await caVerifier.verifyEnveloped(der, { reader });
      expect(Buffer.from(v.content).equals(body)).toBe(true);
      expect(v.certificate.fingerprint).toBe(cred.certificate.fingerprint);
    }
  });

  it('writes DER (a primitive content OCTET STRING) even for content over 64 KiB, which OpenSSL reads back whole', async () => {
    const cred = loadCredential(pki.ec256.cert, pki.ec256.key, { purpose: 'sign' });
    const big = Buffer.alloc(200_000);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const der = await signEnveloped(big, cred);
    // the content appears contiguously: pkijs's own chunking would have split it every 65536 bytes
    expect(Buffer.from(der).indexOf(big)).toBeGreaterThan(0);
    writeFileSync(pki.path('big.p7m'), der);
    const parsed = openssl(['asn1parse', '-inform', 'DER', '-in', 'big.p7m'], { cwd: pki.dir }).toString();
    expect(parsed).not.toMatch(/cons: OCTET STRING/);
    expect(opensslVerify(der, 'big').equals(big)).toBe(true);
    expect(Buffer.from((await caVerifier.verifyEnveloped(der)).content).equals(big)).toBe(true);
  });

  it('OpenSSL refuses a Railyard signature whose content was tampered with', async () => {
    const cred = loadCredential(pki.rsa.cert, pki.rsa.key, { purpose: 'sign' });
    const der = tamperContent(await signEnveloped(body, cred));
    expect(() => opensslVerify(der, 'tampered')).toThrow();
  });
});

describe('enveloped signature failures', () => {
  it.each(readers)('tampered content inside the structure -> invalid (reader %s)', async (reader) => {
    const cred = loadCredential(pki.rsa.cert, pki.rsa.key, { purpose: 'sign' });
    expect(await code(caVerifier.verifyEnveloped(tamperContent(await signEnveloped(body, cred)), { reader }))).toBe('invalid');
    expect(await code(caVerifier.verifyEnveloped(tamperContent(opensslEnveloped(pki.ec384, body)), { reader }))).toBe('invalid');
  });

  it.each(readers)('tampered signature value -> invalid (reader %s: pkijs says signatureVerified: false)', async (reader) => {
    const cred = loadCredential(pki.rsa.cert, pki.rsa.key, { purpose: 'sign' });
    const der = Buffer.from(await signEnveloped(body, cred));
    der[der.length - 10] = der[der.length - 10]! ^ 0xff; // inside the RSA signature, the last field
    expect(await code(caVerifier.verifyEnveloped(der, { reader }))).toBe('invalid');
  });

  it.each(readers)('wrong certificate: a stranger, or another signer than the pinned one -> untrusted (reader %s)', async (reader) => {
    expect(await code(caVerifier.verifyEnveloped(opensslEnveloped(pki.stranger, body), { reader }))).toBe('untrusted');
    const pinnedRsa = new SignatureVerifier(loadCertificates([pki.rsa.cert]));
    expect(await code(pinnedRsa.verifyEnveloped(opensslEnveloped(pki.ec256, body), { reader }))).toBe('untrusted');
  });

  it.each(readers)('expired certificate -> expired, through the CA and pinned (reader %s)', async (reader) => {
    const der = opensslEnveloped(pki.expired, body);
    expect(await code(caVerifier.verifyEnveloped(der, { reader }))).toBe('expired');
    const pinned = new SignatureVerifier(loadCertificates([pki.expired.cert], { allowExpired: true }));
    expect(await code(pinned.verifyEnveloped(der, { reader }))).toBe('expired');
  });

  it('a signing time in the future or outside the validity -> refused', async () => {
    const cred = loadCredential(pki.ec256.cert, pki.ec256.key, { purpose: 'sign' });
    expect(await code(caVerifier.verifyEnveloped(await signEnveloped(body, cred, { signingTime: new Date(Date.now() + 3_600_000) })))).toBe('invalid');
    expect(await code(caVerifier.verifyEnveloped(await signEnveloped(body, cred, { signingTime: new Date('2020-06-01T00:00:00Z') })))).toBe('expired');
  });

  it.each(readers)('a detached signature is not an enveloped one, nor the other way round -> malformed (reader %s)', async (reader) => {
    const cred = loadCredential(pki.ec256.cert, pki.ec256.key, { purpose: 'sign' });
    expect(await code(caVerifier.verifyEnveloped(await signDetached(body, cred), { reader }))).toBe('malformed');
    expect(await code(caVerifier.verifyEnveloped(opensslSign(pki, pki.rsa, body), { reader }))).toBe('malformed');
    expect(await code(caVerifier.verify(await signEnveloped(body, cred), body, { reader }))).toBe('malformed');
    expect(await code(caVerifier.verifyEnveloped(Buffer.from('not cms at all'), { reader }))).toBe('malformed');
  });
});
