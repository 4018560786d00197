import { describe, expect, it } from 'vitest';
import { maskSensitive, reconcileStatement, reportToCsv, reportToJson, type ReconciliationBreak } from '../../../src/batch/reconcile/index.js';
import { BASE, camt053, events } from './camt053-builder.js';

/** A minimal RFC 4180 reader, to check the writer's quoting round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

const tricky: ReconciliationBreak = {
  type: 'MISSING_IN_OURS',
  key: 'S:N1@2026-11-27:MISSING_IN_OURS',
  endToEndId: 'A,B',
  entryReference: '=HYPERLINK("x")',
  actual: { amount: -5, currency: 'EUR' },
  detail: 'said "hello",\r\nthen left; IBAN DE89 3704 0044 0532 0130 00, card 4111 1111 1111 1111, ref 000000123',
};

describe('reports', () => {
  it('writes RFC 4180 CSV: header row, one row per break, quotes doubled, CRLF inside quotes kept', () => {
    const csv = reportToCsv([tricky]);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['key', 'type', 'paymentId', 'endToEndId', 'entryReference', 'accountServicerReference', 'expectedAmount', 'expectedCurrency', 'actualAmount', 'actualCurrency', 'detail']);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual([
      'S:N1@2026-11-27:MISSING_IN_OURS',
      'MISSING_IN_OURS',
      '',
      'A,B',
      `'=HYPERLINK("x")`,
      '',
      '',
      '',
      '-5',
      'EUR',
      'said "hello",\r\nthen left; IBAN DE89**************3000, card ************1111, ref 000000123',
    ]);
    expect(csv).toContain('"said ""hello"",\r\nthen left');
  });

  it('writes only the header for no breaks', () => {
    expect(reportToCsv([])).toBe('key,type,paymentId,endToEndId,entryReference,accountServicerReference,expectedAmount,expectedCurrency,actualAmount,actualCurrency,detail\r\n');
  });

  it('masks IBANs and Luhn-valid card numbers only, leaving ordinary references alone', () => {
    expect(maskSensitive('to DE89370400440532013000 ok')).toBe('to DE89**************3000 ok');
    expect(maskSensitive('GB29NWBK60161331926819')).toBe('GB29**************6819');
    expect(maskSensitive('5500-0000-0000-0004')).toBe('************0004');
    // invalid checksums: a reference, not an account or a card
    expect(maskSensitive('DE00370400440532013000 4111111111111112 000000123')).toBe('DE00370400440532013000 4111111111111112 000000123');
  });

  it('reports JSON with the account and any IBAN in the text masked', async () => {
    const xml = camt053({ entries: [{ ref: 'N1', amount: 5, txs: [{ amount: 5, unstructured: 'from FR1420041010050500013M02606' }] }] });
    const r = await reconcileStatement({ ...BASE, entries: events(xml), expected: [] });
    const json = reportToJson(r);
    expect(json).not.toContain('DE89370400440532013000');
    expect(json).not.toContain('FR1420041010050500013M02606');
    const back = JSON.parse(json) as typeof r;
    expect(back.statement.account).toBe('DE89**************3000');
    expect(back.breaks[0]?.detail).toBe('booked credit matches no payment; reference text: from FR14*******************2606');
    // the unmasked result is untouched for the caller to store
    expect(r.statement.account).toBe('DE89370400440532013000');
  });
});
