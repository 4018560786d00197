import { EngineError } from '../engine/errors.js';
import type { ClearMethod } from '../engine/payments.js';
import { decryptEnvelope } from '../trust/envelope.js';
import { TrustError } from '../trust/errors.js';
import type { Credential } from '../trust/keys.js';
import { ClearPaymentMethodInput } from './schemas.js';

const PARAM = 'payment_method.encrypted';

/**
 * The engine's `decryptMethod`: opens `payment_method.encrypted` (base64 DER CMS EnvelopedData)
 * in memory with Railyard's encryption key and validates the JSON inside with the schema of clear
 * methods. The clear bytes are wiped once parsed; errors name the field, never its content.
 */
export function encryptedMethodDecrypter(key: Credential): (payload: string) => Promise<ClearMethod> {
  return async (payload) => {
    const b64 = payload.trim();
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) {
      throw new EngineError(400, 'parameter_invalid', `${PARAM}: must be base64 of a DER CMS EnvelopedData`, PARAM);
    }
    let clear: Uint8Array;
    try {
      clear = await decryptEnvelope(Buffer.from(b64, 'base64'), key);
    } catch (err) {
      if (!(err instanceof TrustError)) throw err;
      if (err.code === 'malformed') throw new EngineError(400, 'parameter_invalid', `${PARAM}: must be base64 of a DER CMS EnvelopedData`, PARAM);
      // one answer for every failure to open: which step failed is no business of the sender
      throw new EngineError(422, 'encrypted_payload_undecryptable', `${PARAM}: cannot be decrypted with Railyard's encryption certificate (GET /v1/encryption-certificate); use RSA-OAEP or ECDH with AES-CBC`, PARAM);
    }
    let data: unknown;
    try {
      data = JSON.parse(Buffer.from(clear.buffer, clear.byteOffset, clear.byteLength).toString('utf8'));
    } catch {
      throw new EngineError(400, 'parameter_invalid', `${PARAM}: the decrypted content is not JSON`, PARAM);
    } finally {
      clear.fill(0);
    }
    const parsed = ClearPaymentMethodInput.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.map(String).join('.') || 'type';
      throw new EngineError(400, 'parameter_invalid', `${PARAM}: the decrypted payment method is invalid at ${where}: ${issue?.message ?? 'invalid'}`, PARAM);
    }
    return parsed.data;
  };
}
