import { maskSensitive } from './mask.js';
import type { ReconciliationBreak } from './types.js';

const COLUMNS = [
  'key',
  'type',
  'paymentId',
  'endToEndId',
  'entryReference',
  'accountServicerReference',
  'expectedAmount',
  'expectedCurrency',
  'actualAmount',
  'actualCurrency',
  'detail',
] as const;

/**
 * Spreadsheets run a cell starting with = + - @ (or a tab/CR) as a formula; such text gets a
 * leading apostrophe. Amounts are written as numbers and never altered.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function field(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let text = maskSensitive(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One header row and one row per break, CRLF line ends, IBANs and card numbers masked. */
export function reportToCsv(breaks: readonly ReconciliationBreak[]): string {
  const lines = [COLUMNS.join(',')];
  for (const b of breaks) {
    const row: (string | number | undefined)[] = [
      b.key,
      b.type,
      b.paymentId,
      b.endToEndId,
      b.entryReference,
      b.accountServicerReference,
      b.expected?.amount,
      b.expected?.currency,
      b.actual?.amount,
      b.actual?.currency,
      b.detail,
    ];
    lines.push(row.map(field).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
