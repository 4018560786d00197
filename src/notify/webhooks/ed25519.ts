import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { WebhookSecretError } from './signature.js';

/*
 * Standard Webhooks asymmetric signatures (`v1a`): Ed25519 over `${id}.${timestamp}.${body}`,
 * sent as `v1a,<base64 signature>`. Keys are serialised as the spec asks, base64 behind a prefix:
 * `whsk_` for the secret key, `whpk_` for the public key. The bytes follow the common Ed25519
 * serialisation used by the spec's authors (Svix) and Go's crypto/ed25519: the public key is the
 * raw 32 bytes; the secret key is the 64 bytes seed ‖ public key. A bare 32-byte seed, as other
 * libraries write it, is taken on input too.
 */

export const SIGNING_KEY_PREFIX = 'whsk_';
export const PUBLIC_KEY_PREFIX = 'whpk_';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const b64url = (b: Buffer): string => b.toString('base64url');

function body(value: string, prefix: string, what: string): Buffer {
  if (!value.startsWith(prefix)) throw new WebhookSecretError(`${what} must start with ${prefix}`);
  const b64 = value.slice(prefix.length);
  if (!BASE64.test(b64) || b64.length % 4 !== 0) throw new WebhookSecretError(`${what} must be ${prefix} followed by base64`);
  return Buffer.from(b64, 'base64');
}

/** RFC 8410 PKCS#8 wrapping of a 32-byte Ed25519 seed: Node imports seeds only in a container. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function fromSeed(seed: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** The private key of a `whsk_…` value; a 64-byte value whose public half does not fit is refused. */
export function signingKeyObject(secretKey: string): KeyObject {
  const bytes = body(secretKey, SIGNING_KEY_PREFIX, 'webhook signing key');
  if (bytes.length !== 32 && bytes.length !== 64) throw new WebhookSecretError('webhook signing key must hold a 32-byte seed or 64 bytes (seed and public key)');
  const key = fromSeed(bytes.subarray(0, 32));
  if (bytes.length === 64 && !rawPublic(key).equals(bytes.subarray(32))) throw new WebhookSecretError('webhook signing key: its public half does not belong to its seed');
  return key;
}

/** The public key of a `whpk_…` value (what a receiver needs to verify `v1a`). */
export function publicKeyObject(publicKey: string): KeyObject {
  const bytes = body(publicKey, PUBLIC_KEY_PREFIX, 'webhook public key');
  if (bytes.length !== 32) throw new WebhookSecretError('webhook public key must hold 32 bytes');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(bytes) }, format: 'jwk' });
}

function rawPublic(key: KeyObject): Buffer {
  return Buffer.from(String(createPublicKey(key).export({ format: 'jwk' }).x), 'base64url');
}

/** `whpk_…` for a `whsk_…`. */
export function publicKeyOf(secretKey: string): string {
  return PUBLIC_KEY_PREFIX + rawPublic(signingKeyObject(secretKey)).toString('base64');
}

/** A fresh key pair; `secretKey` is `whsk_` + base64(seed ‖ public key). */
export function generateSigningKey(): { secretKey: string; publicKey: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(String(jwk.d), 'base64url');
  const pub = Buffer.from(String(jwk.x), 'base64url');
  return { secretKey: SIGNING_KEY_PREFIX + Buffer.concat([seed, pub]).toString('base64'), publicKey: PUBLIC_KEY_PREFIX + pub.toString('base64') };
}

/** One `v1a,<base64>` per key (receivers accept any one that verifies). */
export function asymmetricSignatures(msgId: string, timestampSeconds: number, payload: string, secretKeys: readonly string[]): string[] {
  const content = Buffer.from(`${msgId}.${timestampSeconds}.${payload}`, 'utf8');
  return secretKeys.map((k) => `v1a,${sign(null, content, signingKeyObject(k)).toString('base64')}`);
}
