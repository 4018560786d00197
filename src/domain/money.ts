/**
 * Money is an integer count of the currency's minor units. Decimal strings exist only at the
 * edges (XML, human display); this module is the one place that converts, using ISO 4217 exponents.
 * Single amounts fit in a safe integer; sums that may exceed 2^53 are bigint.
 */

const ZERO = ['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'];
const THREE = ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'];
const FOUR = ['CLF', 'UYW'];
const TWO = [
  'AED', 'AFN', 'ALL', 'AMD', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT', 'BGN', 'BMD', 'BND', 'BOB',
  'BOV', 'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHE', 'CHF', 'CHW', 'CNY', 'COP', 'COU', 'CRC',
  'CUP', 'CVE', 'CZK', 'DKK', 'DOP', 'DZD', 'EGP', 'ERN', 'ETB', 'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP',
  'GMD', 'GTQ', 'GYD', 'HKD', 'HNL', 'HTG', 'HUF', 'IDR', 'ILS', 'INR', 'IRR', 'JMD', 'KES', 'KGS', 'KHR', 'KPW',
  'KYD', 'KZT', 'LAK', 'LBP', 'LKR', 'LRD', 'LSL', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR',
  'MVR', 'MWK', 'MXN', 'MXV', 'MYR', 'MZN', 'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'PAB', 'PEN', 'PGK', 'PHP',
  'PKR', 'PLN', 'QAR', 'RON', 'RSD', 'RUB', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP', 'SLE', 'SOS', 'SRD',
  'SSP', 'STN', 'SVC', 'SYP', 'SZL', 'THB', 'TJS', 'TMT', 'TOP', 'TRY', 'TTD', 'TWD', 'TZS', 'UAH', 'USD', 'USN',
  'UYU', 'UZS', 'VED', 'VES', 'WST', 'XCD', 'XCG', 'YER', 'ZAR', 'ZMW', 'ZWG',
];

const EXPONENTS: ReadonlyMap<string, number> = new Map([
  ...ZERO.map((c) => [c, 0] as const),
  ...TWO.map((c) => [c, 2] as const),
  ...THREE.map((c) => [c, 3] as const),
  ...FOUR.map((c) => [c, 4] as const),
]);

export class MoneyError extends Error {
  override readonly name = 'MoneyError';
  constructor(
    readonly code: 'unknown_currency' | 'invalid_amount' | 'too_many_decimals' | 'out_of_range',
    message: string,
  ) {
    super(message);
  }
}

export function isCurrency(code: string): boolean {
  return EXPONENTS.has(code);
}

export function currencyExponent(currency: string): number {
  const e = EXPONENTS.get(currency);
  if (e === undefined) throw new MoneyError('unknown_currency', `unknown ISO 4217 currency "${currency}"`);
  return e;
}

export const currencies = (): string[] => [...EXPONENTS.keys()].sort();

/** A valid single amount: a non-negative safe integer of minor units. */
export function isMinorAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

const DECIMAL_RE = /^(-)?(\d+)(?:\.(\d+))?$/;

/** "1.15" EUR -> 115n. Refuses more decimals than the currency has, exponents, spaces and signs other than "-". */
export function decimalToMinor(decimal: string, currency: string): bigint {
  const exp = currencyExponent(currency);
  const m = DECIMAL_RE.exec(decimal);
  if (!m) throw new MoneyError('invalid_amount', `"${decimal}" is not a decimal amount`);
  const [, sign, whole = '0', frac = ''] = m;
  const trimmed = frac.replace(/0+$/, '');
  if (trimmed.length > exp) {
    throw new MoneyError('too_many_decimals', `${currency} allows ${exp} decimals, got ${frac.length}`);
  }
  const minor = BigInt(whole + trimmed.padEnd(exp, '0'));
  return sign ? -minor : minor;
}

/** 115n or 115 EUR -> "1.15"; always exactly the currency's exponent of decimals. */
export function minorToDecimal(minor: bigint | number, currency: string): string {
  const exp = currencyExponent(currency);
  if (typeof minor === 'number' && !Number.isSafeInteger(minor)) {
    throw new MoneyError('invalid_amount', 'amount must be an integer of minor units');
  }
  const v = BigInt(minor);
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(exp + 1, '0');
  const whole = digits.slice(0, digits.length - exp);
  const frac = exp > 0 ? '.' + digits.slice(digits.length - exp) : '';
  return (neg ? '-' : '') + whole + frac;
}

/** Narrows a bigint known to be a single amount back to a number, refusing anything unsafe. */
export function toSafeAmount(v: bigint): number {
  if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MoneyError('out_of_range', 'amount is outside the safe integer range');
  }
  return Number(v);
}

/** Sums minor amounts without ever losing precision. */
export function sumMinor(values: Iterable<number | bigint>): bigint {
  let total = 0n;
  for (const v of values) total += BigInt(v);
  return total;
}
