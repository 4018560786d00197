import { MoneyError, currencyExponent, minorToDecimal } from '../domain/money.js';
import { Iso20022BuildError } from './errors.js';
import { leaf, type XmlElement } from './xml/writer.js';

/**
 * Amounts at the ISO 20022 edge. Inside Railyard an amount is an integer of minor units with its
 * currency; the decimal string exists only in the XML. Conversion is delegated to domain/money.
 */
export interface Amount {
  /** Integer minor units (EUR 1.15 -> 115). */
  amount: number;
  currency: string;
}

export function amountText(a: Amount, path: string): string {
  try {
    if (!Number.isSafeInteger(a.amount) || a.amount < 0) {
      throw new MoneyError('invalid_amount', `amount must be a non-negative integer of minor units, got ${a.amount}`);
    }
    return minorToDecimal(a.amount, a.currency);
  } catch (e) {
    if (e instanceof MoneyError) throw new Iso20022BuildError('invalid_amount', e.message, path);
    throw e;
  }
}

/** `<Name Ccy="EUR">1.15</Name>`; absent amount -> absent element. */
export function amountEl(name: string, a: Amount | undefined, path: string): XmlElement | undefined {
  if (a === undefined) return undefined;
  return leaf(name, amountText(a, `${path}/${name}`), [['Ccy', a.currency]]);
}

/** A decimal as an exact scaled integer: "12.30" -> { units: 1230n, scale: 2 }. */
interface Scaled {
  units: bigint;
  scale: number;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

function scaled(decimal: string): Scaled | undefined {
  const m = DECIMAL.exec(decimal.trim());
  if (!m) return undefined;
  const frac = m[2] ?? '';
  return { units: BigInt((m[1] ?? '0') + frac), scale: frac.length };
}

const rescale = (s: Scaled, scale: number): bigint => s.units * 10n ** BigInt(scale - s.scale);

/**
 * CtrlSum is a plain decimal across possibly different currencies: the sum of the amounts as
 * written. Computed in bigint at the largest exponent involved, so it never rounds.
 */
export function controlSum(amounts: readonly Amount[]): string {
  let scale = 0;
  for (const a of amounts) scale = Math.max(scale, currencyExponent(a.currency));
  let total = 0n;
  for (const a of amounts) total += BigInt(a.amount) * 10n ** BigInt(scale - currencyExponent(a.currency));
  const digits = total.toString().padStart(scale + 1, '0');
  return scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
}

/** True when two decimals are the same number ("4199.75" equals "4199.750"); false if either is not a decimal. */
export function sameDecimal(a: string, b: string): boolean {
  const x = scaled(a);
  const y = scaled(b);
  if (!x || !y) return false;
  const s = Math.max(x.scale, y.scale);
  return rescale(x, s) === rescale(y, s);
}
