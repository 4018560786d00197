import { createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { EncryptedFailureLimiter } from '../../src/api/encrypted-failures.js';
import { encryptedMethodDecrypter } from '../../src/api/encrypted-method.js';
import { EngineError } from '../../src/engine/errors.js';
import type { Merchant } from '../../src/engine/merchants.js';
import {
  createSelfSignedEncryptionCertificate,
  credentialFromPem,
  decryptAuthEnveloped,
  decryptJwe,
  EncryptionKeys,
  encryptAuthEnveloped,
  encryptJwe,
  TrustError,
  type Credential,
} from '../../src/trust/index.js';

let older: Credential;
let newer: Credential;
let removed: Credential;

const fresh = async (cn: string) => {
  const p = await createSelfSignedEncryptionCertificate(cn, 30);
  return credentialFromPem(p.certificatePem, p.privateKeyPem, { purpose: 'encrypt' });
};

beforeAll(async () => {
  [older, newer, removed] = await Promise.all([fresh('enc-old'), fresh('enc-new'), fresh('enc-removed')]);
});

const data = Buffer.from('{"type":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2034}}');

describe('EncryptionKeys: rotation with overlap', () => {
  it('the new key is current and listed first; envelopes to either key open, picked by kid or recipient identifier', async () => {
    const keys = new EncryptionKeys([newer, older]);
    const { keys: jwks } = keys.jwks();
    expect(jwks.map((k) => k.kid)).toEqual(keys.keys.map((k) => k.kid));
    expect(keys.current.credential).toBe(newer);
    for (const jwk of jwks) {
      expect(Buffer.from(await decryptJwe(await encryptJwe(data, jwk), keys)).equals(data)).toBe(true);
      // the kid is the RFC 7638 thumbprint, as any JOSE library computes it
      expect(jwk.kid).toBe(await calculateJwkThumbprint({ kty: jwk.kty, n: jwk.n!, e: jwk.e! }));
    }
    for (const c of [newer, older]) expect(Buffer.from(await decryptAuthEnveloped(await encryptAuthEnveloped(data, c.certificate), keys.credentials)).equals(data)).toBe(true);
  });

  it('a JWE without kid is tried with each key of its alg; one to a removed key does not open', async () => {
    const keys = new EncryptionKeys([newer, older]);
    const oldJwk = new EncryptionKeys([older]).jwks().keys[0]!;
    const { kid: _k, ...noKid } = oldJwk;
    const { CompactEncrypt, importJWK } = await import('jose');
    const withoutKid = await new CompactEncrypt(data).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' }).encrypt(await importJWK(noKid, 'RSA-OAEP-256'));
    expect(Buffer.from(await decryptJwe(withoutKid, keys)).equals(data)).toBe(true);
    const gone = await encryptJwe(data, new EncryptionKeys([removed]).jwks().keys[0]!);
    await expect(decryptJwe(gone, keys)).rejects.toBeInstanceOf(TrustError);
    await expect(decryptAuthEnveloped(await encryptAuthEnveloped(data, removed.certificate), keys.credentials)).rejects.toMatchObject({ code: 'decrypt_failed' });
  });

  it('refuses the same key twice, an empty list, and publishes public members only', () => {
    expect(() => new EncryptionKeys([older, older])).toThrow(TrustError);
    expect(() => new EncryptionKeys([])).toThrow(TrustError);
    const jwk = new EncryptionKeys([older]).jwks().keys[0]!;
    expect(Object.keys(jwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use', 'x5c', 'x5t#S256']);
    expect(createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: 'jwk' }).equals(older.certificate.x509.publicKey)).toBe(true);
  });
});

describe('EncryptedFailureLimiter', () => {
  it('blocks at the limit for the rest of the window, then lets the merchant in again; merchants are counted apart', () => {
    let t = 1_000_000;
    const l = new EncryptedFailureLimiter(3, 60_000, () => t);
    for (let i = 0; i < 3; i++) {
      expect(l.blockedFor('m1')).toBe(0);
      l.record('m1');
      t += 1_000;
    }
    expect(l.blockedFor('m1')).toBe(57_000);
    expect(l.blockedFor('m2')).toBe(0);
    t += 57_000;
    expect(l.blockedFor('m1')).toBe(0);
  });

  it('a burst of parallel bad envelopes cannot outrun the count: at most `max` are answered 422, the rest 429', async () => {
    const decrypt = encryptedMethodDecrypter({ keys: new EncryptionKeys([older]), failureLimit: { max: 5, windowMs: 60_000 }, failureFloorMs: 20 });
    const merchant: Merchant = { id: 'm-burst', name: 'Burst', apiKeyHashes: [], allowNoConfirmation: false, routes: {} };
    const bad = Buffer.from(await encryptAuthEnveloped(data, removed.certificate)).toString('base64');
    const codes = await Promise.all(
      Array.from({ length: 30 }, () =>
        decrypt(bad, merchant).then(
          () => 'opened',
          (err: unknown) => (err instanceof EngineError ? err.code : 'other'),
        ),
      ),
    );
    expect(codes.filter((c) => c === 'encrypted_payload_undecryptable')).toHaveLength(5);
    expect(codes.filter((c) => c === 'encrypted_payload_rate_limited')).toHaveLength(25);
  });
});
