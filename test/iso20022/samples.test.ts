import { expect, it } from 'vitest';
import { build, parse, validate, type CamtDocument, type Pain002v10 } from '../../src/iso20022/index.js';
import { describeWithShared, readSharedSample, sharedSampleFiles, xsdGateOffWithoutSharedXsd } from '../support/shared-reference.js';

// The bank samples are reference data outside the project: every check here needs them.
const read = readSharedSample;
const camt = (file: string) => parse(read(`camt/${file}`)).model as CamtDocument;
const files = [...sharedSampleFiles('camt').map((f) => `camt/${f}`), ...sharedSampleFiles('pain').map((f) => `pain/${f}`)];
// The round trip builds a pain.002: checked by the gate where the official XSDs are present.
xsdGateOffWithoutSharedXsd();
/** Versions for which no official XSD is held (camt.052.001.01, camt.053.001.03). */
const NO_XSD = new Set(['camt/camt052.v1.xml', 'camt/camt053.v3.xml']);
const BROKEN = 'camt/camt053.v2.wrong.xml';

describeWithShared('xsd+samples', 'every sample parses', () => {
  it.each(files)('%s', (file) => {
    const xml = read(file);
    const r = parse(xml);
    expect(r.type).toMatch(/^(camt\.05[234]|pain\.002)\.001\.\d\d$/);
    expect(r.warnings).toEqual([]);
    if (file === BROKEN || NO_XSD.has(file)) return;
    expect(validate(xml)).toEqual({ messageType: r.type, valid: true, findings: [] });
  });

  it('camt053.v2.wrong.xml parses to zero statements and the XSD gate reports the missing Stmt with line and path', () => {
    const xml = read(BROKEN);
    const m = parse(xml).model as CamtDocument;
    expect(m.groupHeader.messageId).toBe('CAMT053RIB000000000001');
    expect(m.reports).toEqual([]);
    const v = validate(xml);
    expect(v.valid).toBe(false);
    expect(v.messageType).toBe('camt.053.001.02');
    expect(v.findings).toEqual([
      {
        severity: 'error',
        code: 'xsd',
        message: "Element 'BkToCstmrStmt': Missing child element(s). Expected is ( Stmt ).",
        path: 'Document/BkToCstmrStmt',
        line: 3,
      },
    ]);
  });

  it('versions without a held XSD are reported as such, not as valid', () => {
    const v = validate(read('camt/camt053.v3.xml'));
    expect(v.valid).toBe(false);
    expect(v.findings[0]?.code).toBe('no_schema');
  });
});

describeWithShared('samples', 'values stay exact', () => {
  it('EndToEndId 000000001 stays a string and five-decimal amounts convert exactly', () => {
    const m = camt('camt053.v2.five.decimals.xml');
    const s = m.reports[0]!;
    expect(s.id).toBe('253EURNL26VAYB8060476890');
    // Written as 18.150 and 27.050: trailing zeros are not extra precision.
    expect(s.balances.map((b) => b.amount)).toEqual([
      { amount: 1815, currency: 'EUR' },
      { amount: 2705, currency: 'EUR' },
    ]);
    expect(s.entries[0]?.amount).toEqual({ amount: 885, currency: 'EUR' });
    const refs = s.entries.flatMap((e) => e.transactions.map((t) => t.references?.endToEndId));
    expect(refs).toContain('000000001');
    expect(camt('camt53.only-Dt-with-DtTm.xml').reports[0]?.balances[0]).toEqual({
      type: { code: 'OPBD' },
      subType: undefined,
      amount: { amount: 544209, currency: 'RON' },
      creditDebit: 'CRDT',
      date: { date: undefined, dateTime: '2025-07-23T00:00:00.000000000' },
    });
  });

  it('a statement without Acct/Svcr, multi-statement files, all balance types', () => {
    const multi = camt('camt053.v2.multi.statement.xml');
    expect(multi.reports).toHaveLength(2);
    const min = camt('camt053.v2.minimal.xml').reports[0]!;
    expect(min.account).toEqual(expect.objectContaining({ iban: 'NL26VAYB8060476890', currency: 'EUR', servicer: undefined }));
    const types = camt('camt053.v2.all-balance-types.xml').reports[0]!.balances.map((b) => b.type.code);
    expect(types.length).toBeGreaterThan(3);
    expect(new Set(types).size).toBe(types.length);
  });

  it('v08 BICFI, the v08 entry status, UETR and Party40Choice wrappers', () => {
    const v8 = camt('camt053.v8.xml').reports[0]!;
    expect(v8.entries[0]?.status).toBe('BOOK');
    expect(v8.balances[3]?.amount).toEqual({ amount: 2700, currency: 'JPY' });
    const tx = v8.entries.flatMap((e) => e.transactions).find((t) => t.references?.endToEndId === 'MUELL/FINP/RA12345');
    expect(tx?.debtor?.name).toBeDefined();
    const uetr = camt('camt054.v8-with-UETR.xml').reports[0]!.entries[0]!;
    expect(uetr.amount).toEqual({ amount: 20000000, currency: 'SEK' });
    expect(uetr.transactions[0]?.references?.uetr).toBe('255ae394-9965-4438-ac86-f406feada396');
    const fi = camt('camt054.v8-with-financial-institution.xml').reports[0]!.entries[0]!.transactions[0]!;
    expect(fi.creditor).toBeUndefined();
    expect(fi.creditorInstitution?.name).toBe('Example Creditor 3 - V1');
    expect(fi.creditorInstitution?.postalAddress?.townName).toBe('Example Town 3 - V1');
  });

  it('camt.052.001.01 with its old tag names (BkToCstmrAcctRptV01, BIC, PrtryAcct)', () => {
    const m = camt('camt052.v1.xml');
    expect(m.groupHeader.recipient?.id?.organisation?.anyBic).toBe('DABAIE2D');
    expect(m.reports).toHaveLength(1);
    expect(m.reports[0]?.entries.length).toBeGreaterThan(0);
  });

  it('the partial-acceptance pain.002 round-trips: parse -> build -> parse is the identity', () => {
    const first = parse(read('pain/pain.002.001.10.partial-acceptance.xml'));
    const again = parse(build('pain.002.001.10', first.model as Pain002v10));
    expect(again.model).toEqual(first.model);
  });

  it('the partial-acceptance pain.002 keeps every status and reason', () => {
    const m = parse(read('pain/pain.002.001.10.partial-acceptance.xml')).model as Pain002v10;
    expect(m.originalGroup.groupStatus).toBe('PART');
    expect(m.originalGroup.originalControlSum).toBe('4199.75');
    expect(m.payments[0]?.status).toBe('ACCP');
    expect(m.payments[0]?.transactions.map((t) => [t.originalEndToEndId, t.status, t.originalTransactionReference?.amount?.amount])).toEqual([
      ['E2E-0001', 'ACSP', 394975],
      ['E2E-0002', 'RJCT', 25000],
    ]);
    expect(m.payments[0]?.transactions[1]?.statusReasons?.[0]?.reason).toEqual({ code: 'AC01' });
  });
});
