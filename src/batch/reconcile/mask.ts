/**
 * Reports leave Railyard (files, tickets, e-mail), so nothing in them may carry a full IBAN or
 * card number, whatever field a payer or bank typed it into. Only values that pass their
 * checksums are masked, so ordinary references survive; a reference that happens to be a valid
 * card number is masked too, which is the price of the rule.
 */

import { ibanValid, luhnValid, maskIban } from '../../domain/payment-method.js';

export { maskIban };

const COMPACT_IBAN = /\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b/g;
const PRINTED_IBAN = /\b[A-Z]{2}\d{2}(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?\b/g;
const PAN_LIKE = /\b\d(?:[ -]?\d){12,18}\b/g;

const maskPan = (digits: string): string => '*'.repeat(digits.length - 4) + digits.slice(-4);

/** Every valid IBAN and Luhn-valid card-number-length digit run in `text`, masked. */
export function maskSensitive(text: string): string {
  let out = text.replace(PRINTED_IBAN, (m) => (ibanValid(m.replace(/ /g, '')) ? maskIban(m) : m));
  out = out.replace(COMPACT_IBAN, (m) => (ibanValid(m) ? maskIban(m) : m));
  return out.replace(PAN_LIKE, (m) => {
    const digits = m.replace(/[ -]/g, '');
    return luhnValid(digits) ? maskPan(digits) : m;
  });
}
