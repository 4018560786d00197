import { createHmac, randomBytes } from 'node:crypto';

/*
 * Standard Webhooks signing (https://www.standardwebhooks.com): HMAC-SHA256 over
 * `${id}.${timestamp}.${body}` keyed with the base64 bytes after the `whsec_` prefix, sent as
 * `v1,<base64>`; several space-separated signatures while a secret is being rotated.
 */

export const SECRET_PREFIX = 'whsec_';

export class WebhookSecretError extends Error {
  override readonly name = 'WebhookSecretError';
}

/** The key bytes of a `whsec_…` secret; rejects anything else so a typo cannot sign with garbage. */
export function secretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new WebhookSecretError('webhook secret must start with whsec_');
  const b64 = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new WebhookSecretError('webhook secret must be whsec_ followed by base64');
  const key = Buffer.from(b64, 'base64');
  // The spec asks for 24 to 64 bytes; fewer would make a guessable key.
  if (key.length < 24 || key.length > 64) throw new WebhookSecretError('webhook secret must hold 24 to 64 bytes');
  return key;
}

/** A fresh secret: 32 random bytes. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** One `v1,<base64>` per secret, space separated (receivers accept any one that verifies). */
export function signatureHeader(msgId: string, timestampSeconds: number, body: string, secrets: readonly string[]): string {
  const content = `${msgId}.${timestampSeconds}.${body}`;
  return secrets.map((s) => `v1,${createHmac('sha256', secretKey(s)).update(content, 'utf8').digest('base64')}`).join(' ');
}
