import { setTimeout as sleep } from 'node:timers/promises';
import { EngineError } from '../engine/errors.js';
import type { Merchant } from '../engine/merchants.js';
import type { ClearMethod } from '../engine/payments.js';
import type { Logger } from '../log.js';
import { decryptAuthEnveloped } from '../trust/auth-enveloped-data.js';
import type { EncryptionKeys } from '../trust/encryption-keys.js';
import { cmsContentType } from '../trust/enveloped-data.js';
import { decryptJwe, looksLikeJwe } from '../trust/jwe.js';
import { openLegacyCbc } from '../trust/legacy-cbc.js';
import { OID } from '../trust/oids.js';
import { clearMethodPasses, parseClearMethod } from './clear-method.js';
import { EncryptedFailureLimiter } from './encrypted-failures.js';

const PARAM = 'payment_method.encrypted';

/**
 * THE answer for an envelope that cannot be opened, whatever the format and whatever went wrong
 * (syntax, structure, key, tag, and on the legacy CBC path also padding, JSON, schema and check
 * digits): same status, code, text and headers, so the answer carries no bit about the plaintext.
 */
const undecryptable = (): EngineError =>
  new EngineError(
    422,
    'encrypted_payload_undecryptable',
    `${PARAM}: cannot be opened with Railyard's encryption keys, or (legacy AES-CBC envelopes) does not hold a valid payment method. ` +
      'Send a JWE (alg RSA-OAEP-256 or ECDH-ES+A256KW, enc A256GCM) or a base64 DER CMS AuthEnvelopedData (AES-GCM) to a key of GET /v1/encryption-keys',
    PARAM,
  );

export interface EncryptedMethodOptions {
  keys: EncryptionKeys;
  /** Merchants allowed to send AES-CBC EnvelopedData (legacy; nobody by default). */
  legacyCbcMerchants?: ReadonlySet<string>;
  /** Undecryptable envelopes per merchant before its encrypted submissions get 429. */
  failureLimit?: { max: number; windowMs: number };
  /** Undecryptable envelopes are answered no sooner than this after the request reached the decrypter. */
  failureFloorMs?: number;
  log?: Logger;
  now?: () => number;
}

export const DEFAULT_FAILURE_LIMIT = { max: 20, windowMs: 10 * 60_000 } as const;
export const DEFAULT_FAILURE_FLOOR_MS = 30;

export type MethodDecrypter = (payload: string, merchant: Merchant) => Promise<ClearMethod>;

/**
 * The engine's `decryptMethod`: opens `payment_method.encrypted` in memory and validates the
 * JSON inside with the schema of clear methods. Formats:
 * - JWE compact (A256GCM) and CMS AuthEnvelopedData (AES-GCM): the tag is checked before any
 *   plaintext exists, so a tampered envelope is refused whole and content errors can be named
 *   (only the holder of the content-encryption key could have made that content).
 * - CMS EnvelopedData with AES-CBC, only for merchants configured for it: unauthenticated, so
 *   every failure from the key unwrap to the Luhn check is the one answer.
 * Every undecryptable answer is the same and leaves after the same time floor.
 * Undecryptable envelopes are counted per merchant; past the limit the merchant gets 429 and a
 * security event is logged (merchant, counts, format; never the envelope).
 */
export function encryptedMethodDecrypter(o: EncryptedMethodOptions): MethodDecrypter {
  const now = o.now ?? Date.now;
  const limit = o.failureLimit ?? DEFAULT_FAILURE_LIMIT;
  const limiter = new EncryptedFailureLimiter(limit.max, limit.windowMs, now);
  const floorMs = o.failureFloorMs ?? DEFAULT_FAILURE_FLOOR_MS;
  const legacy = o.legacyCbcMerchants ?? new Set<string>();

  /**
   * Counts, logs and waits out the time floor: every undecryptable answer leaves no sooner than
   * `floorMs` after the request reached the decrypter, whichever step failed and how fast.
   */
  const failed = async (merchant: Merchant, format: string, reason: string, started: number): Promise<EngineError> => {
    // counted before the wait, so parallel probes see each other at once
    const tripped = limiter.record(merchant.id);
    const rest = started + floorMs - now();
    if (rest > 0) await sleep(rest);
    o.log?.info({ merchant_id: merchant.id, format, reason }, 'encrypted payment method could not be opened');
    if (tripped) {
      o.log?.warn(
        { security_event: 'encrypted_payload_failures', merchant_id: merchant.id, failures: limit.max, window_ms: limit.windowMs },
        'too many undecryptable encrypted payment methods from one merchant: its encrypted submissions are refused for the window',
      );
    }
    return undecryptable();
  };

  return async (payload, merchant) => {
    const started = now();
    const wait = limiter.blockedFor(merchant.id);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new EngineError(429, 'encrypted_payload_rate_limited', `${PARAM}: too many envelopes that could not be opened; retry in ${seconds} s`, PARAM, { retry_after: seconds });
    }
    limiter.enter(merchant.id);
    try {
      return await open(payload, merchant, started);
    } finally {
      limiter.leave(merchant.id);
    }
  };

  async function open(payload: string, merchant: Merchant, started: number): Promise<ClearMethod> {
    const text = payload.trim();
    let format: 'jwe' | 'cms-gcm' | 'cms-cbc';
    let der: Buffer | undefined;
    if (looksLikeJwe(text)) format = 'jwe';
    else {
      // base64 as `base64` prints it by default (wrapped lines) is fine too
      const b64 = text.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) throw await failed(merchant, 'unknown', 'neither JWE compact nor base64', started);
      der = Buffer.from(b64, 'base64');
      const type = cmsContentType(der);
      if (type === OID.authEnvelopedData) format = 'cms-gcm';
      else if (type === OID.envelopedData) format = 'cms-cbc';
      else throw await failed(merchant, 'unknown', 'not a CMS envelope', started);
    }

    if (format === 'cms-cbc') {
      // refused on the envelope's outer type alone, before any key is used
      if (!legacy.has(merchant.id)) {
        throw new EngineError(
          422,
          'encrypted_format_not_accepted',
          `${PARAM}: AES-CBC EnvelopedData is not accepted (it is not authenticated); send a JWE (enc A256GCM) or a CMS AuthEnvelopedData (AES-GCM), e.g. openssl cms -encrypt -aes-256-gcm`,
          PARAM,
        );
      }
      return openLegacy(der!, merchant, started);
    }

    let clear: Uint8Array;
    try {
      clear = format === 'jwe' ? await decryptJwe(text, o.keys) : await decryptAuthEnveloped(der!, o.keys.credentials);
    } catch (err) {
      // any error at all, ours or a library's: one answer (the reason goes to the log only)
      const reason = err instanceof Error ? err.name + ('code' in err && typeof err.code === 'string' ? `:${err.code}` : '') : 'error';
      throw await failed(merchant, format, reason, started);
    }
    const parsed = parseClearMethod(clear);
    if (!parsed.ok) throw new EngineError(400, 'parameter_invalid', `${PARAM}: the decrypted payment method is invalid at ${parsed.where}: ${parsed.message}`, PARAM);
    return parsed.method;
  }

  async function openLegacy(der: Buffer, merchant: Merchant, started: number): Promise<ClearMethod> {
    // every step runs whatever the previous one said; the verdict is read only at the end
    const opening = openLegacyCbc(der, o.keys.credentials);
    const parsed = parseClearMethod(opening.plaintext);
    const passes = parsed.ok && clearMethodPasses(parsed.method, now());
    if (opening.ok && parsed.ok && passes) return parsed.method;
    throw await failed(merchant, 'cms-cbc', 'legacy', started);
  }
}
