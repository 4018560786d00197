import { describe, expect, it } from 'vitest';
import { currencyExponent, decimalToMinor, isMinorAmount, minorToDecimal, MoneyError, sumMinor, toSafeAmount } from '../../src/domain/money.js';

describe('money in minor units', () => {
  it('knows ISO 4217 exponents', () => {
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('CLF')).toBe(4);
    expect(() => currencyExponent('XYZ')).toThrow(MoneyError);
  });

  it('converts decimal strings exactly, never through floats', () => {
    expect(decimalToMinor('1.15', 'GBP')).toBe(115n); // a float conversion gives 114.99999999999999
    expect(decimalToMinor('0.10', 'EUR')).toBe(10n);
    expect(decimalToMinor('1.2', 'EUR')).toBe(120n);
    expect(decimalToMinor('500', 'JPY')).toBe(500n);
    expect(decimalToMinor('1.000', 'KWD')).toBe(1000n);
    expect(decimalToMinor('92233720368547758.07', 'EUR')).toBe(9223372036854775807n);
    expect(decimalToMinor('-3.50', 'EUR')).toBe(-350n);
    expect(decimalToMinor('2.500', 'EUR')).toBe(250n); // trailing zeros are not extra precision
  });

  it('refuses more decimals than the currency has, and anything not a plain decimal', () => {
    expect(() => decimalToMinor('0.291', 'EUR')).toThrow(/EUR allows 2 decimals/);
    expect(() => decimalToMinor('1.5', 'JPY')).toThrow(/too_many|allows 0/);
    for (const bad of ['1e5', ' 1.00', '1,00', '+1', '', '.5', '1.']) {
      expect(() => decimalToMinor(bad, 'EUR'), bad).toThrow(MoneyError);
    }
  });

  it('formats minor units with exactly the exponent of decimals', () => {
    expect(minorToDecimal(115, 'GBP')).toBe('1.15');
    expect(minorToDecimal(5, 'EUR')).toBe('0.05');
    expect(minorToDecimal(500, 'JPY')).toBe('500');
    expect(minorToDecimal(1n, 'BHD')).toBe('0.001');
    expect(minorToDecimal(-250n, 'EUR')).toBe('-2.50');
    expect(minorToDecimal(9223372036854775807n, 'EUR')).toBe('92233720368547758.07');
    expect(() => minorToDecimal(1.5, 'EUR')).toThrow(MoneyError);
  });

  it('round-trips every amount of a sample', () => {
    for (const cur of ['EUR', 'JPY', 'KWD', 'CLF']) {
      for (let v = 0n; v < 20_000n; v += 7n) expect(decimalToMinor(minorToDecimal(v, cur), cur)).toBe(v);
    }
  });

  it('sums beyond 2^53 in bigint and narrows only safe values', () => {
    const big = Number.MAX_SAFE_INTEGER;
    expect(sumMinor([big, big, 2])).toBe(2n * BigInt(big) + 2n);
    expect(toSafeAmount(42n)).toBe(42);
    expect(() => toSafeAmount(BigInt(big) + 1n)).toThrow(/safe integer/);
    expect(isMinorAmount(1999)).toBe(true);
    expect(isMinorAmount(19.99)).toBe(false);
    expect(isMinorAmount(-1)).toBe(false);
    expect(isMinorAmount(big + 1)).toBe(false);
  });
});
