import { minorToDecimal } from '../../domain/money.js';

/** `1999, "EUR"` -> `19.99 EUR`, `500, "JPY"` -> `500 JPY`: the currency's own decimals, code after. */
export function formatAmount(minor: number, currency: string): string {
  return `${minorToDecimal(minor, currency)} ${currency}`;
}

/** Only the last 4 ever appear in a message, even if a caller passed more by mistake. */
export function maskedLast4(last4: string): string {
  const tail = last4.replace(/[^0-9A-Za-z]/g, '').slice(-4);
  return tail ? `•••• ${tail}` : '';
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Merchant names come from configuration, but still never reach HTML unescaped. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}
