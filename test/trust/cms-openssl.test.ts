import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  credentialFromPem,
  decryptEnvelope,
  encryptEnvelope,
  loadCertificates,
  loadCredential,
  signDetached,
  SignatureVerifier,
  TrustedCertificate,
  TrustError,
  type Credential,
} from '../../src/trust/index.js';
import { createTestPki, openssl, opensslSign, signersOf, trustErrorCode, type Leaf, type TestPki } from './pki.js';

let pki: TestPki;
let caVerifier: SignatureVerifier;
const outerVerifier = () => caVerifier;
const body = Buffer.from(JSON.stringify({ amount: 1999, currency: 'EUR', order_id: 'order-1' }));

const code = trustErrorCode;

beforeAll(() => {
  pki = createTestPki();
  caVerifier = new SignatureVerifier(loadCertificates([pki.ca]));
}, 60_000);
afterAll(() => pki?.cleanup());

const signers = (): [string, Leaf, string[]][] => signersOf(pki);

describe('OpenSSL-signed data verifies in Railyard', () => {
  it.each([0, 1, 2, 3, 4])('signer #%i against the CA and against the pinned certificate', async (i) => {
    const [, leaf, extra] = signers()[i]!;
    const sig = opensslSign(pki, leaf, body, extra);
    const v = await caVerifier.verify(sig, body);
    const cert = loadCertificates([leaf.cert])[0]!;
    expect(v.certificate.serial).toBe(cert.serial);
    expect(v.certificate.subject).toContain('CN=merchant-');
    expect(v.signingTime).toBeInstanceOf(Date);
    expect(Math.abs(v.signingTime!.getTime() - Date.now())).toBeLessThan(120_000);
    expect(v.path.map((c) => c.subject)).toEqual([cert.subject, 'CN=Railyard Test CA']);
    const pinned = await new SignatureVerifier([cert]).verify(sig, body);
    expect(pinned.certificate.fingerprint).toBe(cert.fingerprint);
    // the reference path agrees
    const ref = await caVerifier.verify(sig, body, { reader: 'pkijs' });
    expect(ref.certificate).toBe(v.certificate);
    expect(ref.signingTime).toEqual(v.signingTime);
    expect(await code(caVerifier.verify(sig, Buffer.from('other'), { reader: 'pkijs' }))).toBe('invalid');
  });

  it('without embedded certificates (-nocerts), using the trusted one', async () => {
    const sig = opensslSign(pki, pki.ec256, body, ['-nocerts']);
    const v = await new SignatureVerifier(loadCertificates([pki.ec256.cert])).verify(sig, body);
    expect(v.certificate.subject).toContain('merchant-ec256');
    expect(await code(caVerifier.verify(sig, body))).toBe('untrusted');
  });
});

/** The same signature with its outer SEQUENCE in BER indefinite-length form (as streaming encoders write). */
const toBer = (der: Buffer): Buffer => {
  const n = der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2;
  return Buffer.concat([Buffer.from([0x30, 0x80]), der.subarray(n), Buffer.from([0, 0])]);
};

describe.each(['fast', 'pkijs'] as const)('BER signatures (indefinite lengths), reader %s', (reader) => {
  const caVerifier = { verify: (sig: Buffer, data: Buffer) => outerVerifier().verify(sig, data, { reader }) };
  it('verifies; with pkijs, both ways pkijs reports failure (throw, signatureVerified: false) end as invalid', async () => {
    for (const [leaf, extra] of [[pki.rsa, []], [pki.pss, ['-keyopt', 'rsa_padding_mode:pss']], [pki.ec384, []]] as const) {
      const sig = toBer(opensslSign(pki, leaf, body, [...extra]));
      expect(sig.subarray(0, 2).equals(Buffer.from([0x30, 0x80]))).toBe(true);
      expect((await caVerifier.verify(sig, body)).certificate.subject).toContain('merchant-');
      // another body: pkijs throws (message digest mismatch)
      expect(await code(caVerifier.verify(sig, Buffer.from('{}')))).toBe('invalid');
    }
    // a flipped bit in the signature value: pkijs returns signatureVerified: false
    const sig = toBer(opensslSign(pki, pki.rsa, body));
    const at = sig.length - 40; // inside the RSA signature value, before the end-of-contents octets
    sig[at] = sig[at]! ^ 0x01;
    expect(await code(caVerifier.verify(sig, body))).toBe('invalid');
    expect(await code(caVerifier.verify(toBer(opensslSign(pki, pki.expired, body)), body))).toBe('expired');
    expect(await code(caVerifier.verify(toBer(opensslSign(pki, pki.stranger, body)), body))).toBe('untrusted');
  });
});

describe('Railyard signatures verify with openssl cms -verify', () => {
  const schemes: [string, () => Leaf, 'pkcs1' | 'pss' | undefined, 'SHA-256' | 'SHA-384'][] = [
    ['RSA PKCS#1 v1.5', () => pki.rsa, 'pkcs1', 'SHA-256'],
    ['RSA-PSS', () => pki.pss, 'pss', 'SHA-256'],
    ['ECDSA P-256', () => pki.ec256, undefined, 'SHA-256'],
    ['ECDSA P-384', () => pki.ec384, undefined, 'SHA-384'],
    ['RSA-PSS-only key', () => pki.pssOnly, undefined, 'SHA-256'],
  ];
  it.each(schemes)('%s', async (_name, leaf, scheme, hash) => {
    const cred = loadCredential(leaf().cert, leaf().key, { purpose: 'sign' });
    const sig = await signDetached(body, cred, { hash, ...(scheme ? { scheme } : {}) });
    const sigPath = pki.path(`rsig-${_name.replace(/\W/g, '')}.der`);
    const dataPath = pki.path('rdata.bin');
    writeFileSync(sigPath, sig);
    writeFileSync(dataPath, body);
    expect(() => openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', sigPath, '-content', dataPath, '-CAfile', pki.ca, '-purpose', 'any', '-out', '/dev/null'])).not.toThrow();
    // and OpenSSL refuses it over another body
    writeFileSync(dataPath, Buffer.concat([body, Buffer.from(' ')]));
    expect(() => openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', sigPath, '-content', dataPath, '-CAfile', pki.ca, '-purpose', 'any', '-out', '/dev/null'])).toThrow();
    // round trip in Railyard too
    const v = await caVerifier.verify(sig, body);
    expect(v.certificate.fingerprint).toBe(cred.certificate.fingerprint);
  });
});

describe('signature failures', () => {
  it('tampered body -> invalid', async () => {
    const sig = opensslSign(pki, pki.rsa, body);
    const tampered = Buffer.from(body);
    tampered[5] = tampered[5]! ^ 0x01;
    expect(await code(caVerifier.verify(sig, tampered))).toBe('invalid');
  });

  it('signature over another body -> invalid', async () => {
    const sig = opensslSign(pki, pki.ec256, Buffer.from('{"amount":1}'));
    expect(await code(caVerifier.verify(sig, body))).toBe('invalid');
  });

  it('tampered signature value -> invalid (pkijs reports signatureVerified: false)', async () => {
    const cred = loadCredential(pki.rsa.cert, pki.rsa.key, { purpose: 'sign' });
    const sig = Buffer.from(await signDetached(body, cred));
    sig[sig.length - 10] = sig[sig.length - 10]! ^ 0xff; // inside the RSA signature, the last field of the SignerInfo
    expect(await code(caVerifier.verify(sig, body))).toBe('invalid');
  });

  it('wrong certificate: a stranger, or another merchant than the pinned one -> untrusted', async () => {
    const sig = opensslSign(pki, pki.stranger, body);
    expect(await code(caVerifier.verify(sig, body))).toBe('untrusted');
    const byOther = opensslSign(pki, pki.ec384, body);
    expect(await code(new SignatureVerifier(loadCertificates([pki.rsa.cert])).verify(byOther, body))).toBe('untrusted');
  });

  it('expired certificate -> expired, pinned or through the CA', async () => {
    const sig = opensslSign(pki, pki.expired, body);
    expect(await code(caVerifier.verify(sig, body))).toBe('expired');
    const pinned = new SignatureVerifier(loadCertificates([pki.expired.cert], { allowExpired: true }));
    expect(await code(pinned.verify(sig, body))).toBe('expired');
  });

  it('a signature time far in the future, and one outside validity -> refused', async () => {
    const cred = loadCredential(pki.ec256.cert, pki.ec256.key, { purpose: 'sign' });
    const future = await signDetached(body, cred, { signingTime: new Date(Date.now() + 3_600_000) });
    expect(await code(caVerifier.verify(future, body))).toBe('invalid');
    const backdated = await signDetached(body, cred, { signingTime: new Date('2020-06-01T00:00:00Z') });
    expect(await code(caVerifier.verify(backdated, body))).toBe('expired');
  });

  it('garbage and non-detached signatures -> malformed', async () => {
    expect(await code(caVerifier.verify(Buffer.from('not cms at all'), body))).toBe('malformed');
    const attached = opensslSign(pki, pki.rsa, body, ['-nodetach']);
    expect(await code(caVerifier.verify(attached, body))).toBe('malformed');
  });
});

describe('envelopes', () => {
  let encRsa: Credential;
  let encEc: Credential;
  const card = Buffer.from(JSON.stringify({ type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2031 } }));
  beforeAll(() => {
    encRsa = loadCredential(pki.encRsa.cert, pki.encRsa.key, { purpose: 'encrypt' });
    encEc = loadCredential(pki.encEc.cert, pki.encEc.key, { purpose: 'encrypt' });
  });
  const opensslEncrypt = (recip: string, extra: string[]) => {
    writeFileSync(pki.path('card.json'), card);
    return openssl(['cms', '-encrypt', '-binary', '-aes-256-cbc', '-outform', 'DER', '-in', pki.path('card.json'), '-recip', recip, ...extra]);
  };

  it('openssl cms -encrypt with RSA-OAEP (SHA-1 and SHA-256) decrypts in Railyard', async () => {
    for (const md of [[], ['-keyopt', 'rsa_oaep_md:sha256']]) {
      const env = opensslEncrypt(pki.encRsa.cert, ['-keyopt', 'rsa_padding_mode:oaep', ...md]);
      expect(Buffer.from(await decryptEnvelope(env, encRsa)).equals(card)).toBe(true);
    }
  });

  it('openssl cms -encrypt with ECDH P-256 (no ukm) decrypts in Railyard', async () => {
    const env = opensslEncrypt(pki.encEc.cert, []);
    expect(Buffer.from(await decryptEnvelope(env, encEc)).equals(card)).toBe(true);
  });

  it.each(['rsa', 'ec'])('Railyard envelopes (%s) decrypt with openssl cms -decrypt, and in Railyard', async (kind) => {
    const leaf = kind === 'rsa' ? pki.encRsa : pki.encEc;
    const cred = kind === 'rsa' ? encRsa : encEc;
    const env = await encryptEnvelope(card, cred.certificate);
    writeFileSync(pki.path(`renv-${kind}.der`), env);
    const out = openssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', pki.path(`renv-${kind}.der`), '-recip', leaf.cert, '-inkey', leaf.key]);
    expect(out.equals(card)).toBe(true);
    expect(Buffer.from(await decryptEnvelope(env, cred)).equals(card)).toBe(true);
  });

  it.each(['fast', 'pkijs'] as const)('BER and DER envelopes open with reader %s: RSA-OAEP, ECDH without ukm, and Railyard (pkijs) envelopes with ukm', async (reader) => {
    for (const ber of [false, true]) {
      const shape = (b: Buffer) => (ber ? toBer(b) : b);
      const rsa = shape(opensslEncrypt(pki.encRsa.cert, ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256']));
      expect(Buffer.from(await decryptEnvelope(rsa, encRsa, { reader })).equals(card)).toBe(true);
      const ec = shape(opensslEncrypt(pki.encEc.cert, []));
      expect(Buffer.from(await decryptEnvelope(ec, encEc, { reader })).equals(card)).toBe(true);
      expect(await code(decryptEnvelope(ec, encRsa, { reader }))).toBe('decrypt_failed');
    }
    for (const cred of [encRsa, encEc]) {
      const env = await encryptEnvelope(card, cred.certificate);
      expect(Buffer.from(await decryptEnvelope(env, cred, { reader })).equals(card)).toBe(true);
    }
  });

  it('refuses PKCS#1 v1.5 key transport, envelopes for someone else, and garbage', async () => {
    expect(await code(decryptEnvelope(opensslEncrypt(pki.encRsa.cert, []), encRsa))).toBe('unsupported');
    expect(await code(decryptEnvelope(opensslEncrypt(pki.encRsa.cert, ['-keyopt', 'rsa_padding_mode:oaep']), encEc))).toBe('decrypt_failed');
    expect(await code(decryptEnvelope(opensslEncrypt(pki.encEc.cert, []), encRsa))).toBe('decrypt_failed');
    expect(await code(decryptEnvelope(Buffer.from('nope'), encRsa))).toBe('malformed');
    const env = Buffer.from(opensslEncrypt(pki.encEc.cert, []));
    env[env.length - 5] = env[env.length - 5]! ^ 0x55; // inside the ciphertext: padding check fails
    expect(await code(decryptEnvelope(env, encEc))).toBe('decrypt_failed');
  });
});

describe('loading keys and certificates', () => {
  it('refuses a key that belongs to another certificate, without echoing the key', () => {
    try {
      credentialFromPem(pki.read(pki.rsa.cert), pki.read(pki.pss.key), { purpose: 'sign' }, { certificate: 'rsa.pem', key: 'pss.key' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TrustError);
      expect((err as TrustError).code).toBe('key_mismatch');
      expect((err as TrustError).message).toContain('pss.key');
      expect((err as TrustError).message).not.toMatch(/BEGIN|MII/);
    }
  });

  it('refuses an expired certificate at start', () => {
    expect(() => loadCredential(pki.expired.cert, pki.expired.key, { purpose: 'sign' })).toThrowError(expect.objectContaining({ code: 'expired' }));
    expect(() => loadCertificates([pki.expired.cert])).toThrowError(expect.objectContaining({ code: 'expired' }));
  });

  it('refuses a key usage that does not fit the purpose', () => {
    expect(() => loadCredential(pki.encEc.cert, pki.encEc.key, { purpose: 'sign' })).toThrowError(expect.objectContaining({ code: 'key_usage' }));
    expect(() => loadCredential(pki.ec256.cert, pki.ec256.key, { purpose: 'encrypt' })).toThrowError(expect.objectContaining({ code: 'key_usage' }));
  });

  it('reports malformed PEM and unreadable files clearly', () => {
    expect(() => TrustedCertificate.fromPem('hello', 'x.pem')).toThrowError(/x\.pem: no CERTIFICATE block/);
    expect(() => credentialFromPem(pki.read(pki.rsa.cert), 'not a key', { purpose: 'sign' })).toThrowError(expect.objectContaining({ code: 'malformed' }));
    expect(() => loadCertificates([pki.path('missing.pem')])).toThrowError(/missing\.pem: cannot read \(ENOENT\)/);
  });

  it('never shows the private key when logged or serialised', () => {
    const cred = loadCredential(pki.rsa.cert, pki.rsa.key, { purpose: 'sign' });
    expect(JSON.stringify({ cred })).toContain('Credential(');
    expect(JSON.stringify({ cred })).not.toMatch(/PRIVATE|MII/);
  });
});
