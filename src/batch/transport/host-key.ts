import { createHash } from 'node:crypto';

/** The fingerprint OpenSSH shows for a raw public key blob: `SHA256:` + unpadded base64. */
export const sha256Fingerprint = (key: Buffer): string => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;

/**
 * ssh2 calls this during key exchange, before any authentication is sent; answering false ends the
 * handshake there, so a server with the wrong key never sees our user name or signature.
 */
export function pinnedHostVerifier(pins: readonly string[], onMismatch: (seen: string) => void): (key: Buffer) => boolean {
  return (key) => {
    const seen = sha256Fingerprint(key);
    if (pins.includes(seen)) return true;
    onMismatch(seen);
    return false;
  };
}
