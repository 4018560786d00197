import { writeFileSync } from 'node:fs';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileProtectionError, protectOutbound, unprotectInbound, type InboundProtection, type OutboundProtection } from '../../../src/batch/protect/index.js';
import { credentialFromPem, loadCertificates, secret, SignatureVerifier, type Credential } from '../../../src/trust/index.js';
import { createTestPki, openssl, type TestPki } from '../../trust/pki.js';

const file = new TextEncoder().encode('<?xml version="1.0" encoding="UTF-8"?>\n<Document>pain.001 payload with umlauts: Müller</Document>\n');

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof FileProtectionError) return e.code;
    throw e;
  }
  return 'no error';
};

interface Pair {
  priv: string;
  pub: string;
}
const pgpKey = async (name: string, passphrase?: string): Promise<Pair> => {
  const k = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name, email: `${name}@example.test` }], ...(passphrase ? { passphrase } : {}), format: 'armored' });
  return { priv: k.privateKey, pub: k.publicKey };
};

describe('OpenPGP', () => {
  let us: Pair;
  let bank: Pair;
  let stranger: Pair;
  const PASS = 'correct horse battery staple';

  beforeAll(async () => {
    [us, bank, stranger] = await Promise.all([pgpKey('railyard', PASS), pgpKey('bank'), pgpKey('stranger')]);
  });

  /** What we send to the bank (our key signs, the bank's key encrypts). */
  const outbound = (over: Partial<Extract<OutboundProtection, { kind: 'pgp' }>> = {}): OutboundProtection => ({
    kind: 'pgp',
    sign: true,
    encrypt: true,
    ourPrivateKey: secret(us.priv),
    passphrase: secret(PASS),
    bankPublicKey: bank.pub,
    ...over,
  });
  /** The bank's side of the same protection, reading what we sent. */
  const asBank = (requireSignature = true): InboundProtection => ({ kind: 'pgp', requireSignature, ourPrivateKey: secret(bank.priv), bankPublicKey: us.pub });
  /** What the bank sends us, signed with the bank's key and encrypted to ours. */
  const fromBank = (over: Partial<Extract<OutboundProtection, { kind: 'pgp' }>> = {}): OutboundProtection => ({
    kind: 'pgp',
    sign: true,
    encrypt: true,
    ourPrivateKey: secret(bank.priv),
    bankPublicKey: us.pub,
    ...over,
  });
  const inbound = (requireSignature = true): InboundProtection => ({ kind: 'pgp', requireSignature, ourPrivateKey: secret(us.priv), passphrase: secret(PASS), bankPublicKey: bank.pub });

  it('sign + encrypt round trip, both directions, binary .pgp', async () => {
    const out = await protectOutbound(file, outbound());
    expect(out.extension).toBe('.pgp');
    expect(out.sidecar).toBeUndefined();
    expect(new TextDecoder().decode(out.data)).not.toContain('pain.001');
    expect(out.data[0]! & 0x80).toBe(0x80); // a binary packet tag, not armor
    const opened = await unprotectInbound(out.data, asBank());
    expect(Buffer.from(opened.data).equals(Buffer.from(file))).toBe(true);
    expect(opened.signer).toBe((await openpgp.readKey({ armoredKey: us.pub })).getFingerprint());

    const back = await protectOutbound(file, fromBank());
    const ours = await unprotectInbound(back.data, inbound());
    expect(Buffer.from(ours.data).equals(Buffer.from(file))).toBe(true);
    expect(ours.signer).toBe((await openpgp.readKey({ armoredKey: bank.pub })).getFingerprint());
  });

  it('sign-only and encrypt-only round trips', async () => {
    const signed = await protectOutbound(file, fromBank({ encrypt: false }));
    expect(Buffer.from(signed.data).includes(Buffer.from(file))).toBe(true); // readable, but signed
    expect(Buffer.from((await unprotectInbound(signed.data, inbound())).data).equals(Buffer.from(file))).toBe(true);

    const sealed = await protectOutbound(file, fromBank({ sign: false }));
    const opened = await unprotectInbound(sealed.data, inbound(false));
    expect(Buffer.from(opened.data).equals(Buffer.from(file))).toBe(true);
    expect(opened.signer).toBeUndefined();
  });

  it('an armored message is read too', async () => {
    const message = await openpgp.createMessage({ binary: file });
    const armored = await openpgp.sign({ message, signingKeys: await openpgp.readPrivateKey({ armoredKey: bank.priv }) });
    const r = await unprotectInbound(new TextEncoder().encode(armored), inbound());
    expect(Buffer.from(r.data).equals(Buffer.from(file))).toBe(true);
  });

  it('a tampered signed file is refused (one flipped byte of the content)', async () => {
    const signed = await protectOutbound(file, fromBank({ encrypt: false }));
    const at = Buffer.from(signed.data).indexOf(Buffer.from('payload'));
    expect(at).toBeGreaterThan(0);
    const bad = Uint8Array.from(signed.data);
    bad[at] = bad[at]! ^ 0x01;
    expect(await codeOf(unprotectInbound(bad, inbound()))).toBe('bad_signature');
    // refused even where signatures are optional: a broken signature is not "no signature"
    expect(await codeOf(unprotectInbound(bad, inbound(false)))).toBe('bad_signature');
  });

  it('a tampered encrypted file is refused wherever the byte is flipped', async () => {
    const sealed = await protectOutbound(file, fromBank());
    const codes = new Set<string>();
    for (let i = 0; i < sealed.data.length; i += 9) {
      const bad = Uint8Array.from(sealed.data);
      bad[i] = bad[i]! ^ 0x20;
      const code = await codeOf(unprotectInbound(bad, inbound()));
      expect(code, `byte ${i}`).not.toBe('no error');
      codes.add(code);
    }
    expect([...codes].every((c) => ['decrypt_failed', 'malformed', 'bad_signature', 'untrusted_signer', 'unsigned'].includes(c))).toBe(true);
  });

  it('a file signed by another key is refused', async () => {
    const forged = await protectOutbound(file, fromBank({ ourPrivateKey: secret(stranger.priv) }));
    expect(await codeOf(unprotectInbound(forged.data, inbound()))).toBe('untrusted_signer');
    expect(await codeOf(unprotectInbound(forged.data, inbound(false)))).toBe('untrusted_signer');
    const forgedPlain = await protectOutbound(file, fromBank({ encrypt: false, ourPrivateKey: secret(stranger.priv) }));
    expect(await codeOf(unprotectInbound(forgedPlain.data, inbound()))).toBe('untrusted_signer');
  });

  it('an unsigned file is refused when a signature is required', async () => {
    const sealed = await protectOutbound(file, fromBank({ sign: false }));
    expect(await codeOf(unprotectInbound(sealed.data, inbound(true)))).toBe('unsigned');
    const literal = await openpgp.createMessage({ binary: file });
    const bare = literal.write();
    expect(await codeOf(unprotectInbound(bare, inbound(true)))).toBe('unsigned');
  });

  it('a file encrypted to someone else cannot be opened', async () => {
    const other = await protectOutbound(file, fromBank({ bankPublicKey: stranger.pub }));
    expect(await codeOf(unprotectInbound(other.data, inbound()))).toBe('decrypt_failed');
  });

  it('garbage and key problems have their own codes', async () => {
    expect(await codeOf(unprotectInbound(new TextEncoder().encode('not pgp at all'), inbound()))).toBe('malformed');
    expect(await codeOf(protectOutbound(file, outbound({ passphrase: secret('wrong') })))).toBe('bad_key');
    const { passphrase: _, ...withoutPass } = outbound() as Extract<OutboundProtection, { kind: 'pgp' }>;
    expect(await codeOf(protectOutbound(file, withoutPass))).toBe('bad_key');
    expect(await codeOf(protectOutbound(file, outbound({ bankPublicKey: 'nonsense' })))).toBe('bad_key');
    expect(await codeOf(protectOutbound(file, outbound({ sign: false, encrypt: false })))).toBe('bad_config');
  });

  it('the secrets stay hidden in errors and logs', async () => {
    const p = outbound({ passphrase: secret('wrong') });
    let message = '';
    try {
      await protectOutbound(file, p);
    } catch (e) {
      message = String(e);
    }
    expect(message).not.toContain('wrong');
    expect(JSON.stringify(p)).not.toContain('PRIVATE KEY');
  });
});

describe('none', () => {
  it('passes data through unchanged', async () => {
    expect(await protectOutbound(file, { kind: 'none' })).toEqual({ data: file, extension: '' });
    expect(await unprotectInbound(file, { kind: 'none' })).toEqual({ data: file });
  });
});

describe('CMS detached', () => {
  let pki: TestPki;
  let signer: Credential;
  let verifier: SignatureVerifier;

  beforeAll(() => {
    pki = createTestPki();
    signer = credentialFromPem(pki.read(pki.ec256.cert), pki.read(pki.ec256.key), { purpose: 'sign' });
    verifier = new SignatureVerifier(loadCertificates([pki.ca]));
  }, 60_000);
  afterAll(() => pki?.cleanup());

  it('round trip: the file is unchanged and the .p7s sidecar verifies', async () => {
    const out = await protectOutbound(file, { kind: 'cms-detached', signer });
    expect(out.extension).toBe('');
    expect(out.data).toBe(file);
    expect(out.sidecar?.extension).toBe('.p7s');
    const r = await unprotectInbound(out.data, { kind: 'cms-detached', verifier }, out.sidecar?.data);
    expect(r.signer).toContain('merchant-ec256');
    expect(Buffer.from(r.data).equals(Buffer.from(file))).toBe(true);
  });

  it('OpenSSL verifies the sidecar', async () => {
    const out = await protectOutbound(file, { kind: 'cms-detached', signer });
    writeFileSync(pki.path('batch.xml'), file);
    writeFileSync(pki.path('batch.xml.p7s'), out.sidecar!.data);
    const content = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'batch.xml.p7s', '-content', 'batch.xml', '-CAfile', 'ca.pem', '-purpose', 'any'], { cwd: pki.dir });
    expect(Buffer.from(content).equals(Buffer.from(file))).toBe(true);
  });

  it('refuses a tampered file, a missing sidecar and a stranger signature', async () => {
    const out = await protectOutbound(file, { kind: 'cms-detached', signer });
    const bad = Uint8Array.from(file);
    bad[10] = bad[10]! ^ 0x01;
    expect(await codeOf(unprotectInbound(bad, { kind: 'cms-detached', verifier }, out.sidecar?.data))).toBe('bad_signature');
    expect(await codeOf(unprotectInbound(file, { kind: 'cms-detached', verifier }))).toBe('missing_sidecar');
    expect(await codeOf(unprotectInbound(file, { kind: 'cms-detached', verifier }, new Uint8Array([0x30, 0x03, 1, 2, 3])))).toBe('malformed');
    const strangerCred = credentialFromPem(pki.read(pki.stranger.cert), pki.read(pki.stranger.key), { purpose: 'sign' });
    const forged = await protectOutbound(file, { kind: 'cms-detached', signer: strangerCred });
    expect(await codeOf(unprotectInbound(file, { kind: 'cms-detached', verifier }, forged.sidecar?.data))).toBe('untrusted_signer');
  });

  it('uses the injected time for signing and checking', async () => {
    const now = Date.now() + 3_600_000; // the test certificates are valid for 30 days from now
    const out = await protectOutbound(file, { kind: 'cms-detached', signer }, { now });
    const r = await unprotectInbound(file, { kind: 'cms-detached', verifier }, out.sidecar?.data, { now: now + 1000 });
    expect(r.signer).toContain('merchant-ec256');
    // seen from an hour earlier, that signing time lies in the future: refused
    expect(await codeOf(unprotectInbound(file, { kind: 'cms-detached', verifier }, out.sidecar?.data, { now: now - 3_600_000 }))).toBe('bad_signature');
  });
});

describe('CMS enveloped', () => {
  let pki: TestPki;
  let signer: Credential;
  let verifier: SignatureVerifier;
  const inbound = (): InboundProtection => ({ kind: 'cms-enveloped', verifier });

  beforeAll(() => {
    pki = createTestPki();
    signer = credentialFromPem(pki.read(pki.ec256.cert), pki.read(pki.ec256.key), { purpose: 'sign' });
    verifier = new SignatureVerifier(loadCertificates([pki.ca]));
  }, 60_000);
  afterAll(() => pki?.cleanup());

  it('round trip: the file becomes one .p7m blob, no sidecar, and only its verified content comes back', async () => {
    const out = await protectOutbound(file, { kind: 'cms-enveloped', signer });
    expect(out.extension).toBe('.p7m');
    expect(out.sidecar).toBeUndefined();
    expect(out.data[0]).toBe(0x30);
    expect(Buffer.from(out.data).indexOf(Buffer.from(file))).toBeGreaterThan(0);
    const r = await unprotectInbound(out.data, inbound());
    expect(r.signer).toContain('merchant-ec256');
    expect(Buffer.from(r.data).equals(Buffer.from(file))).toBe(true);
  });

  it('OpenSSL verifies the produced file and unpacks the same content', async () => {
    const out = await protectOutbound(file, { kind: 'cms-enveloped', signer });
    writeFileSync(pki.path('batch.xml.p7m'), out.data);
    const content = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'batch.xml.p7m', '-CAfile', 'ca.pem', '-purpose', 'any'], { cwd: pki.dir });
    expect(Buffer.from(content).equals(Buffer.from(file))).toBe(true);
  });

  it('a bank file made by openssl cms -sign -nodetach is read', async () => {
    writeFileSync(pki.path('camt.xml'), file);
    const blob = openssl(['cms', '-sign', '-nodetach', '-binary', '-md', 'sha256', '-outform', 'DER', '-in', 'camt.xml', '-signer', pki.rsa.cert, '-inkey', pki.rsa.key], { cwd: pki.dir });
    const r = await unprotectInbound(blob, inbound());
    expect(r.signer).toContain('merchant-rsa');
    expect(Buffer.from(r.data).equals(Buffer.from(file))).toBe(true);
  });

  it('refuses a tampered file, an unsigned file, a detached signature, garbage and a stranger signature', async () => {
    const out = await protectOutbound(file, { kind: 'cms-enveloped', signer });
    const bad = Buffer.from(out.data);
    const at = bad.indexOf(Buffer.from('payload'));
    bad[at] = bad[at]! ^ 0x01;
    expect(await codeOf(unprotectInbound(bad, inbound()))).toBe('bad_signature');
    expect(await codeOf(unprotectInbound(file, inbound()))).toBe('unsigned');
    expect(await codeOf(unprotectInbound(new Uint8Array(0), inbound()))).toBe('unsigned');
    const detached = await protectOutbound(file, { kind: 'cms-detached', signer });
    expect(await codeOf(unprotectInbound(detached.sidecar!.data, inbound()))).toBe('malformed');
    expect(await codeOf(unprotectInbound(new Uint8Array([0x30, 0x03, 1, 2, 3]), inbound()))).toBe('malformed');
    const strangerCred = credentialFromPem(pki.read(pki.stranger.cert), pki.read(pki.stranger.key), { purpose: 'sign' });
    const forged = await protectOutbound(file, { kind: 'cms-enveloped', signer: strangerCred });
    expect(await codeOf(unprotectInbound(forged.data, inbound()))).toBe('untrusted_signer');
  });

  it('uses the injected time for signing and checking', async () => {
    const now = Date.now() + 3_600_000;
    const out = await protectOutbound(file, { kind: 'cms-enveloped', signer }, { now });
    expect((await unprotectInbound(out.data, inbound(), undefined, { now: now + 1000 })).signer).toContain('merchant-ec256');
    expect(await codeOf(unprotectInbound(out.data, inbound(), undefined, { now: now - 3_600_000 }))).toBe('bad_signature');
  });
});
