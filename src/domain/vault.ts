import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Secret } from './secret.js';

/**
 * Keeps card numbers and IBANs at rest only as AES-256-GCM ciphertext under a data key, plus a
 * keyed fingerprint. Several data keys may be configured: the active one seals, any of them opens,
 * so keys rotate without re-encrypting everything at once. The key id travels in the sealed value.
 */
export interface DataKey {
  id: string;
  key: Buffer;
}

export interface VaultKeys {
  dataKeys: DataKey[];
  activeKeyId: string;
  /** HMAC key for fingerprints and one-time-code hashes (separate uses get separate labels). */
  macKey: Buffer;
}

export class VaultError extends Error {
  override readonly name = 'VaultError';
}

const VERSION = 'v1';

export class Vault {
  private readonly keys: Map<string, Buffer>;
  private readonly active: DataKey;

  constructor(private readonly cfg: VaultKeys) {
    this.keys = new Map(cfg.dataKeys.map((k) => [k.id, k.key]));
    for (const k of cfg.dataKeys) {
      if (k.key.length !== 32) throw new VaultError(`data key "${k.id}" must be 32 bytes`);
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(k.id)) throw new VaultError(`data key id "${k.id}" must be 1-32 letters, digits, _ or -`);
    }
    const active = cfg.dataKeys.find((k) => k.id === cfg.activeKeyId);
    if (!active) throw new VaultError(`active data key "${cfg.activeKeyId}" is not among the configured keys`);
    if (cfg.macKey.length < 32) throw new VaultError('the MAC key must be at least 32 bytes');
    this.active = active;
  }

  /** `aad` binds the ciphertext to its owner (the payment id), so it cannot be moved to another row. */
  seal(value: Secret<string>, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.active.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(value.reveal(), 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.active.id, iv.toString('base64url'), ct.toString('base64url'), tag.toString('base64url')].join('.');
  }

  open(sealed: string, aad: string): Secret<string> {
    const parts = sealed.split('.');
    const [version, keyId, iv, ct, tag] = parts;
    if (parts.length !== 5 || version !== VERSION || !keyId || !iv || !ct || !tag) throw new VaultError('sealed value is malformed');
    const key = this.keys.get(keyId);
    if (!key) throw new VaultError(`data key "${keyId}" is not configured`);
    try {
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      d.setAAD(Buffer.from(aad, 'utf8'));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return new Secret(Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8'));
    } catch {
      throw new VaultError('sealed value failed authentication');
    }
  }

  /**
   * Keyed fingerprint, per merchant: equal inputs give equal fingerprints for one merchant without
   * revealing the input. Each merchant's fingerprints are made under its own key (derived from the
   * MAC key and the merchant id), so two merchants cannot link the same card or account by comparing them.
   */
  fingerprint(value: Secret<string>, merchantId: string): string {
    const key = createHmac('sha256', this.cfg.macKey).update('fingerprint-key\0').update(merchantId).digest();
    return createHmac('sha256', key).update(value.reveal()).digest('hex').slice(0, 32);
  }

  /** HMAC-SHA256 under a purpose label, hex. */
  mac(purpose: string, data: string): string {
    return createHmac('sha256', this.cfg.macKey).update(purpose).update('\0').update(data).digest('hex');
  }

  macEquals(purpose: string, data: string, expectedHex: string): boolean {
    const a = Buffer.from(this.mac(purpose, data), 'hex');
    const b = Buffer.from(expectedHex, 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  static generateKeys(): VaultKeys {
    return { dataKeys: [{ id: 'k1', key: randomBytes(32) }], activeKeyId: 'k1', macKey: randomBytes(32) };
  }
}
