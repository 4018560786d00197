import type { ClearMethod } from '../engine/payments.js';
import { checkCardNumber, checkExpiry, checkIban, FieldError, normaliseIban } from '../domain/payment-method.js';
import { Secret } from '../domain/secret.js';
import { ClearPaymentMethodInput } from './schemas.js';

export type ClearMethodResult = { ok: true; method: ClearMethod } | { ok: false; where: string; message: string };

/**
 * The one place decrypted bytes become a payment method: JSON, then the schema of clear methods.
 * The bytes are wiped once read. Kept in a module of its own so tests can watch that a tampered
 * envelope never gets here (test/trust/encrypted-attack.test.ts).
 */
export function parseClearMethod(clear: Uint8Array): ClearMethodResult {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(clear.buffer, clear.byteOffset, clear.byteLength).toString('utf8'));
  } catch {
    return { ok: false, where: '(content)', message: 'the decrypted content is not JSON' };
  } finally {
    clear.fill(0);
  }
  const parsed = ClearPaymentMethodInput.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, where: issue?.path.map(String).join('.') || 'type', message: issue?.message ?? 'invalid' };
  }
  return { ok: true, method: parsed.data };
}

/**
 * The checks the engine runs later when it seals the method (Luhn, expiry, IBAN check digits), run
 * early for the legacy CBC path, whose failures must all look alike. True when all pass.
 */
export function clearMethodPasses(m: ClearMethod, now: number): boolean {
  try {
    if (m.type === 'card') {
      checkCardNumber(new Secret(m.card.number.replace(/[\s-]/g, '')), 'card');
      checkExpiry(m.card.exp_month, m.card.exp_year, now, 'card');
    } else {
      checkIban(new Secret(normaliseIban(m.bank_account.iban)), 'iban');
    }
    return true;
  } catch (err) {
    if (err instanceof FieldError) return false;
    throw err;
  }
}
