import { Secret } from './secret.js';

/** Validation of payment-method data. Errors name the field and never repeat the value. */
export class FieldError extends Error {
  override readonly name = 'FieldError';
  constructor(
    readonly param: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function checkCardNumber(number: Secret<string>, param: string): void {
  const n = number.reveal();
  if (!/^\d{12,19}$/.test(n)) throw new FieldError(param, 'invalid_card_number', 'card number must be 12 to 19 digits');
  if (!luhnValid(n)) throw new FieldError(param, 'invalid_card_number', 'card number fails the Luhn check');
}

export function checkExpiry(month: number, year: number, now: number, param: string): void {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  if (year < y || (year === y && month < m)) throw new FieldError(param, 'card_expired', 'the card has expired');
  if (year > y + 50) throw new FieldError(param, 'invalid_expiry', 'expiry year is too far in the future');
}

/** ISO 13616 check: upper-case country code, two check digits, mod-97 == 1. */
export function ibanValid(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const v = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of v) rem = (rem * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return rem === 1;
}

export function normaliseIban(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

export function checkIban(iban: Secret<string>, param: string): void {
  if (!ibanValid(iban.reveal())) throw new FieldError(param, 'invalid_iban', 'IBAN is malformed or fails its check digits');
}

export const last4 = (s: Secret<string>): string => s.reveal().slice(-4);

/** `DE89370400440532013000` -> `DE89**************3000`: country and check digits, last four. */
export function maskIban(iban: string): string {
  const compact = iban.replace(/ /g, '');
  if (compact.length <= 8) return '*'.repeat(compact.length);
  return compact.slice(0, 4) + '*'.repeat(compact.length - 8) + compact.slice(-4);
}
