import { afterAll, describe, expect, it } from 'vitest';
import {
  Iso20022Error,
  Iso20022SchemaError,
  build,
  disposeXsdCache,
  parse,
  validate,
  type BuildableModels,
  type BuildableType,
  type Pain001v09,
} from '../../src/iso20022/index.js';
import {
  acmt023Full,
  acmt024Full,
  camt029Full,
  camt055Full,
  camt056Full,
  head001Full,
  pacs002Full,
  pacs004Full,
  pacs008Full,
  pacs028Full,
  pain001Full,
  pain002Full,
  camt053Full,
  camt054Full,
} from './fixtures.js';
import { describeWithShared, itWithShared, xsdGateOffWithoutSharedXsd } from '../support/shared-reference.js';
import { xmllint } from './xmllint.js';

afterAll(() => disposeXsdCache());
// The official XSDs are the oracle of this file: the checks against them skip without ../shared;
// determinism and round trips need only the builder and run everywhere.
xsdGateOffWithoutSharedXsd();

const FULL: { [K in BuildableType]: () => BuildableModels[K] } = {
  'pain.001.001.09': pain001Full,
  'pain.002.001.10': pain002Full,
  'camt.053.001.08': camt053Full,
  'camt.054.001.08': camt054Full,
  'pacs.008.001.08': pacs008Full,
  'pacs.002.001.10': pacs002Full,
  'pacs.028.001.03': pacs028Full,
  'acmt.023.001.03': acmt023Full,
  'acmt.024.001.03': acmt024Full,
  'pacs.004.001.09': pacs004Full,
  'camt.055.001.08': camt055Full,
  'camt.056.001.08': camt056Full,
  'camt.029.001.09': camt029Full,
  'head.001.001.02': head001Full,
};

/** The JSON the CLI would print: undefined fields gone. */
const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

function expectValidBothWays(xml: string, type: string): void {
  expect(validate(xml, type)).toEqual({ messageType: type, valid: true, findings: [] });
  const native = xmllint(xml, type);
  expect(native.output).toContain('validates');
  expect(native.ok).toBe(true);
}

describe.each(Object.keys(FULL) as BuildableType[])('%s', (type) => {
  const model = (FULL[type] as () => BuildableModels[typeof type])();

  itWithShared('xsd', 'builds a document with every optional block that passes the XSD (libxml2-wasm and native xmllint)', () => {
    const xml = build(type, model);
    const root = type.startsWith('head.') ? 'AppHdr' : 'Document';
    expect(xml.startsWith(`<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="urn:iso:std:iso:20022:tech:xsd:${type}">`)).toBe(true);
    expectValidBothWays(xml, type);
  });

  it('is deterministic: the same model gives byte-identical output', () => {
    expect(build(type, model)).toBe(build(type, structuredClone(model)));
  });

  itWithShared('xsd', 'a model missing its mandatory blocks (bad JSON) is refused by the XSD gate, never a crash', () => {
    expect(() => build(type, {} as BuildableModels[typeof type])).toThrowError(Iso20022SchemaError);
    for (const key of Object.keys(model)) {
      const partial = { ...model, [key]: undefined } as BuildableModels[typeof type];
      try {
        build(type, partial);
      } catch (e) {
        expect(e).toBeInstanceOf(Iso20022Error);
      }
    }
  });

  it('round-trips: parse -> build -> parse is the identity on the model, and JSON survives', () => {
    const first = parse(build(type, model));
    expect(first.type).toBe(type);
    const xml2 = build(type, json(first.model) as BuildableModels[typeof type]);
    const second = parse(xml2);
    expect(json(second.model)).toEqual(json(first.model));
    expect(build(type, second.model as BuildableModels[typeof type])).toBe(xml2);
  });
});

describeWithShared('xsd', 'edge cases against the XSD', () => {
  it('maximum lengths, escaping and non-ASCII text pass both validators', () => {
    const m = pain001Full();
    const max35 = 'A'.repeat(34) + '&';
    m.groupHeader.messageId = 'M'.repeat(35);
    const p = m.paymentInformation[0]!;
    p.paymentInformationId = max35;
    const t = p.transactions[0]!;
    t.endToEndId = '<'.repeat(35);
    t.instructionId = '"\''.repeat(17) + '>';
    t.creditor = { name: 'Ä'.repeat(140), postalAddress: { townName: 'Z'.repeat(35), country: 'CH', addressLines: Array.from({ length: 7 }, () => 'L'.repeat(70)) } };
    // 140 characters where one is outside the BMP: the XSD counts characters, not UTF-16 units.
    t.remittanceInformation = { unstructured: ['y'.repeat(139) + '\u{1F600}'] };
    const xml = build('pain.001.001.09', m);
    expectValidBothWays(xml, 'pain.001.001.09');
    const back = parse(xml).model as Pain001v09;
    expect(back.paymentInformation[0]?.paymentInformationId).toBe(max35);
    expect(back.paymentInformation[0]?.transactions[0]?.endToEndId).toBe('<'.repeat(35));
    expect(back.paymentInformation[0]?.transactions[0]?.creditor?.name).toBe('Ä'.repeat(140));
    expect(back.paymentInformation[0]?.transactions[0]?.remittanceInformation?.unstructured).toEqual(['y'.repeat(139) + '\u{1F600}']);
  });

  it('maximum-length references and names in the interbank and investigation messages pass both validators', () => {
    // 35 characters with a slash inside (a slash at either end, or two in a row, breaks the identifier rule)
    const id35 = '9'.repeat(17) + '/' + '9'.repeat(17);
    const name140 = 'Nm&<'.repeat(35);
    const p8 = pacs008Full();
    Object.assign(p8.transactions[0]!, { instructionId: id35, endToEndId: id35, transactionId: id35, clearingSystemReference: id35 });
    p8.transactions[0]!.creditor = { name: name140, postalAddress: { townName: 'T'.repeat(35), country: 'GB', addressLines: ['A'.repeat(70), 'B'.repeat(70)] } };
    p8.groupHeader.messageId = id35;
    expectValidBothWays(build('pacs.008.001.08', p8), 'pacs.008.001.08');
    const p4 = pacs004Full();
    Object.assign(p4.transactions[0]!, { returnId: id35, originalEndToEndId: id35, originalTransactionId: id35 });
    p4.transactions[0]!.returnReasons = [{ reason: { proprietary: id35 }, additionalInformation: ['x'.repeat(105), 'y'.repeat(105)] }];
    expectValidBothWays(build('pacs.004.001.09', p4), 'pacs.004.001.09');
    const c56 = camt056Full();
    c56.assignment.id = id35;
    c56.underlying[0]!.transactions[0]!.cancellationReasons = [{ originator: { name: name140 }, additionalInformation: ['z'.repeat(105)] }];
    expectValidBothWays(build('camt.056.001.08', c56), 'camt.056.001.08');
    const a23 = acmt023Full();
    a23.verifications = Array.from({ length: 200 }, (_, i) => ({ id: `V${String(i).padStart(34, '0')}`, partyAndAccount: { party: { name: name140 }, account: { iban: 'DE89370400440532013000' } } }));
    expectValidBothWays(build('acmt.023.001.03', a23), 'acmt.023.001.03');
  });

  it('one character over a maximum length is refused before anything is sent, with the element path', () => {
    const m = pain001Full();
    m.groupHeader.messageId = 'M'.repeat(36);
    // identifiers: the always-on identifier rule speaks first; other text: the XSD gate
    expect(() => build('pain.001.001.09', m)).toThrowError(/Document\/CstmrCdtTrfInitn\/GrpHdr\/MsgId: identifier is 36 characters, at most 35/);
    const n = pain001Full();
    n.groupHeader.initiatingParty = { name: 'N'.repeat(141) };
    expect(() => build('pain.001.001.09', n)).toThrowError(/Document\/CstmrCdtTrfInitn\/GrpHdr\/InitgPty\/Nm.*maxLength|maxLength.*Nm/);
  });

  it('1000 transactions at the largest amount: CtrlSum beyond 2^53 is exact', () => {
    const m = pain001Full();
    const p = m.paymentInformation[0]!;
    p.transactions = Array.from({ length: 1000 }, (_, i) => ({
      endToEndId: `E2E-${String(i).padStart(6, '0')}`,
      amount: { amount: 999_999_999_999_999, currency: 'EUR' },
      creditorAccount: { iban: 'DE89370400440532013000' },
    }));
    m.paymentInformation = [p];
    const xml = build('pain.001.001.09', m);
    expectValidBothWays(xml, 'pain.001.001.09');
    expect(xml).toContain('<CtrlSum>9999999999999990.00</CtrlSum>');
    expect(xml).toContain('<NbOfTxs>1000</NbOfTxs>');
    const back = parse(xml).model as Pain001v09;
    expect(back.groupHeader.controlSum).toBe('9999999999999990.00');
    expect(back.paymentInformation[0]?.transactions[999]?.amount).toEqual({ amount: 999_999_999_999_999, currency: 'EUR' });
  });

  it('many pacs.008 transactions in several currencies pass both validators', () => {
    const m = pacs008Full();
    delete m.groupHeader.totalInterbankSettlementAmount;
    const base = m.transactions[1]!;
    m.transactions = Array.from({ length: 500 }, (_, i) => ({
      ...base,
      endToEndId: `E${i}`,
      interbankSettlementAmount: i % 3 === 0 ? { amount: i, currency: 'JPY' } : i % 3 === 1 ? { amount: i, currency: 'BHD' } : { amount: i, currency: 'EUR' },
    }));
    const xml = build('pacs.008.001.08', m);
    expectValidBothWays(xml, 'pacs.008.001.08');
    expect(xml).toContain('<IntrBkSttlmAmt Ccy="BHD">0.001</IntrBkSttlmAmt>');
    expect(xml).toContain('<IntrBkSttlmAmt Ccy="JPY">3</IntrBkSttlmAmt>');
  });

  it('choice branches not in the full fixtures: camt.029 AssgnmtCxlConf', () => {
    const m = camt029Full();
    m.status = { assignmentCancellationConfirmation: true };
    delete m.cancellationDetails;
    const xml = build('camt.029.001.09', m);
    expect(xml).toContain('<AssgnmtCxlConf>true</AssgnmtCxlConf>');
    expectValidBothWays(xml, 'camt.029.001.09');
    expect(parse(xml).model).toEqual(expect.objectContaining({ status: { confirmation: undefined, assignmentCancellationConfirmation: true } }));
  });

  it('minimal models (only mandatory parts) pass both validators', () => {
    const pain001: Pain001v09 = {
      groupHeader: { messageId: 'MIN', creationDateTime: '2026-11-27T10:00:00Z', initiatingParty: {} },
      paymentInformation: [
        {
          paymentInformationId: 'P',
          paymentMethod: 'TRF',
          requestedExecutionDate: { date: '2026-11-30' },
          debtor: {},
          debtorAccount: { iban: 'DE89370400440532013000' },
          debtorAgent: {},
          transactions: [{ endToEndId: 'NOTPROVIDED', amount: { amount: 0, currency: 'EUR' } }],
        },
      ],
    };
    expectValidBothWays(build('pain.001.001.09', pain001), 'pain.001.001.09');
    const pacs002 = { groupHeader: { messageId: 'X', creationDateTime: '2026-11-27T10:00:00Z' }, originalGroups: [], transactions: [] };
    expectValidBothWays(build('pacs.002.001.10', pacs002), 'pacs.002.001.10');
  });
});
