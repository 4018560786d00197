import { createDecipheriv, randomBytes } from 'node:crypto';
import { contentKeyFor } from './envelope.js';
import { parseEnvelopedDataDer, type ParsedEnvelope } from './enveloped-data.js';
import type { Credential } from './keys.js';
import { OID } from './oids.js';

const CBC: Record<string, { cipher: string; keyBytes: number }> = {
  [OID.aes128Cbc]: { cipher: 'aes-128-cbc', keyBytes: 16 },
  [OID.aes192Cbc]: { cipher: 'aes-192-cbc', keyBytes: 24 },
  [OID.aes256Cbc]: { cipher: 'aes-256-cbc', keyBytes: 32 },
};

export interface LegacyOpening {
  /** Whatever the decryption gave (possibly garbage); the caller checks it all the same. */
  plaintext: Buffer;
  /** False when any step failed: no key, unwrap, block alignment, padding. */
  ok: boolean;
}

/**
 * Opens a CBC EnvelopedData for the legacy path without ever saying which step failed: there is
 * no early return between the key unwrap and the padding check, a failed unwrap goes on with a
 * random key, the padding is checked without branches on its bytes, and the bytes go on to the
 * caller's content checks either way. The caller answers every `ok: false` exactly like a bad
 * content (src/api/encrypted-method.ts), after the same minimum time.
 */
export function openLegacyCbc(envelope: Uint8Array, keys: readonly Credential[]): LegacyOpening {
  let parsed: ParsedEnvelope;
  try {
    parsed = parseEnvelopedDataDer(envelope);
  } catch {
    // no pkijs fallback here: what our reader refuses is refused (one answer either way)
    return { plaintext: Buffer.alloc(0), ok: false };
  }
  let ok = true;
  const alg = CBC[parsed.contentAlgorithm.oid];
  const iv = parsed.contentAlgorithm.params?.tag === 0x04 && parsed.contentAlgorithm.params.value.length === 16 ? parsed.contentAlgorithm.params.value : Buffer.alloc(16);
  if (!alg || iv !== parsed.contentAlgorithm.params?.value) ok = false;
  const keyBytes = alg?.keyBytes ?? 32;
  let cek: Buffer | null = null;
  for (const key of keys) {
    let unwrap: (() => Buffer) | null = null;
    try {
      unwrap = contentKeyFor(parsed.recipients, key);
      if (unwrap) cek = unwrap();
    } catch {
      ok = false;
    }
    if (unwrap) break;
  }
  if (!cek || cek.length !== keyBytes) {
    ok = false;
    cek = randomBytes(keyBytes);
  }
  let content = parsed.encryptedContent;
  if (content.length === 0 || content.length % 16 !== 0) {
    ok = false;
    content = Buffer.concat([content, Buffer.alloc(16 - (content.length % 16))]);
  }
  const d = createDecipheriv(alg?.cipher ?? 'aes-256-cbc', cek, iv);
  d.setAutoPadding(false);
  const raw = Buffer.concat([d.update(content), d.final()]);
  cek.fill(0);
  const { length, valid } = pkcs7(raw);
  const plaintext = Buffer.from(raw.subarray(0, length));
  raw.fill(0);
  return { plaintext, ok: ok && valid };
}

/**
 * PKCS#7 padding check over the last block, the same operations whatever the bytes: every one of
 * the 16 bytes is compared, the verdict is accumulated with bit operations.
 */
function pkcs7(block: Buffer): { length: number; valid: boolean } {
  const n = block[block.length - 1]!;
  let bad = ((n - 1) >>> 8) | ((16 - n) >>> 8); // non-zero when n == 0 or n > 16
  for (let i = 1; i <= 16; i++) {
    const inPad = ((i - n - 1) >>> 8) & 1; // 1 when i <= n
    bad |= inPad * (block[block.length - i]! ^ n);
  }
  const valid = bad === 0;
  return { length: valid ? block.length - n : block.length, valid };
}
