/**
 * Languages and formats for the pages: English and German, chosen by an explicit choice (a query
 * parameter or the session's setting) or the browser's Accept-Language. Money is always integer
 * minor units in Railyard; it becomes a decimal only here, for display, with the currency's own
 * number of digits.
 */
export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

export const isLocale = (value: unknown): value is Locale => typeof value === 'string' && (LOCALES as readonly string[]).includes(value);

/** Picks a supported locale: the explicit one if supported, else the first match of Accept-Language, else English. */
export function negotiateLocale(acceptLanguage: string | undefined, explicit?: string): Locale {
  if (isLocale(explicit)) return explicit;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^q=([0-9.]+)$/.exec(p.trim())?.[1]).find((v) => v !== undefined);
      return { lang: tag.toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q) };
    })
    .filter((e) => e.lang && Number.isFinite(e.q) && e.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { lang } of ranked) if (isLocale(lang)) return lang;
  return 'en';
}

const BCP47: Record<Locale, string> = { en: 'en-GB', de: 'de-DE' };

/** Digits after the decimal point for a currency (ISO 4217), as Intl knows them. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** 1050 EUR -> "€10.50" (en) / "10,50 €" (de). Exact for any safe integer: no float division. */
export function formatMoney(minor: number, currency: string, locale: Locale): string {
  const digits = currencyDigits(currency);
  const negative = minor < 0;
  const abs = Math.abs(minor).toString().padStart(digits + 1, '0');
  const decimal = digits === 0 ? abs : `${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
  try {
    // Intl takes a decimal string exactly (no binary rounding) in Node >= 20.
    const fmt = new Intl.NumberFormat(BCP47[locale], { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    return fmt.format(`${negative ? '-' : ''}${decimal}` as unknown as number);
  } catch {
    return `${negative ? '-' : ''}${decimal} ${currency}`;
  }
}

export function formatDateTime(value: Date | string | number, locale: Locale, timeZone = 'UTC'): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(BCP47[locale], { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
}

/**
 * A catalogue of page texts in both languages. Typed so that a key missing in German is a compile
 * error, not a blank on the page.
 */
export type Catalogue<K extends string> = Record<Locale, Record<K, string>>;

export type Translate<K extends string> = (key: K, values?: Record<string, string | number>) => string;

export function translator<K extends string>(catalogue: Catalogue<K>, locale: Locale): Translate<K> {
  const texts = catalogue[locale];
  return (key, values) => texts[key].replace(/\{(\w+)\}/g, (whole, name: string) => (values && name in values ? String(values[name]) : whole));
}
