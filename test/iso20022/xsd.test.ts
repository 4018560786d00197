import { afterAll, expect, it } from 'vitest';
import {
  Iso20022SchemaError,
  assertXsdValid,
  build,
  disposeXsdCache,
  parse,
  validate,
  xsdDirectory,
} from '../../src/iso20022/index.js';
import { describeWithShared } from '../support/shared-reference.js';
import { pacs008Full, pain001Full } from './fixtures.js';

afterAll(() => disposeXsdCache());

describeWithShared('xsd', 'XSD gate', () => {
  it('reads the official schemas from ../shared/iso20022/xsd by default', () => {
    expect(xsdDirectory()).toMatch(/shared\/iso20022\/xsd$/);
  });

  it('outbound: an invalid document throws a typed error listing every finding with line and path', () => {
    const m = pain001Full();
    m.paymentInformation[0]!.paymentMethod = 'XXX';
    // (an upper-case UETR would be refused by the always-on rules first, so the second XSD break is a name too long)
    m.paymentInformation[0]!.transactions[0]!.creditor = { name: 'N'.repeat(141) };
    try {
      build('pain.001.001.09', m);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Iso20022SchemaError);
      const err = e as Iso20022SchemaError;
      expect(err.messageType).toBe('pain.001.001.09');
      expect(err.findings.map((f) => f.path)).toEqual([
        'Document/CstmrCdtTrfInitn/PmtInf[1]/PmtMtd',
        'Document/CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[1]/Cdtr/Nm',
      ]);
      expect(err.findings.every((f) => typeof f.line === 'number' && f.line > 1)).toBe(true);
      expect(err.message).toContain('PmtMtd');
    }
  });

  it('inbound: findings are returned, never thrown, and carry line and path', () => {
    const xml = build('pacs.008.001.08', pacs008Full()).replace('<ChrgBr>CRED</ChrgBr>', '<ChrgBr>NONE</ChrgBr>');
    const r = validate(xml);
    expect(r.valid).toBe(false);
    expect(r.messageType).toBe('pacs.008.001.08');
    const line = xml.split('\n').findIndex((l) => l.includes('<ChrgBr>NONE')) + 1;
    expect(r.findings).toEqual([
      expect.objectContaining({ severity: 'error', code: 'xsd', path: 'Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/ChrgBr', line }),
    ]);
    expect(r.findings[0]?.message).toContain("'NONE'");
  });

  it('validates a prefixed document and the Document inside an envelope with an AppHdr', () => {
    const xml = build('pain.001.001.09', pain001Full());
    const body = xml.replace(/^<\?xml[^>]*>\n/, '');
    const prefixed = body.replace('<Document xmlns=', '<p:Document xmlns:p=').replace(/<(\/?)(?!p:)([A-Za-z])/g, '<$1p:$2');
    expect(validate(prefixed)).toEqual({ messageType: 'pain.001.001.09', valid: true, findings: [] });
    expect(parse(prefixed).type).toBe('pain.001.001.09');
    const envelope = `<BizMsg><AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02"><MsgDefIdr>pain.001.001.09</MsgDefIdr></AppHdr>${body}</BizMsg>`;
    expect(validate(envelope).valid).toBe(true);
  });

  it('reports a malformed document and a DOCTYPE as findings', () => {
    const bad = validate('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">\n<A></B></Document>');
    expect(bad.valid).toBe(false);
    expect(bad.findings[0]).toEqual(expect.objectContaining({ code: 'not_well_formed', line: 2 }));
    expect(validate('<!DOCTYPE d><Document/>').findings[0]?.code).toBe('doctype_forbidden');
  });

  it('the base XSD checks shape only: EUR 0.291 passes it, the parser refuses it', () => {
    const xml = build('pacs.008.001.08', { ...pacs008Full(), groupHeader: { ...pacs008Full().groupHeader, totalInterbankSettlementAmount: undefined } })
      .replace('<IntrBkSttlmAmt Ccy="EUR">10000.00</IntrBkSttlmAmt>', '<IntrBkSttlmAmt Ccy="EUR">0.291</IntrBkSttlmAmt>')
      .replace(/<CtrlSum>[^<]*<\/CtrlSum>/, '');
    expect(validate(xml).valid).toBe(true);
    expect(() => parse(xml)).toThrowError(expect.objectContaining({ code: 'too_many_decimals' }));
  });

  it('assertXsdValid passes a valid document and repeated validation reuses the cached schema', () => {
    const xml = build('pacs.008.001.08', pacs008Full());
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) assertXsdValid(xml, 'pacs.008.001.08');
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
