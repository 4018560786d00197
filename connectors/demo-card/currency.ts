/** ISO 4217 numeric codes (DE49) for the currencies the demo network clears. */
export const CURRENCY_NUMERIC: Readonly<Record<string, string>> = Object.freeze({
  EUR: '978',
  USD: '840',
  GBP: '826',
  CHF: '756',
  SEK: '752',
  DKK: '208',
  NOK: '578',
  PLN: '985',
  CZK: '203',
  JPY: '392',
});

export const CURRENCY_ALPHA: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(Object.entries(CURRENCY_NUMERIC).map(([a, n]) => [n, a])),
);
