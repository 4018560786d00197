import { maskIban, maskSensitive } from './mask.js';
import type { ReconcileResult } from './types.js';

/**
 * The result as a JSON document for people and other systems: every string masked (IBANs, card
 * numbers), the statement account masked even when it is not an IBAN we can check. The caller
 * keeps the unmasked result for storage, so break keys stay exact there.
 */
export function reportToJson(result: ReconcileResult): string {
  const masked: ReconcileResult = {
    ...result,
    statement: { ...result.statement, account: maskIban(result.statement.account) },
    statements: result.statements.map((s) => ({ ...s, account: maskIban(s.account) })),
  };
  return JSON.stringify(masked, (_key, value: unknown) => (typeof value === 'string' ? maskSensitive(value) : value), 2);
}
